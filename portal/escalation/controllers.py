"""HTTP handlers for escalation: the area's route to Children's Social Care and
recording a referral made, and recording a step-down into early help."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from portal.access.service import relationship
from portal.areas import SocialCareRoute
from portal.consent.service import ConsentRequired
from portal.escalation import service
from portal.families import service as families
from portal.families.access import FamilyAccess
from portal.families.service import children_of

if TYPE_CHECKING:
    from portal.families.tables import Family
from portal.kernel.formatting import spaced_nhs_number
from portal.kernel.forms import Form, new_form_key
from portal.plugins import call_for_area
from portal.web.handlers import see_other, user_of

DEFAULT_SHARED = (
    "What we are worried about and why; the children's names, NHS numbers, dates of birth "
    "and address; who else lives in the household; and our early help involvement with "
    "the family."
)


def social_care_route(request: Request[Any, Any, Any], family: Family) -> SocialCareRoute | None:
    """The family's area's route, asked of that area's plugin only."""
    answer = call_for_area(
        request.app.state.plugin_manager,
        family.area,
        "portal_social_care_route",
        area=family.area,
    )
    return answer if isinstance(answer, SocialCareRoute) else None


async def escalate_context(
    request: Request[Any, Any, Any], access: FamilyAccess, form: Form
) -> dict[str, Any]:
    family = access.family
    # With each child's NHS number, the consistent identifier the front door
    # needs to find them (Children Act 2004 s16LC).
    children = [
        (
            str(p.id),
            f"{p.given_names} {p.family_name}"
            + (f" (NHS number {spaced_nhs_number(p.nhs_number)})" if p.nhs_number else ""),
        )
        for p in await children_of(family.id)
    ]
    return {
        "family": family,
        "access": access,
        "form": form,
        "route": social_care_route(request, family),
        "children": children,
    }


@get("/families/{family_id:int}/escalate", name="escalate")
async def escalate_form(
    request: Request[Any, Any, Any],
    change_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
) -> Template:
    access = change_access
    form = Form({"form_key": new_form_key(), "shared": DEFAULT_SHARED})
    return Template(
        "escalation/escalate.html", context=await escalate_context(request, access, form)
    )


def read_referral(form: Form, children: list[str]) -> service.NewReferral | None:
    chosen = form.get_all("children")
    if children and not chosen:
        form.error("children", "Select which children you are worried about", "children")
    elif any(c not in children for c in chosen):
        form.error("children", "Select children from the list", "children")
    reason = form.text(
        "reason", "Enter what you are worried about", max_length=5000, label="Your worry"
    )
    sought = form.choice(
        "consent_sought", ("yes", "no"), "Select whether you asked the family for consent"
    )
    agreed = ""
    detail = ""
    if sought == "yes":
        agreed = form.choice(
            "family_agreed", ("yes", "no"), "Select whether the family agreed to the referral"
        )
        detail = form.text(
            "consent_response", "Enter what the family said", max_length=2000, label="Response"
        )
    elif sought == "no":
        detail = form.text(
            "not_sought_reason",
            "Enter why you did not ask the family for consent",
            max_length=2000,
            label="Reason",
        )
    how = form.text(
        "how",
        "Enter how you made the referral, and any reference you were given",
        max_length=2000,
        label="How you made the referral",
    )
    shared = form.text(
        "shared", "Enter what information you shared", max_length=2000, label="What you shared"
    )
    if not form.ok:
        return None
    return service.NewReferral(
        children=tuple(int(c) for c in chosen),
        reason=reason,
        consent_sought=sought == "yes",
        family_agreed=agreed == "yes",
        consent_detail=detail,
        how=how,
        shared=shared,
    )


@post("/families/{family_id:int}/escalate", name="record_referral")
async def record_referral(
    request: Request[Any, Any, Any],
    family_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
) -> Template | Redirect:
    user = user_of(request)
    access = family_access
    family = access.family
    form = await Form.read(request)
    context = await escalate_context(request, access, form)
    new = read_referral(form, [c for c, _ in context["children"]])
    if new is None:
        return Template("escalation/escalate.html", context=context, status_code=422)
    route = context["route"]
    destination = route.service if route else service.FALLBACK_DESTINATION
    try:
        await service.refer_to_social_care(user, family, new, destination, form.get("form_key"))
    except service.ReferralError as error:
        form.error("reason", str(error))
        return Template("escalation/escalate.html", context=context, status_code=422)
    except ConsentRequired as error:  # only when no reason was given for going without
        form.error("not_sought_reason", error.message)
        return Template("escalation/escalate.html", context=context, status_code=422)
    refreshed = await families.family_by_id(family.id)
    if refreshed is None or await relationship(user, refreshed) is None:
        return see_other("/families?referred=1")  # a restricted record: managers only now
    return see_other(f"/families/{family.id}#statutory-lead")


def step_down_context(family: Family, form: Form) -> dict[str, Any]:
    return {"family": family, "form": form}


@get("/families/{family_id:int}/step-down", name="step_down")
async def step_down_form(
    request: Request[Any, Any, Any],
    change_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
) -> Template:
    family = change_access.family
    await service.require_may_record_step_down(user_of(request), family)
    form = Form({"form_key": new_form_key(), "from_service": family.statutory_lead})
    return Template("escalation/step_down.html", context=step_down_context(family, form))


def read_step_down(form: Form) -> service.NewStepDown | None:
    from_service = form.text(
        "from_service", "Enter which service is handing the family over", label="Service"
    )
    meeting = form.date("transition_meeting_on", "the date of the transition meeting", when="any")
    summary = form.text(
        "summary", "Enter a summary of the hand-over", max_length=5000, label="Summary"
    )
    if not form.ok or meeting is None:
        return None
    return service.NewStepDown(
        from_service=from_service, transition_meeting_on=meeting, summary=summary
    )


@post("/families/{family_id:int}/step-down", name="record_step_down")
async def record_step_down(
    request: Request[Any, Any, Any],
    family_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
) -> Template | Redirect:
    user = user_of(request)
    family = family_access.family
    await service.require_may_record_step_down(user, family)
    form = await Form.read(request)
    new = read_step_down(form)
    if new is None:
        return Template(
            "escalation/step_down.html", context=step_down_context(family, form), status_code=422
        )
    await service.record_step_down(user, family, new, form.get("form_key"))
    return see_other(f"/families/{family.id}#social-care")


HANDLERS: list[Any] = [escalate_form, record_referral, step_down_form, record_step_down]
