"""The online referral to Starting Point from a family's Derbyshire page."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from portal.plugin_api import (
    Family,
    Form,
    closure,
    consent,
    families,
    new_form_key,
    see_other,
    user_of,
)
from portal_derbyshire import common, requests
from portal_derbyshire.controllers.web import (
    ANY_ROLE,
    common_context,
    derbyshire_family,
    now_of,
)


async def referral_context(
    request: Request[Any, Any, Any], family: Family, form: Form
) -> dict[str, Any]:
    done = await requests.completed_assessments(family.id)
    history = await consent.consent_history(family.id)
    sharing = [
        c
        for c in history
        if consent.in_force(c)
        and c["purpose"] == "sharing"
        and consent.covers_agency(c, common.AGENCY)
    ]
    return {
        **common_context(request),
        "family": family,
        "form": form,
        "children": await families.child_choices(family.id),
        "assessments": [
            (
                f"{a['id']}:{a['latest_version']['id']}",
                f"Early Help Assessment for {a['child_given_names']} {a['child_family_name']}, "
                f"version {a['latest_version']['number']}",
            )
            for a in done
        ],
        "sharing_consents": sharing,
        "consent_bases": list(common.CONSENT_BASES.items()),
    }


@get("/families/{family_id:int}/referral", name="derbyshire_new_referral", guards=ANY_ROLE)
async def new_referral(request: Request[Any, Any, Any], family_id: FromPath[int]) -> Template:
    family = await derbyshire_family(request, family_id)
    closure.require_open(family, requests.REFERRAL_CLOSED)
    form = Form({"form_key": new_form_key()})
    context = await referral_context(request, family, form)
    if context["assessments"]:
        form.values["assessment"] = context["assessments"][0][0]
    return Template("derbyshire/referral.html", context=context)


def read_referral(form: Form, context: dict[str, Any]) -> requests.NewRequest | None:
    child = form.choice(
        "child",
        [c for c, _ in context["children"]],
        "Select which child the request is mainly about",
    )
    kind = form.choice(
        "request_type", common.REQUEST_TYPES, "Select what you are asking Starting Point for"
    )
    details = form.text(
        "details", "Enter what you need and why", max_length=5000, label="What you need"
    )
    assessment = form.choice(
        "assessment",
        [a for a, _ in context["assessments"]] + ["none"],
        "Select the Early Help Assessment to send, or that there is none",
    )
    basis = form.choice(
        "consent_basis",
        common.CONSENT_BASES,
        "Select whether the family consented, or why you are referring without consent",
    )
    detail = form.text("consent_detail", max_length=2000, label="Consent details")
    if basis in ("not_sought", "refused") and not detail:
        form.error("consent_detail", "Enter why consent was not sought or what the family said")
    if not context["children"]:
        form.error("child", "Add the child to the family's record before sending a referral")
    if not form.ok:
        return None
    assessment_id = version_id = None
    if assessment != "none":
        first, second = assessment.split(":")
        assessment_id, version_id = int(first), int(second)
    return requests.NewRequest(
        request_type=kind,
        child_id=int(child),
        details=details,
        consent_basis=basis,
        consent_detail=detail,
        assessment_id=assessment_id,
        assessment_version=version_id,
    )


@post("/families/{family_id:int}/referral", name="derbyshire_send_referral", guards=ANY_ROLE)
async def send_referral(
    request: Request[Any, Any, Any], family_id: FromPath[int]
) -> Template | Redirect:
    user = user_of(request)
    family = await derbyshire_family(request, family_id)
    closure.require_open(family, requests.REFERRAL_CLOSED)
    form = await Form.read(request)
    context = await referral_context(request, family, form)
    new = read_referral(form, context)
    if new is None:
        return Template("derbyshire/referral.html", context=context, status_code=422)
    try:
        request_id = await requests.send_request(
            user, family, new, form.get("form_key"), now_of(request)
        )
    except consent.ConsentRequired as error:
        form.error("consent_basis", error.message)
        return Template("derbyshire/referral.html", context=context, status_code=422)
    # The request's page, with the confirmation panel and what happens next.
    return see_other(f"/derbyshire/requests/{request_id}?sent=1")
