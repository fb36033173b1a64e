"""Pages for the Professional Consultation Line."""

from __future__ import annotations

from litestar import get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from portal.plugin_api import (
    Form,
    new_form_key,
    see_other,
    user_of,
)
from portal_derby import consultations
from portal_derby.controllers.web import (
    Req,
    any_derby_role,
    derby_family,
    page,
)


@get(
    "/families/{family_id:int}/consultations/new",
    name="derby_new_consultation",
    guards=[any_derby_role],
)
async def new_consultation(request: Req, family_id: FromPath[int]) -> Template:
    family = (await derby_family(request, family_id)).family
    return page("consultation_new.html", family=family, form=Form({"form_key": new_form_key()}))


@post(
    "/families/{family_id:int}/consultations",
    name="derby_record_consultation",
    guards=[any_derby_role],
)
async def record_consultation(request: Req, family_id: FromPath[int]) -> Template | Redirect:
    user = user_of(request)
    family = (await derby_family(request, family_id)).family
    form = await Form.read(request)
    on = form.date("consulted_on", "the date you called the line")
    spoke_to = form.text("spoke_to", label="Who you spoke to")
    question = form.text(
        "question", "Enter what you asked the line", max_length=5000, label="What you asked"
    )
    advice = form.text("advice", "Enter what the line advised", max_length=5000, label="The advice")
    harm = form.choice(
        "significant_harm",
        ("yes", "no"),
        "Select whether the line advised that a child may be suffering significant harm",
    )
    if not form.ok or on is None:
        return page("consultation_new.html", 422, family=family, form=form)
    await consultations.record_consultation(
        user,
        family,
        consultations.ConsultationInput(on, spoke_to, question, advice, harm == "yes"),
        form.get("form_key"),
    )
    if harm == "yes":
        return see_other(f"/families/{family.id}/escalate")
    return see_other(f"/derby/families/{family.id}#advice")
