"""Recording and withdrawing consent on a family's record."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from portal.consent import service
from portal.families import service as families
from portal.families.access import FamilyAccess
from portal.families.service import people_of

if TYPE_CHECKING:
    from portal.families.tables import Family
from portal.kernel.forms import Form, new_form_key
from portal.web.handlers import see_other, user_of


async def consent_context(family: Family, form: Form) -> dict[str, Any]:
    people = [(str(p.id), f"{p.given_names} {p.family_name}") for p in await people_of(family.id)]
    return {"family": family, "form": form, "people": people, "labels": service}


@get("/families/{family_id:int}/consent/new", name="new_consent")
async def new_consent(
    request: Request[Any, Any, Any],
    change_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
) -> Template:
    family = change_access.family
    form = Form({"form_key": new_form_key(), "decision": "given"})
    return Template("consent/new.html", context=await consent_context(family, form))


def read_consent(form: Form, people: list[str]) -> service.NewConsent | None:
    person = form.choice("person", people, "Select whose consent this is")
    purpose = form.choice("purpose", service.PURPOSES, "Select what the consent is for")
    agencies = form.text("agencies", max_length=400, label="Agencies")
    if purpose == "sharing" and not agencies:
        form.error("agencies", "Enter the agencies information may be shared with")
    decision = form.choice("decision", ("given", "refused"), "Select whether consent was given")
    given_by = form.choice("given_by", service.GIVEN_BY, "Select who gave or refused consent")
    name = form.text("given_by_name", "Enter the name of the person who gave or refused consent")
    judged = form.text("competence_judged_by", max_length=200, label="Name")
    if given_by == "young_person" and not judged:
        form.error(
            "competence_judged_by", "Enter the name of the practitioner who judged them competent"
        )
    method = form.choice("method", service.METHODS, "Select whether consent was written or verbal")
    given_on = form.date("given_on", "the date consent was given or refused")
    notes = form.text("notes", max_length=2000, label="Notes")
    if not form.ok or given_on is None:
        return None
    return service.NewConsent(
        person_id=int(person),
        purpose=purpose,
        decision=decision,
        given_by=given_by,
        given_by_name=name,
        method=method,
        given_on=given_on,
        agencies=agencies if purpose == "sharing" else "",
        competence_judged_by=judged if given_by == "young_person" else "",
        notes=notes,
    )


@post("/families/{family_id:int}/consent", name="record_consent")
async def record_consent(
    request: Request[Any, Any, Any],
    family_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
) -> Template | Redirect:
    family = family_access.family
    form = await Form.read(request)
    context = await consent_context(family, form)
    new = read_consent(form, [p for p, _ in context["people"]])
    if new is None:
        return Template("consent/new.html", context=context, status_code=422)
    await service.record_consent(user_of(request), family, new, form.get("form_key"))
    return see_other(f"/families/{family.id}#consent")


async def consent_in(family: Family, consent_id: FromPath[int]) -> dict[str, Any]:
    for row in await service.consent_history(family.id):
        if row["id"] == consent_id:
            return row
    raise NotFoundException()


@get("/families/{family_id:int}/consent/{consent_id:int}/withdraw", name="withdraw_consent")
async def withdraw_form(
    request: Request[Any, Any, Any],
    family_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
    consent_id: FromPath[int],
) -> Template:
    family = family_access.family
    consent = await consent_in(family, consent_id)
    return Template(
        "consent/withdraw.html",
        context={"family": family, "consent": consent, "form": Form(), "labels": service},
    )


@post("/families/{family_id:int}/consent/{consent_id:int}/withdraw", name="save_withdrawal")
async def withdraw(
    request: Request[Any, Any, Any],
    family_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
    consent_id: FromPath[int],
) -> Template | Redirect:
    user = user_of(request)
    family = family_access.family
    consent = await consent_in(family, consent_id)
    form = await Form.read(request)
    withdrawn_on = form.date("withdrawn_on", "the date consent was withdrawn")
    reason = form.text("reason", "Enter why consent was withdrawn", max_length=2000, label="Reason")
    if not form.ok or withdrawn_on is None:
        return Template(
            "consent/withdraw.html",
            context={"family": family, "consent": consent, "form": form, "labels": service},
            status_code=422,
        )
    await service.withdraw_consent(user, family, consent_id, withdrawn_on, reason)
    if consent["purpose"] == "record":
        # The record is now restricted: the user may no longer be able to open it.
        refreshed = await families.family_by_id(family.id)
        if refreshed is not None and refreshed.lead_practitioner != user.id:
            return see_other("/families?closed=1")
    return see_other(f"/families/{family.id}#consent")


CONSENT_HANDLERS = [new_consent, record_consent, withdraw_form, withdraw]
