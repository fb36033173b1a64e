"""Meeting pages: the signed-in user's meetings, a meeting's agenda with its
attendance, a decision per case, marking the meeting held, and the printable
agenda and minutes. Only the meeting's chairs and its area's managers open a
meeting; another area's meeting does not exist (404)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from litestar import Request, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from portal.areas import AgendaOutcome
from portal.audit import service as audit
from portal.auth import service as auth
from portal.families.service import restricted_among, with_children
from portal.kernel.clock import now_utc
from portal.kernel.errors import StaleVersion
from portal.kernel.formatting import format_clock
from portal.kernel.forms import Form
from portal.kernel.users import CurrentUser, is_area_manager
from portal.meetings import series as schedule
from portal.meetings import service
from portal.meetings.series_controllers import SERIES_HANDLERS
from portal.plugins import call_for_area, enabled_areas
from portal.taf.service import find_practitioners, in_area
from portal.taf.web import number
from portal.teams import service as teams
from portal.web.handlers import see_other, user_of

RECENT = timedelta(days=14)  # past meetings stay listed this long, to minute them
EMPTY_SLOTS = 3
NOT_YOURS = "Only the meeting's chairs and the area's managers can open its agenda"


def enabled(request: Request[Any, Any, Any]) -> set[str]:
    return {a.slug for a in enabled_areas(request.app.state.plugin_manager)}


async def meeting_for(
    request: Request[Any, Any, Any], meeting_id: int
) -> tuple[CurrentUser, dict[str, Any]]:
    """The meeting if this user may open it: 404 for another area's (or no)
    meeting, 403 for someone in the area who neither chairs nor manages."""
    user = user_of(request)
    meeting = await service.meeting_by_id(meeting_id)
    if meeting is None or meeting["area"] not in user.areas & enabled(request):
        await audit.record(
            "meeting_viewed",
            "refused",
            actor=user,
            record_type="meeting",
            record_id=meeting_id,
            page=request.url.path,
            reason="not found" if meeting is None else "another area",
        )
        raise NotFoundException()
    my_teams = await teams.teams_of(user.id, meeting["area"])
    if not schedule.may_open(user, meeting, my_teams):
        raise PermissionDeniedException(NOT_YOURS)  # the error handler audits refusals
    return user, meeting


async def cases(meeting_id: int) -> list[dict[str, Any]]:
    """The agenda with each family's children's names and whether it is restricted."""
    items = await with_children(await service.agenda(meeting_id), lambda r: r["family"])
    ids = [item["family"] for item in items]
    restricted = await restricted_among(ids)
    return [{**item, "restricted": item["family"] in restricted} for item in items]


async def record_view(
    request: Request[Any, Any, Any],
    user: CurrentUser,
    meeting: dict[str, Any],
    items: list[dict[str, Any]],
    action: str,
) -> None:
    """One event for the meeting and one per family shown (its access history)."""
    page = request.url.path
    await audit.record(
        action, "success", actor=user, record_type="meeting", record_id=meeting["id"], page=page
    )
    for item in items:
        await audit.record(
            action,
            "success",
            actor=user,
            record_type="agenda_item",
            record_id=item["id"],
            family_id=item["family"],
            page=page,
        )


def meeting_view(meeting: dict[str, Any]) -> dict[str, Any]:
    return {**meeting, "when": schedule.when_label(meeting["starts_at"])}


# The user's meetings -------------------------------------------------------------


@get("/meetings", name="meetings")
async def my_meetings(request: Request[Any, Any, Any]) -> Template:
    user = user_of(request)
    now = now_utc()
    groups = []
    for area in sorted(user.areas & enabled(request)):
        my_teams = await teams.teams_of(user.id, area)
        for series in await schedule.series_in(area):
            if not schedule.follows(user, series, my_teams):
                continue
            rows = await service.meetings_of_series(series["id"], since=now - RECENT)
            counts = await service.cases_per_meeting([r["id"] for r in rows])
            taken = {r["starts_at"] for r in rows}
            slots = [s for s in schedule.next_slots(series, now, EMPTY_SLOTS) if s not in taken]
            meetings = [
                {**r, "when": schedule.when_label(r["starts_at"]), "cases": counts.get(r["id"])}
                for r in rows
            ]
            groups.append(
                {
                    "series": series,
                    "schedule": f"{schedule.WEEKDAYS[series['weekday']]}s at "
                    f"{format_clock(series['start_time'])}",
                    "meetings": [m for m in meetings if m["cases"]],
                    "empty": [schedule.when_label(s) for s in slots],
                    "can_open": schedule.may_open(user, series, my_teams),
                    "can_reschedule": is_area_manager(user, area),
                }
            )
    await audit.record("meetings_listed", "success", actor=user, page=request.url.path)
    return Template("meetings/list.html", context={"groups": groups})


# The agenda ----------------------------------------------------------------------


@get("/meetings/{meeting_id:int}", name="meeting")
async def agenda_page(request: Request[Any, Any, Any], meeting_id: FromPath[int]) -> Template:
    user, meeting = await meeting_for(request, meeting_id)
    items = await cases(meeting_id)
    await record_view(request, user, meeting, items, "meeting_viewed")
    form = Form({"notes": meeting["notes"], "version": str(meeting["version"])})
    return Template(
        "meetings/agenda.html",
        context={
            "meeting": meeting_view(meeting),
            "items": items,
            "attendees": await service.attendance(meeting_id),
            "form": form,
            "manager": is_area_manager(user, meeting["area"]),
        },
    )


@post("/meetings/{meeting_id:int}/held", name="meeting_held")
async def mark_held(
    request: Request[Any, Any, Any], meeting_id: FromPath[int]
) -> Template | Redirect:
    user, meeting = await meeting_for(request, meeting_id)
    form = await Form.read(request)
    notes = form.text("notes", max_length=20000, label="Notes")
    if not form.ok:
        items = await cases(meeting_id)
        await record_view(request, user, meeting, items, "meeting_viewed")
        return Template(
            "meetings/agenda.html",
            context={
                "meeting": meeting_view(meeting),
                "items": items,
                "attendees": await service.attendance(meeting_id),
                "form": form,
                "manager": is_area_manager(user, meeting["area"]),
            },
            status_code=422,
        )
    try:
        await service.close_meeting(user, meeting, number(form.get("version")) or 0, notes)
    except StaleVersion as stale:
        current = stale.current
        if current.status == "held" and current.notes == notes.strip():
            return see_other(f"/meetings/{meeting_id}#minutes")  # a double click
        return Template(
            "errors/conflict.html",
            context={
                "rows": [
                    {
                        "label": "Notes",
                        "yours": notes,
                        "saved": current.notes,
                        "differs": notes.strip() != current.notes,
                    }
                ],
                "resubmit": {"notes": notes, "version": str(current.version)},
                "action": f"/meetings/{meeting_id}/held",
                "back": f"/meetings/{meeting_id}#minutes",
            },
            status_code=409,
        )
    return see_other(f"/meetings/{meeting_id}#minutes")


# Attendance ----------------------------------------------------------------------

PRESENCE = [("present", "Present"), ("apologies", "Sent apologies")]


async def attendance_context(
    request: Request[Any, Any, Any], meeting: dict[str, Any], form: Form
) -> dict[str, Any]:
    query = (form.get("q") or request.query_params.get("q", "")).strip()[:100]
    form.values["q"] = query
    found = await find_practitioners(meeting["area"], query) if query else []
    return {
        "meeting": meeting_view(meeting),
        "form": form,
        "found": [(str(u["id"]), u["display_name"], u["organisation"]) for u in found],
        "presence": PRESENCE,
    }


@get("/meetings/{meeting_id:int}/attendance/new", name="meeting_new_attendee")
async def new_attendee(request: Request[Any, Any, Any], meeting_id: FromPath[int]) -> Template:
    _, meeting = await meeting_for(request, meeting_id)
    form = Form({"present": "present"})
    return Template(
        "meetings/attendee.html", context=await attendance_context(request, meeting, form)
    )


@post("/meetings/{meeting_id:int}/attendance", name="meeting_add_attendee")
async def add_attendee(
    request: Request[Any, Any, Any], meeting_id: FromPath[int]
) -> Template | Redirect:
    user, meeting = await meeting_for(request, meeting_id)
    form = await Form.read(request)
    context = await attendance_context(request, meeting, form)
    present = form.choice("present", [p for p, _ in PRESENCE], "Select whether they came")
    chosen = form.get("user") or "other"
    user_id: int | None = None
    name = organisation = ""
    if chosen == "other":
        name = form.text("name", "Enter the attendee's name", label="Name")
        organisation = form.text("organisation", max_length=200, label="Organisation")
    else:
        person = await auth.user_summary(number(chosen) or 0)
        if person is None or not in_area(person["roles"], meeting["area"]):
            form.error("user", "Select who attended")
        else:
            user_id, name = person["id"], person["display_name"]
            organisation = person["organisation"]
    if not form.ok:
        return Template("meetings/attendee.html", context=context, status_code=422)
    await service.record_attendee(
        user,
        meeting_id,
        name=name,
        organisation=organisation,
        present=present == "present",
        user_id=user_id,
    )
    return see_other(f"/meetings/{meeting_id}#attendance")


@post(
    "/meetings/{meeting_id:int}/attendance/{attendee_id:int}/remove",
    name="meeting_remove_attendee",
)
async def remove_attendee(
    request: Request[Any, Any, Any], meeting_id: FromPath[int], attendee_id: FromPath[int]
) -> Redirect:
    user, _ = await meeting_for(request, meeting_id)
    await service.remove_attendee(user, meeting_id, attendee_id)
    return see_other(f"/meetings/{meeting_id}#attendance")


# Decisions -----------------------------------------------------------------------


def outcomes_of(request: Request[Any, Any, Any], meeting: dict[str, Any]) -> list[AgendaOutcome]:
    """The decisions this meeting can make, from its area's plugin."""
    found = call_for_area(
        request.app.state.plugin_manager,
        meeting["area"],
        "portal_agenda_outcomes",
        series_key=meeting["series_key"],
    )
    return list(found or [])


