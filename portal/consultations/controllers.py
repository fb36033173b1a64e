"""Recording a call to the area's advice line about a family."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from portal.areas import AreaDescription, SocialCareRoute
from portal.consultations import service
from portal.families.access import FamilyAccess
from portal.kernel.clock import UK, now_utc
from portal.kernel.forms import Form, new_form_key
from portal.plugins import call_for_area
from portal.web.handlers import areas_by_slug, see_other, user_of

PAGE = "consultations/new.html"


def page_context(
    request: Request[Any, Any, Any], access: FamilyAccess, form: Form
) -> dict[str, Any]:
    family = access.family
    area: AreaDescription | None = areas_by_slug(request).get(family.area)
    route = call_for_area(
        request.app.state.plugin_manager, family.area, "portal_social_care_route", area=family.area
    )
    front_door = route.service if isinstance(route, SocialCareRoute) else "Children's Social Care"
    return {"family": family, "form": form, "family_area": area, "front_door": front_door}


@get("/families/{family_id:int}/consultations/new", name="new_consultation")
async def new_consultation(
    request: Request[Any, Any, Any],
    change_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
) -> Template:
    form = Form({"form_key": new_form_key()})
    form.set_date("consulted_on", now_utc().astimezone(UK).date())
    return Template(PAGE, context=page_context(request, change_access, form))


def read_consultation(form: Form, line: str) -> service.NewConsultation | None:
    today = now_utc().astimezone(UK).date()
    on = form.date("consulted_on", "the date you called", today=today)
    adviser = form.text("adviser_name", max_length=200, label="Who advised you")
    question = form.text(
        "question", "Enter what you asked", max_length=5000, label="What you asked"
    )
    advice = form.text(
        "advice", "Enter the advice you were given", max_length=5000, label="The advice"
    )
    harm = form.choice(
        "significant_harm",
        ("yes", "no"),
        "Select whether you were advised a child may be suffering significant harm",
    )
    if not form.ok or on is None:
        return None
    return service.NewConsultation(line, on, adviser, question, advice, harm == "yes")


@post("/families/{family_id:int}/consultations", name="record_consultation")
async def record_consultation(
    request: Request[Any, Any, Any],
    family_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
) -> Template | Redirect:
    family = family_access.family
    form = await Form.read(request)
    area = areas_by_slug(request).get(family.area)
    new = read_consultation(form, area.advice_line.name if area else "")
    if new is None:
        return Template(PAGE, context=page_context(request, family_access, form), status_code=422)
    await service.record_consultation(user_of(request), family, new, form.get("form_key"))
    if new.significant_harm:
        # Significant harm: refer to children's social care at once, through the core's route.
        return see_other(f"/families/{family.id}/escalate")
    return see_other(f"/families/{family.id}#advice")


CONSULTATION_HANDLERS = [new_consultation, record_consultation]
