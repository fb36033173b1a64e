"""Lead practitioner pages: take the lead, propose a new lead, answer a
proposal, record a disagreement."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from portal.families.access import FamilyAccess, ReadOnlyAccess
from portal.kernel.forms import Form, new_form_key
from portal.lead import service
from portal.web.handlers import see_other, user_of

if TYPE_CHECKING:
    from portal.families.tables import Family

DISPUTE_POLICY = (
    "Disagreements about who should lead go to the multi-agency dispute resolution and "
    "escalation policy of the Derby and Derbyshire Safeguarding Children Partnership. "
    "Talk to the other practitioner first; if you cannot agree, ask your manager to "
    "follow the policy's stages."
)


@post("/families/{family_id:int}/lead/take", name="take_lead")
async def take_lead(
    request: Request[Any, Any, Any],
    family_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
) -> Template | Redirect:
    access = family_access
    family = access.family
    try:
        await service.take_lead(user_of(request), family, access.reason)
    except service.LeadError as error:
        return lead_error(family, str(error))
    return see_other(f"/families/{family.id}#lead")


def lead_error(family: Family, message: str) -> Template:
    return Template(
        "lead/problem.html", context={"family": family, "message": message}, status_code=409
    )


@get("/families/{family_id:int}/lead/transfer", name="new_lead_transfer")
async def transfer_form(
    request: Request[Any, Any, Any],
    change_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
) -> Template:
    family = change_access.family
    form = Form({"form_key": new_form_key()})
    return Template("lead/transfer.html", context={"family": family, "form": form})


@post("/families/{family_id:int}/lead/transfer", name="propose_lead_transfer")
async def propose(
    request: Request[Any, Any, Any],
    family_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
) -> Template | Redirect:
    user = user_of(request)
    family = family_access.family
    form = await Form.read(request)
    email = form.text(
        "email",
        "Enter the email address of the proposed lead practitioner",
        max_length=320,
        label="Email address",
    )
    reason = form.text("reason", "Enter why they should lead", max_length=2000, label="Reason")
    to = await service.practitioner_by_email(email, family.area) if email else None
    if email and to is None:
        form.error(
            "email",
            "No practitioner with that email address works in this area on the portal. "
            "They need to sign in once before they can be proposed",
        )
    if not form.ok or to is None:
        return Template(
            "lead/transfer.html", context={"family": family, "form": form}, status_code=422
        )
    try:
        await service.propose_transfer(user, family, to, reason, form.get("form_key"))
    except service.LeadError as error:
        return lead_error(family, str(error))
    return see_other(f"/families/{family.id}#lead")


@post("/families/{family_id:int}/lead/transfer/{transfer_id:int}", name="answer_lead_transfer")
async def answer(
    request: Request[Any, Any, Any],
    read_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
    transfer_id: FromPath[int],
) -> Template | Redirect:
    user = user_of(request)
    # A proposed lead answers before they have a working relationship; the
    # service checks that this user is the one asked (or the proposer).
    access = read_access
    if not (access.may_change or access.reason == "proposed_lead"):
        raise ReadOnlyAccess(access.reason)
    family = access.family
    form = await Form.read(request)
    choice = form.get("answer")
    try:
        if choice == "withdraw":
            await service.withdraw_transfer(user, family, transfer_id)
        elif choice in ("accept", "decline"):
            await service.respond_to_transfer(
                user, family, transfer_id, choice == "accept", form.get("note")[:2000]
            )
        else:
            return lead_error(family, "Choose whether to accept or decline")
    except service.LeadError as error:
        return lead_error(family, str(error))
    if choice == "decline":
        return see_other("/families")  # they may no longer have access
    return see_other(f"/families/{family.id}#lead")


@get("/families/{family_id:int}/lead/disagreement", name="new_lead_disagreement")
async def disagreement_form(
    request: Request[Any, Any, Any],
    change_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
) -> Template:
    family = change_access.family
    form = Form({"form_key": new_form_key()})
    return Template(
        "lead/disagreement.html",
        context={"family": family, "form": form, "policy": DISPUTE_POLICY},
    )


@post("/families/{family_id:int}/lead/disagreement", name="record_lead_disagreement")
async def record_disagreement(
    request: Request[Any, Any, Any],
    family_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
) -> Template | Redirect:
    family = family_access.family
    form = await Form.read(request)
    detail = form.text(
        "detail", "Enter what the disagreement is about", max_length=4000, label="Disagreement"
    )
    if not form.ok:
        return Template(
            "lead/disagreement.html",
            context={"family": family, "form": form, "policy": DISPUTE_POLICY},
            status_code=422,
        )
    await service.record_disagreement(user_of(request), family, detail, form.get("form_key"))
    return see_other(f"/families/{family.id}#lead")


LEAD_HANDLERS = [take_lead, transfer_form, propose, answer, disagreement_form, record_disagreement]
