"""Meeting series: each team's weekly meeting (day, time, place), its next
slots, and who chairs, follows or may open its meetings."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from portal.audit import service as audit
from portal.db import write_transaction
from portal.kernel.errors import StaleVersion
from portal.kernel.formatting import format_slot
from portal.kernel.records import versioned_update
from portal.kernel.users import CurrentUser
from portal.meetings.tables import MeetingSeries

UK = ZoneInfo("Europe/London")


WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


SERIES_LOCK_BASE = 7_000_000_000  # advisory-lock namespace, apart from the TAF's


async def ensure_series(
    area: str,
    key: str,
    title: str,
    *,
    weekday: int = 1,
    start_time: str = "10:00",
    location: str = "",
    chair_roles: tuple[str, ...] = (),
    team: str = "",
) -> int:
    """The series with this key, created with these settings if it is new.

    ``key`` is unique across areas, so start it with the area slug."""
    if not key.startswith(f"{area}:"):
        raise ValueError("a series key starts with its area's slug")
    existing = await MeetingSeries.select(MeetingSeries.id).where(MeetingSeries.key == key)
    if existing:
        return int(existing[0]["id"])
    series = MeetingSeries(
        area=area,
        key=key,
        title=title,
        weekday=weekday,
        start_time=start_time,
        location=location,
        chair_roles=" ".join(chair_roles),
        team=team,
    )
    await series.save()
    return int(series.id)


async def series_by_key(key: str) -> dict[str, Any] | None:
    """The meeting series with this key ("derby:vcm:north"), or None."""
    rows = await MeetingSeries.select().where(MeetingSeries.key == key)
    return rows[0] if rows else None


async def series_in(area: str) -> list[dict[str, Any]]:
    return (
        await MeetingSeries.select().where(MeetingSeries.area == area).order_by(MeetingSeries.title)
    )


def schedule_problems(weekday: str, start_time: str) -> dict[str, str]:
    problems: dict[str, str] = {}
    if weekday not in {str(i) for i in range(7)}:
        problems["weekday"] = "Select the day of the week the meeting is held"
    try:
        time.fromisoformat(start_time)
        if len(start_time) != 5:
            raise ValueError
    except ValueError:
        problems["start_time"] = "Enter the start time as hours and minutes, like 10:00"
    return problems


async def reschedule(
    actor: CurrentUser, series_id: int, version: int, weekday: int, start_time: str, location: str
) -> None:
    """Change a series' weekly slot; meetings already holding cases keep their time."""
    async with write_transaction(MeetingSeries._meta.db):
        saved = await versioned_update(
            MeetingSeries,
            series_id,
            version,
            {"weekday": weekday, "start_time": start_time, "location": location},
        )
        if not saved:
            raise StaleVersion(await MeetingSeries.objects().get(MeetingSeries.id == series_id))
        await audit.record(
            "meeting_series_changed",
            "ok",
            actor=actor,
            record_type="meeting_series",
            record_id=series_id,
            weekday=weekday,
            start_time=start_time,
        )


def next_slots(series: dict[str, Any], after: datetime, count: int = 4) -> list[datetime]:
    """The series' next ``count`` start times after ``after`` (UTC), in UTC."""
    local = after.astimezone(UK)
    start = time.fromisoformat(series["start_time"])
    day: date = local.date()
    slots: list[datetime] = []
    while len(slots) < count:
        if day.weekday() == series["weekday"]:
            at = datetime.combine(day, start, tzinfo=UK)
            if at > local:
                slots.append(at.astimezone(UTC))
        day += timedelta(days=1)
    return slots


def can_chair(user: CurrentUser, series: dict[str, Any], teams: set[str]) -> bool:
    roles = series["chair_roles"].split()
    if not roles or series["area"] not in user.areas:
        return False
    return user.has_role(*roles) and (not series["team"] or series["team"] in teams)


def when_label(at: datetime) -> str:
    """A meeting's start in UK time: "Tuesday 3 March 2026 at 10am"."""
    return format_slot(at)


def may_open(user: CurrentUser, series: dict[str, Any], teams: set[str]) -> bool:
    """A meeting's agenda is open to its chairs and to its area's managers."""
    if series["area"] not in user.areas:
        return False
    return can_chair(user, series, teams) or user.has_role(f"{series['area']}.area_manager")


def follows(user: CurrentUser, series: dict[str, Any], teams: set[str]) -> bool:
    """Whether a series belongs on this user's meetings page: they chair it,
    are in its team, or manage its area."""
    return may_open(user, series, teams) or bool(series["team"] and series["team"] in teams)


def chairs_or_manages(
    user: CurrentUser,
    areas: frozenset[str],
    series: Iterable[Mapping[str, Any]],
    teams: Iterable[Mapping[str, Any]],
) -> bool:
    """Whether this user opens any meeting's agenda in these areas (the menu's
    "Meetings" item): a manager of one of them, or a chair of one of their
    series (in its team, where it names one). Given every series (area,
    chair_roles, team) and the user's team postings (area, team), as the
    session's one read finds them."""
    if any(user.has_role(f"{area}.area_manager") for area in areas):
        return True
    posted = {(t["area"], t["team"]) for t in teams}
    return any(
        s["area"] in areas
        and user.has_role(*s["chair_roles"].split())
        and (not s["team"] or (s["area"], s["team"]) in posted)
        for s in series
    )


async def series_by_id(series_id: int) -> dict[str, Any] | None:
    """One meeting series (any area: the caller checks who may see it)."""
    row: dict[str, Any] | None = (
        await MeetingSeries.select().where(MeetingSeries.id == series_id).first()
    )
    return row
