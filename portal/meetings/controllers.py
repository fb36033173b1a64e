"""Meeting pages: the signed-in user's meetings, a meeting's agenda with its
attendance, a decision per case, marking the meeting held, and the printable
agenda and minutes (decisions in ``decision_controllers``). Only the meeting's chairs and its area's managers open a
meeting; another area's meeting does not exist (404)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from portal.audit import service as audit
from portal.auth import service as auth
from portal.kernel.clock import now_utc
from portal.kernel.errors import StaleVersion
from portal.kernel.formatting import format_clock
from portal.kernel.forms import Form
from portal.kernel.users import is_area_manager
from portal.meetings import series as schedule
from portal.meetings import service
from portal.meetings.decision_controllers import DECISION_HANDLERS
from portal.meetings.pages import (
    EMPTY_SLOTS,
    RECENT,
    cases,
    enabled,
    meeting_for,
    meeting_view,
    record_view,
)
from portal.meetings.series_controllers import SERIES_HANDLERS
from portal.taf.service import find_practitioners, in_area
from portal.taf.web import number
from portal.teams import service as teams
from portal.web.handlers import see_other, user_of

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
            "warnings": service.holding_warnings(meeting, items, now_utc()),
        },
    )


@post("/meetings/{meeting_id:int}/held", name="meeting_held")
async def mark_held(
    request: Request[Any, Any, Any], meeting_id: FromPath[int]
) -> Template | Redirect:
    user, meeting = await meeting_for(request, meeting_id)
    form = await Form.read(request)
    notes = form.text("notes", max_length=20000, label="Notes")
    items = await cases(meeting_id)
    warnings = service.holding_warnings(meeting, items, now_utc())
    if warnings and form.get("confirm") != "yes":
        form.error("confirm", "Confirm the meeting was held, or come back when it has been")
    if not form.ok:
        await record_view(request, user, meeting, items, "meeting_viewed")
        return Template(
            "meetings/agenda.html",
            context={
                "meeting": meeting_view(meeting),
                "items": items,
                "attendees": await service.attendance(meeting_id),
                "form": form,
                "manager": is_area_manager(user, meeting["area"]),
                "warnings": warnings,
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
    print_agenda,
    print_minutes,
    *SERIES_HANDLERS,
    *DECISION_HANDLERS,
]