async def allocation_choices(area: str, outcome: AgendaOutcome) -> list[tuple[str, str]]:
    """Who a case can be allocated to: the outcome's team, or anyone in the area."""
    if outcome.allocation_team:
        members = await teams.team_members(area, outcome.allocation_team)
        return [
            (str(m["user"]), f"{m['name']} ({m['role']})" if m["role"] else m["name"])
            for m in members
        ]
    rows = await auth.active_users()
    return [(str(r["id"]), r["display_name"]) for r in rows if in_area(r["roles"], area)]


async def item_for(meeting: dict[str, Any], item_id: int) -> dict[str, Any]:
    try:
        item = await service.item_in(meeting["id"], item_id)
    except service.NotOnAgenda:
        raise NotFoundException() from None
    [shown] = await with_children([item], lambda r: r["family"])
    return shown


async def decision_context(
    request: Request[Any, Any, Any], meeting: dict[str, Any], item: dict[str, Any], form: Form
) -> dict[str, Any]:
    outcomes = outcomes_of(request, meeting)
    return {
        "meeting": meeting_view(meeting),
        "item": item,
        "form": form,
        "outcomes": [
            {
                "outcome": o,
                "members": await allocation_choices(meeting["area"], o) if o.allocates else [],
            }
            for o in outcomes
        ],
    }


