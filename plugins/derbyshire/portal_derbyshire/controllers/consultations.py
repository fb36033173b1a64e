"""Recording a consultation with Starting Point."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from portal.plugin_api import (
    Family,
    Form,
    new_form_key,
    see_other,
    user_of,
)
from portal_derbyshire import consultations
from portal_derbyshire.controllers.web import (
    ANY_ROLE,
    common_context,
    derbyshire_family,
    now_of,
)


def consultation_context(
    request: Request[Any, Any, Any], family: Family, form: Form
) -> dict[str, Any]:
    return {**common_context(request), "family": family, "form": form}


@get(
    "/families/{family_id:int}/consultations/new",
    name="derbyshire_new_consultation",
    guards=ANY_ROLE,
)
async def new_consultation(request: Request[Any, Any, Any], family_id: FromPath[int]) -> Template:
    family = await derbyshire_family(request, family_id)
    form = Form({"form_key": new_form_key()})
    form.set_date("consulted_on", now_of(request).date())
    return Template(
        "derbyshire/consultation.html", context=consultation_context(request, family, form)
    )


@post(
    "/families/{family_id:int}/consultations",
    name="derbyshire_record_consultation",
    guards=ANY_ROLE,
)
async def record_consultation(
    request: Request[Any, Any, Any], family_id: FromPath[int]
) -> Template | Redirect:
    user = user_of(request)
    family = await derbyshire_family(request, family_id)
    form = await Form.read(request)
    now = now_of(request)
    on = form.date("consulted_on", "the date you called", today=now.date())
    adviser = form.text("adviser_name", max_length=200, label="Adviser's name")
    question = form.text(
        "question", "Enter what you asked", max_length=5000, label="What you asked"
    )
    advice = form.text(
        "advice", "Enter the advice you were given", max_length=5000, label="The advice"
    )
    harm = form.choice(
        "significant_harm",
        ("yes", "no"),
        "Select whether you were advised there may be significant harm",
    )
    if not form.ok or on is None:
        return Template(
            "derbyshire/consultation.html",
            context=consultation_context(request, family, form),
            status_code=422,
        )
    new = consultations.NewConsultation(
        consulted_on=datetime.combine(on, time(12), tzinfo=UTC),
        adviser_name=adviser,
        question=question,
        advice=advice,
        significant_harm=harm == "yes",
    )
    await consultations.record_consultation(user, family, new, form.get("form_key"), now)
    if new.significant_harm:
        # Significant harm: refer to Starting Point at once, through the core's route.
        return see_other(f"/families/{family.id}/escalate")
    return see_other(f"/derbyshire/families/{family.id}#consultations")
