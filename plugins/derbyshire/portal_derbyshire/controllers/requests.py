"""One request's page, and Starting Point's triage and the Senior
Practitioner's screening decisions on it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from portal.plugin_api import (
    Form,
    StaleVersion,
    assessments,
    audit,
    families,
    meetings,
    see_other,
    user_of,
)
from portal_derbyshire import common, requests, screening, triage
from portal_derbyshire.clock import screening_clock, told_by
from portal_derbyshire.controllers.web import (
    ANY_ROLE,
    SENIOR_ONLY,
    STAFF,
    common_context,
    conflict,
    now_of,
    number,
)


async def visible_request(request: Request[Any, Any, Any], request_id: int) -> dict[str, Any]:
    """The request if this user may see it (audited either way); else 404."""
    user = user_of(request)
    row = await requests.request_row(request_id)
    if row is None or not requests.may_see(user, row):
        await audit.record(
            "starting_point_request_viewed",
            "refused",
            actor=user,
            record_type="starting_point_request",
            record_id=request_id,
            page=request.url.path,
        )
        raise NotFoundException()
    await audit.record(
        "starting_point_request_viewed",
        "success",
        actor=user,
        record_type="starting_point_request",
        record_id=request_id,
        family_id=row["family"],
        page=request.url.path,
    )
    return (await families.with_children([row], lambda r: int(r["family"])))[0]


async def request_context(
    request: Request[Any, Any, Any],
    row: dict[str, Any],
    triage_form: Form | None = None,
    screening_form: Form | None = None,
) -> dict[str, Any]:
    user = user_of(request)
    is_staff = user.has_role(*common.SP_ROLES)
    open_now = row["status"] in common.OPEN_STATUSES
    can_triage = is_staff and row["status"] == "with_starting_point"
    can_screen = user.has_role(common.SENIOR) and row["status"] == "initial_contact"
    version = str(row["version"])
    context: dict[str, Any] = {
        **common_context(request),
        "row": row,
        "district_name": common.DISTRICT_NAMES.get(row["district"], row["district"]),
        "can_triage": can_triage,
        "can_screen": can_screen,
        "triage_form": triage_form or Form({"version": version}),
        "screening_form": screening_form or Form({"version": version}),
        "triage_choices": list(common.TRIAGE.items()),
        "screening_choices": list(common.SCREENING.items()),
        "screening_labels": common.SCREENING,
        "triage_labels": common.TRIAGE,
        "consent_labels": common.CONSENT_BASES,
        "advisors": [(str(a["id"]), a["display_name"]) for a in await requests.advisors()]
        if can_screen
        else [],
        "placement": await meetings.placement_of(common.KIND, row["id"]),
        "involvement": await requests.involvement(row["family"], row["id"])
        if is_staff and open_now
        else None,
        "clock": screening_clock(row["initial_contact_at"], now_of(request))
        if row["initial_contact_at"]
        else None,
        # Just sent (the referral form's redirect): the referrer's confirmation panel.
        "just_sent": request.query_params.get("sent") == "1" and row["referrer"] == user.id,
        "told_by": told_by(row),
        "assessment_number": None,
        "eht_lead": await requests.eht_lead(row["family"]) if can_triage else "",
    }
    if row["assessment"] and row["assessment_version"]:
        versions = await assessments.versions_of(row["assessment"])
        match = [v["number"] for v in versions if v["id"] == row["assessment_version"]]
        context["assessment_number"] = match[0] if match else None
    return context


@get("/requests/{request_id:int}", name="derbyshire_request", guards=ANY_ROLE)
async def request_page(request: Request[Any, Any, Any], request_id: FromPath[int]) -> Template:
    row = await visible_request(request, request_id)
    return Template("derbyshire/request.html", context=await request_context(request, row))


@dataclass(frozen=True)
class Decision:
    """One of the two decisions on a request's page: which form it is, the
    status it is taken in, and where the request row records who took it."""

    form_name: str
    open_status: str
    by_field: str
    outcome_field: str


TRIAGE = Decision("triage_form", "with_starting_point", "triaged_by", "triage_outcome")
SCREENING = Decision("screening_form", "initial_contact", "screened_by", "screening_outcome")


async def decide(
    request: Request[Any, Any, Any],
    row: dict[str, Any],
    form: Form,
    step: Decision,
    outcome: str,
    act: Callable[[int], Awaitable[None]],
) -> Template | Redirect:
    """Validate the version, take the decision, and answer: the page again (422)
    with the errors, the 409 page if someone else changed or decided it first,
    or back to the request (also for a double click on the same decision)."""
    user = user_of(request)
    page = f"/derbyshire/requests/{row['id']}"

    async def again() -> Template:
        context = await request_context(request, row, **{step.form_name: form})
        return Template("derbyshire/request.html", context=context, status_code=422)

    version = number(form.get("version"))
    if not form.ok or version is None:
        return await again()
    try:
        await act(version)
    except StaleVersion:
        return conflict(row)
    except common.RequestError as error:
        current = await requests.request_row(row["id"]) or row
        if current["status"] != step.open_status:
            if current[step.by_field] == user.id and current[step.outcome_field] == outcome:
                return see_other(page)  # a double click
            return conflict(current)
        form.error("outcome", str(error))
        return await again()
    return see_other(page)


@post("/requests/{request_id:int}/triage", name="derbyshire_triage", guards=STAFF)
async def triage_request(
    request: Request[Any, Any, Any], request_id: FromPath[int]
) -> Template | Redirect:
    user = user_of(request)
    row = await visible_request(request, request_id)
    form = await Form.read(request)
    outcome = form.choice("outcome", common.TRIAGE, "Select what Starting Point will do")
    redirected_to = ""
    if outcome == "redirect":
        redirected_to = form.text(
            "redirected_to",
            "Enter the service you are redirecting the request to",
            label="Service",
        )
    detail = form.text(
        "detail",
        "Enter the reasons"
        if outcome == "initial_contact"
        else "Enter the information, advice or reasons given",
        max_length=5000,
        label="Reasons",
    )

    async def act(version: int) -> None:
        await triage.triage(
            user, request_id, version, outcome, detail, redirected_to, now_of(request)
        )

    return await decide(request, row, form, TRIAGE, outcome, act)


@post("/requests/{request_id:int}/screening", name="derbyshire_screen", guards=SENIOR_ONLY)
async def screen_request(
    request: Request[Any, Any, Any], request_id: FromPath[int]
) -> Template | Redirect:
    user = user_of(request)
    row = await visible_request(request, request_id)
    form = await Form.read(request)
    outcome = form.choice("outcome", common.SCREENING, "Select the screening decision")
    advisor_id = None
    if outcome == "advisor":
        choices = [str(a["id"]) for a in await requests.advisors()]
        chosen = form.choice("advisor", choices, "Select the Early Help Advisor")
        advisor_id = int(chosen) if chosen else None
    reasons = form.text(
        "reasons", "Enter the reasons for the decision", max_length=5000, label="Reasons"
    )

    async def act(version: int) -> None:
        await screening.screen(
            user, request_id, version, outcome, reasons, advisor_id, now_of(request)
        )

    return await decide(request, row, form, SCREENING, outcome, act)