@get("/meetings/{meeting_id:int}/items/{item_id:int}/decision", name="meeting_decision")
async def decision_form(
    request: Request[Any, Any, Any], meeting_id: FromPath[int], item_id: FromPath[int]
) -> Template:
    user, meeting = await meeting_for(request, meeting_id)
    item = await item_for(meeting, item_id)
    await record_view(request, user, meeting, [item], "agenda_case_viewed")
    form = Form({"version": str(item["version"])})
    if item["outcome"]:
        form.values["outcome"] = item["outcome"]
    return Template(
        "meetings/decision.html", context=await decision_context(request, meeting, item, form)
    )


@post("/meetings/{meeting_id:int}/items/{item_id:int}/decision", name="meeting_decide")
async def decide(
    request: Request[Any, Any, Any], meeting_id: FromPath[int], item_id: FromPath[int]
) -> Template | Redirect:
    user, meeting = await meeting_for(request, meeting_id)
    item = await item_for(meeting, item_id)
    form = await Form.read(request)
    context = await decision_context(request, meeting, item, form)
    by_key = {c["outcome"].key: c for c in context["outcomes"]}
    chosen = by_key.get(form.get("outcome"))
    outcome: AgendaOutcome | None = chosen["outcome"] if chosen else None
    key = outcome.key if outcome else ""
    decision = form.get(f"decision-{key}")
    allocated_to: int | None = None
    if chosen and outcome and outcome.allocates:
        picked = form.get(f"allocated_to-{key}")
        if picked in {m for m, _ in chosen["members"]}:
            allocated_to = int(picked)
    if len(decision) > 10000:
        form.error("decision", "The decision must be 10000 characters or fewer", f"decision-{key}")
    for name, message in service.decision_problems(outcome, decision, allocated_to).items():
        form.error(name, message, f"{name}-{key}" if name != "outcome" else "outcome")
    if not form.ok or outcome is None:
        return Template("meetings/decision.html", context=context, status_code=422)
    manager = request.app.state.plugin_manager
    area = meeting["area"]
    try:
        await service.decide(
            user,
            meeting,
            item_id,
            number(form.get("version")) or 0,
            outcome,
            decision,
            allocated_to=allocated_to,
            on_decided=lambda d: call_for_area(manager, area, "portal_agenda_decided", decision=d),
        )
    except StaleVersion as stale:
        current = stale.current
        if current["outcome"] == outcome.key and current["decision"] == decision.strip():
            return see_other(f"/meetings/{meeting_id}#item-{item_id}")  # a double click
        return stale_decision(meeting, item, current, outcome, decision, form)
    return see_other(f"/meetings/{meeting_id}#item-{item_id}")


