"""Derbyshire's pages, mounted under /derbyshire: the online referral to Starting
Point, the family's Derbyshire page, consultations, Starting Point's queue with
the 24-hour clock, triage and screening, the referrer's and staff's lists,
and the timeliness report."""

from __future__ import annotations

from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.static_files import create_static_files_router

from portal.plugin_api import (
    Family,
    Form,
    StaleVersion,
    assessments,
    audit,
    consent,
    families,
    family_for,
    meetings,
    new_form_key,
    require_area_role,
    see_other,
    user_of,
)
from portal_derbyshire import service
from portal_derbyshire.area import DERBYSHIRE
from portal_derbyshire.clock import clock_of, screening_clock

DERBYSHIRE_ROLES = (
    "derbyshire.practitioner",
    "derbyshire.starting_point",
    "derbyshire.senior_practitioner",
    "derbyshire.area_manager",
    "derbyshire.advisor",
    "derbyshire.vcm_chair",
)
# Another area's users get a 404 (as if these pages did not exist), not a 403.
ANY_ROLE = [require_area_role(service.AREA, *DERBYSHIRE_ROLES)]
STAFF = [require_area_role(service.AREA, *service.SP_ROLES)]
REPORT_READERS = [require_area_role(service.AREA, *service.SP_ROLES, service.MANAGER)]


def now_of(request: Request[Any, Any, Any]) -> datetime:
    return clock_of(request.app.state)()


def number(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) < 10 else None


def common(request: Request[Any, Any, Any]) -> dict[str, Any]:
    return {
        "area": DERBYSHIRE,
        "statuses": service.STATUSES,
        "request_types": service.REQUEST_TYPES,
        "districts": service.DISTRICT_NAMES,
        "now": now_of(request),
        "screening_clock": screening_clock,
    }


async def derbyshire_family(request: Request[Any, Any, Any], family_id: int) -> Family:
    """The family if this user may open it and it is Derbyshire's (else 403/404)."""
    family = (await family_for(request, family_id)).family
    if family.area != service.AREA:
        raise NotFoundException()
    return family


# About, and where a referral starts ---------------------------------------------------


@get("/", name="derbyshire_about", guards=ANY_ROLE)
async def about(request: Request[Any, Any, Any]) -> Template:
    return Template("derbyshire/about.html", context=common(request))


@get("/referral", name="derbyshire_start_referral", guards=ANY_ROLE)
async def start_referral(request: Request[Any, Any, Any]) -> Template:
    user = user_of(request)
    mine = [f for f in await families.families_for(user) if f["area"] == service.AREA]
    return Template("derbyshire/start_referral.html", context={**common(request), "families": mine})


@get("/requests", name="derbyshire_my_requests", guards=ANY_ROLE)
async def my_requests(request: Request[Any, Any, Any]) -> Template:
    user = user_of(request)
    rows = await service.requests_sent_by(user.id)
    await audit.record("starting_point_requests_listed", "success", actor=user, page="mine")
    return Template("derbyshire/my_requests.html", context={**common(request), "rows": rows})


@get("/cases", name="derbyshire_my_cases", guards=ANY_ROLE)
async def my_cases(request: Request[Any, Any, Any]) -> Template:
    user = user_of(request)
    rows = await service.cases_of(user.id)
    await audit.record("starting_point_requests_listed", "success", actor=user, page="cases")
    return Template("derbyshire/my_cases.html", context={**common(request), "rows": rows})


# The family's Derbyshire page --------------------------------------------------------


@get("/families/{family_id:int}", name="derbyshire_family", guards=ANY_ROLE)
async def family_page(request: Request[Any, Any, Any], family_id: FromPath[int]) -> Template:
    family = await derbyshire_family(request, family_id)
    return Template(
        "derbyshire/family.html",
        context={
            **common(request),
            "family": family,
            "children": await families.child_choices(family.id),
            "requests": await service.requests_for_family(family.id),
            "consultations": await service.consultations_of(family.id),
        },
    )


# The online referral --------------------------------------------------------------------


async def referral_context(
    request: Request[Any, Any, Any], family: Family, form: Form
) -> dict[str, Any]:
    done = await service.completed_assessments(family.id)
    history = await consent.consent_history(family.id)
    sharing = [
        c
        for c in history
        if consent.in_force(c)
        and c["purpose"] == "sharing"
        and consent.covers_agency(c, service.AGENCY)
    ]
    return {
        **common(request),
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
        "consent_bases": list(service.CONSENT_BASES.items()),
    }


