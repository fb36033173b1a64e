"""Recording a decision to share, or not to share, information."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from portal.families.access import FamilyAccess
from portal.kernel.forms import Form, new_form_key
from portal.sharing import service
from portal.web.handlers import see_other, user_of


@get("/families/{family_id:int}/sharing/new", name="new_sharing_decision")
async def new_decision(
    request: Request[Any, Any, Any],
    change_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
) -> Template:
    family = change_access.family
    form = Form({"form_key": new_form_key()})
    return Template("sharing/new.html", context={"family": family, "form": form, "labels": service})


def read_decision(form: Form) -> service.NewSharingDecision | None:
    decision = form.choice(
        "decision", service.DECISIONS, "Select whether information was shared or not"
    )
    what = form.text("what", "Enter what information was, or was not, shared", max_length=2000)
    agency = form.text("with_agency", "Enter the agency", label="Agency")
    person = form.text("with_person", label="Person")
    why = form.text("why", "Enter the reason for the decision", max_length=2000, label="Reason")
    basis = form.choice("basis", service.BASES, "Select the basis for the decision")
    basis_reason = form.text("basis_reason", max_length=2000, label="Reason")
    if basis in ("safeguarding", "other_legal") and not basis_reason:
        form.error("basis_reason", "Enter why information was shared without consent")
    consultations = form.text("consultations", max_length=2000, label="Advice sought")
    decided_on = form.date("decided_on", "the date of the decision")
    if not form.ok or decided_on is None:
        return None
    return service.NewSharingDecision(
        decision=decision,
        what=what,
        with_agency=agency,
        with_person=person,
        why=why,
        basis=basis,
        basis_reason=basis_reason,
        consultations=consultations,
        decided_on=decided_on,
    )


@post("/families/{family_id:int}/sharing", name="record_sharing_decision")
async def record_decision(
    request: Request[Any, Any, Any],
    family_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
) -> Template | Redirect:
    family = family_access.family
    form = await Form.read(request)
    new = read_decision(form)
    if new is None:
        return Template(
            "sharing/new.html",
            context={"family": family, "form": form, "labels": service},
            status_code=422,
        )
    await service.record_decision(user_of(request), family, new, form.get("form_key"))
    return see_other(f"/families/{family.id}#sharing")


SHARING_HANDLERS = [new_decision, record_decision]