def stale_decision(
    meeting: dict[str, Any],
    item: dict[str, Any],
    current: dict[str, Any],
    outcome: AgendaOutcome,
    decision: str,
    form: Form,
) -> Template:
    """Someone decided the case (or changed it) after this form was opened."""
    if current["outcome"]:
        return Template(
            "meetings/already_decided.html",
            context={
                "meeting": meeting_view(meeting),
                "item": {**item, **current},
                "yours": {"label": outcome.label, "decision": decision},
            },
            status_code=409,
        )
    return Template(
        "errors/conflict.html",
        context={
            "rows": [{"label": "Decision", "yours": decision, "saved": "", "differs": True}],
            "resubmit": {**form.values, "version": str(current["version"])},
            "action": f"/meetings/{meeting['id']}/items/{item['id']}/decision",
            "back": f"/meetings/{meeting['id']}#item-{item['id']}",
        },
        status_code=409,
    )


# Printing --------------------------------------------------------------------------


async def printable(request: Request[Any, Any, Any], meeting_id: int, kind: str) -> Template:
    user, meeting = await meeting_for(request, meeting_id)
    items = await cases(meeting_id)
    await record_view(request, user, meeting, items, f"meeting_{kind}_printed")
    return Template(
        f"meetings/print_{kind}.html",
        context={
            "meeting": meeting_view(meeting),
            "items": items,
            "attendees": await service.attendance(meeting_id),
            "printed_at": schedule.when_label(now_utc()),
        },
    )


@get("/meetings/{meeting_id:int}/agenda", name="meeting_print_agenda")
async def print_agenda(request: Request[Any, Any, Any], meeting_id: FromPath[int]) -> Template:
    return await printable(request, meeting_id, "agenda")


@get("/meetings/{meeting_id:int}/minutes", name="meeting_print_minutes")
async def print_minutes(request: Request[Any, Any, Any], meeting_id: FromPath[int]) -> Template:
    return await printable(request, meeting_id, "minutes")


HANDLERS: list[Any] = [
    my_meetings,
    agenda_page,
    mark_held,
    new_attendee,
    add_attendee,
    remove_attendee,
    decision_form,
    decide,
    print_agenda,
    print_minutes,
    *SERIES_HANDLERS,
]