@get("/families/{family_id:int}/referral", name="derbyshire_new_referral", guards=ANY_ROLE)
async def new_referral(request: Request[Any, Any, Any], family_id: FromPath[int]) -> Template:
    family = await derbyshire_family(request, family_id)
    form = Form({"form_key": new_form_key()})
    context = await referral_context(request, family, form)
    if context["assessments"]:
        form.values["assessment"] = context["assessments"][0][0]
    return Template("derbyshire/referral.html", context=context)


def read_referral(form: Form, context: dict[str, Any]) -> service.NewRequest | None:
    child = form.choice(
        "child",
        [c for c, _ in context["children"]],
        "Select which child the request is mainly about",
    )
    kind = form.choice(
        "request_type", service.REQUEST_TYPES, "Select what you are asking Starting Point for"
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
        service.CONSENT_BASES,
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
    return service.NewRequest(
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
    form = await Form.read(request)
    context = await referral_context(request, family, form)
    new = read_referral(form, context)
    if new is None:
        return Template("derbyshire/referral.html", context=context, status_code=422)
    try:
        request_id = await service.send_request(
            user, family, new, form.get("form_key"), now_of(request)
        )
    except consent.ConsentRequired as error:
        form.error("consent_basis", error.message)
        return Template("derbyshire/referral.html", context=context, status_code=422)
    return see_other(f"/derbyshire/requests/{request_id}")


# Consultations --------------------------------------------------------------------------


def consultation_context(
    request: Request[Any, Any, Any], family: Family, form: Form
) -> dict[str, Any]:
    return {**common(request), "family": family, "form": form}


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
    new = service.NewConsultation(
        consulted_on=datetime.combine(on, time(12), tzinfo=UTC),
        adviser_name=adviser,
        question=question,
        advice=advice,
        significant_harm=harm == "yes",
    )
    await service.record_consultation(user, family, new, form.get("form_key"), now)
    if new.significant_harm:
        # Significant harm: refer to Starting Point at once, through the core's route.
        return see_other(f"/families/{family.id}/escalate")
    return see_other(f"/derbyshire/families/{family.id}#consultations")


# One request -------------------------------------------------------------------------------


async def visible_request(request: Request[Any, Any, Any], request_id: int) -> dict[str, Any]:
    """The request if this user may see it (audited either way); else 404."""
    user = user_of(request)
    row = await service.request_row(request_id)
    if row is None or not service.may_see(user, row):
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
    is_staff = user.has_role(*service.SP_ROLES)
    open_now = row["status"] in service.OPEN_STATUSES
    can_triage = is_staff and row["status"] == "with_starting_point"
    can_screen = user.has_role(service.SENIOR) and row["status"] == "initial_contact"
    version = str(row["version"])
    context: dict[str, Any] = {
        **common(request),
        "row": row,
        "district_name": service.DISTRICT_NAMES.get(row["district"], row["district"]),
        "can_triage": can_triage,
        "can_screen": can_screen,
        "triage_form": triage_form or Form({"version": version}),
        "screening_form": screening_form or Form({"version": version}),
        "triage_choices": list(service.TRIAGE.items()),
        "screening_choices": list(service.SCREENING.items()),
        "screening_labels": service.SCREENING,
        "triage_labels": service.TRIAGE,
        "consent_labels": service.CONSENT_BASES,
        "advisors": [(str(a["id"]), a["display_name"]) for a in await service.advisors()]
        if can_screen
        else [],
        "placement": await meetings.placement_of(service.KIND, row["id"]),
        "involvement": await service.involvement(row["family"], row["id"])
        if is_staff and open_now
        else None,
        "clock": screening_clock(row["initial_contact_at"], now_of(request))
        if row["initial_contact_at"]
        else None,
        "assessment_number": None,
        "eht_lead": await service.eht_lead(row["family"]) if can_triage else "",
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


@post("/requests/{request_id:int}/triage", name="derbyshire_triage", guards=STAFF)
async def triage(request: Request[Any, Any, Any], request_id: FromPath[int]) -> Template | Redirect:
    user = user_of(request)
    row = await visible_request(request, request_id)
    form = await Form.read(request)
    outcome = form.choice("outcome", service.TRIAGE, "Select what Starting Point will do")
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
    version = number(form.get("version"))
    if not form.ok or version is None:
        return Template(
            "derbyshire/request.html",
            context=await request_context(request, row, triage_form=form),
            status_code=422,
        )
    try:
        await service.triage(
            user, request_id, version, outcome, detail, redirected_to, now_of(request)
        )
    except StaleVersion:
        return conflict(row)
    except service.RequestError as error:
        current = await service.request_row(request_id) or row
        if current["status"] != "with_starting_point":
            if current["triaged_by"] == user.id and current["triage_outcome"] == outcome:
                return see_other(f"/derbyshire/requests/{request_id}")  # a double click
            return conflict(current)
        form.error("outcome", str(error))
        return Template(
            "derbyshire/request.html",
            context=await request_context(request, row, triage_form=form),
            status_code=422,
        )
    return see_other(f"/derbyshire/requests/{request_id}")


@post(
    "/requests/{request_id:int}/screening",
    name="derbyshire_screen",
    guards=[require_area_role(service.AREA, service.SENIOR)],
)
async def screen(request: Request[Any, Any, Any], request_id: FromPath[int]) -> Template | Redirect:
    user = user_of(request)
    row = await visible_request(request, request_id)
    form = await Form.read(request)
    outcome = form.choice("outcome", service.SCREENING, "Select the screening decision")
    advisor_id = None
    if outcome == "advisor":
        choices = [str(a["id"]) for a in await service.advisors()]
        chosen = form.choice("advisor", choices, "Select the Early Help Advisor")
        advisor_id = int(chosen) if chosen else None
    reasons = form.text(
        "reasons", "Enter the reasons for the decision", max_length=5000, label="Reasons"
    )
    version = number(form.get("version"))
    if not form.ok or version is None:
        return Template(
            "derbyshire/request.html",
            context=await request_context(request, row, screening_form=form),
            status_code=422,
        )
    try:
        await service.screen(
            user, request_id, version, outcome, reasons, advisor_id, now_of(request)
        )
    except StaleVersion:
        return conflict(row)
    except service.RequestError as error:
        current = await service.request_row(request_id) or row
        if current["status"] != "initial_contact":
            if current["screened_by"] == user.id and current["screening_outcome"] == outcome:
                return see_other(f"/derbyshire/requests/{request_id}")  # a double click
            return conflict(current)
        form.error("outcome", str(error))
        return Template(
            "derbyshire/request.html",
            context=await request_context(request, row, screening_form=form),
            status_code=422,
        )
    return see_other(f"/derbyshire/requests/{request_id}")


def conflict(row: dict[str, Any]) -> Template:
    return Template(
        "derbyshire/conflict.html",
        context={"area": DERBYSHIRE, "row": row},
        status_code=409,
    )


# Starting Point's queue and the report ------------------------------------------------------


def sort_queue(rows: list[dict[str, Any]], now: datetime) -> list[dict[str, Any]]:
    """Initial Contacts first, least time left (most overdue) first; then new
    requests, oldest first."""
    contacts = [
        {**r, "clock": screening_clock(r["initial_contact_at"], now)}
        for r in rows
        if r["status"] == "initial_contact" and r["initial_contact_at"] is not None
    ]
    contacts.sort(key=lambda r: r["clock"].left)
    new = [{**r, "clock": None} for r in rows if r["status"] == "with_starting_point"]
    new.sort(key=lambda r: r["submitted_at"])
    return contacts + new


@get("/starting-point", name="derbyshire_queue", guards=STAFF)
async def queue(request: Request[Any, Any, Any]) -> Template:
    user = user_of(request)
    now = now_of(request)
    rows = sort_queue(await service.open_queue(), now)
    await audit.record("starting_point_queue_viewed", "success", actor=user, page=request.url.path)
    context = {
        **common(request),
        "rows": rows,
        "overdue": sum(1 for r in rows if r["clock"] and r["clock"].overdue),
    }
    if request.headers.get("hx-target") == "queue-poll":
        return Template("derbyshire/_queue_table.html", context=context)
    return Template("derbyshire/queue.html", context=context)


@get("/reports/timeliness", name="derbyshire_timeliness", guards=REPORT_READERS)
async def timeliness(request: Request[Any, Any, Any]) -> Template:
    user = user_of(request)
    await audit.record("starting_point_report_viewed", "success", actor=user, page="timeliness")
    return Template(
        "derbyshire/timeliness.html",
        context={**common(request), "weeks": await service.timeliness()},
    )


STATIC = create_static_files_router(
    path="/static",
    directories=[Path(__file__).parent / "static"],
    name="derbyshire_static",  # signed-in users only, like every Derbyshire page
    send_as_attachment=False,
)

HANDLERS: list[Any] = [
    STATIC,
    about,
    start_referral,
    my_requests,
    my_cases,
    family_page,
    new_referral,
    send_referral,
    new_consultation,
    record_consultation,
    request_page,
    triage,
    screen,
    queue,
    timeliness,
]
