"""Weekly meetings of an area team, their agendas and one decision per case.

A series is a weekly slot (weekday and time in UK local time). Meetings exist
as rows only once something is placed on them, so the schedule can change
without leaving empty meetings behind. The area plugin names the decisions a
series can make (``portal_agenda_outcomes``) and reacts to each one
(``portal_agenda_decided``) inside the decision's own transaction."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from portal.areas import AgendaDecision, AgendaOutcome
from portal.audit import service as audit
from portal.db import write_transaction
from portal.families.tables import Family
from portal.kernel.clock import UK, now_utc
from portal.kernel.errors import StaleVersion
from portal.kernel.formatting import format_slot
from portal.kernel.records import versioned_update
from portal.kernel.users import CurrentUser
from portal.meetings.series import SERIES_LOCK_BASE, next_slots
from portal.meetings.tables import AgendaItem, Meeting, MeetingAttendance, MeetingSeries
from portal.teams import service as teams

AGENDA_QUEUE_KIND = "agenda_item"  # queue entries that let a meeting's chairs open a case


OnDecided = Callable[[AgendaDecision], Awaitable[None] | None]


class NotOnAgenda(LookupError):
    """The item is not on this meeting's agenda (or the meeting is another area's)."""


async def _lock_series(series_id: int) -> None:
    """Serialise placing cases on one series (two clerks, one new meeting row)."""
    await MeetingSeries.raw("SELECT pg_advisory_xact_lock({})", SERIES_LOCK_BASE + series_id)


class MeetingHeld(Exception):
    """A held meeting takes no new cases (its minutes are written)."""


async def meeting_at(series_id: int, starts_at: datetime) -> int:
    """The series' meeting at this time, created if this is its first case;
    MeetingHeld if that meeting has been held."""
    async with write_transaction(Meeting._meta.db):
        await _lock_series(series_id)
        rows = await Meeting.select(Meeting.id, Meeting.status).where(
            (Meeting.series == series_id) & (Meeting.starts_at == starts_at)
        )
        if rows and rows[0]["status"] == "held":
            raise MeetingHeld()
        if rows:
            return int(rows[0]["id"])
        meeting = Meeting(series=series_id, starts_at=starts_at)
        await meeting.save()
        return int(meeting.id)


async def place_on_agenda(
    actor: CurrentUser | None,
    meeting_id: int,
    *,
    family_id: int,
    kind: str,
    record_id: int,
    summary: str,
    queue_entry: int | None = None,
) -> int:
    """Put a case on a meeting's agenda (once: placing it again returns the item).

    The meeting's chairs (its series' chair roles, within its team if it has
    one) may open the family's record while the case waits for a decision:
    an open queue entry ("agenda_item", item id) grants it, and ``decide``
    or taking the case off the agenda closes it."""
    async with write_transaction(AgendaItem._meta.db):
        series = await _series_of_meeting(meeting_id)
        await _lock_series(series["id"])
        family = await Family.select(Family.area).where(Family.id == family_id).first()
        if family is None or family["area"] != series["area"]:
            raise ValueError("a case goes on a meeting of its own area")
        existing = await AgendaItem.select(AgendaItem.id).where(
            (AgendaItem.meeting == meeting_id)
            & (AgendaItem.kind == kind)
            & (AgendaItem.record_id == record_id)
        )
        if existing:
            return int(existing[0]["id"])
        count = await AgendaItem.count().where(AgendaItem.meeting == meeting_id)
        item = AgendaItem(
            meeting=meeting_id,
            family=family_id,
            queue_entry=queue_entry,
            kind=kind,
            record_id=record_id,
            summary=summary[:300],
            position=count + 1,
            added_by=actor.id if actor else None,
            added_at=now_utc(),
        )
        await item.save()
        await audit.record(
            "agenda_item_added",
            "ok",
            actor=actor,
            actor_label="" if actor else "portal",
            record_type="agenda_item",
            record_id=item.id,
            family_id=family_id,
            meeting_id=meeting_id,
        )
        chair_roles = tuple(series["chair_roles"].split())
        if chair_roles or series["team"]:
            await teams.place(
                family_id,
                series["area"],
                f"meeting:{meeting_id}",
                kind=AGENDA_QUEUE_KIND,
                record_id=int(item.id),
                roles=chair_roles,
                team=series["team"],
                actor=actor,
            )
    return int(item.id)


async def open_slots(series: dict[str, Any], after: datetime, count: int) -> list[datetime]:
    """The series' next ``count`` start times whose meeting has not been held
    (a chair may hold a meeting early): the times offered for new cases."""
    slots = next_slots(series, after, count + 4)
    held = {
        row["starts_at"]
        for row in await Meeting.select(Meeting.starts_at).where(
            (Meeting.series == series["id"])
            & (Meeting.status == "held")
            & Meeting.starts_at.is_in(slots)
        )
    }
    return [slot for slot in slots if slot not in held][:count]


async def roll_over(actor: CurrentUser, meeting: dict[str, Any]) -> datetime | None:
    """Each undecided case of this meeting onto the series' next meeting that
    has not been held; that meeting's start, or None when nothing moved."""
    undecided = [i for i in await agenda(meeting["id"]) if not i["outcome"]]
    if not undecided:
        return None
    series = await _series_of_meeting(meeting["id"])
    (next_at,) = await open_slots(series, max(meeting["starts_at"], now_utc()), 1)
    next_id = await meeting_at(series["id"], next_at)
    for item in undecided:
        await remove_from_agenda(actor, meeting["id"], item["id"])
        await place_on_agenda(
            actor,
            next_id,
            family_id=item["family"],
            kind=item["kind"],
            record_id=item["record_id"],
            summary=item["summary"],
            queue_entry=item["queue_entry"],
        )
    return next_at


async def _series_of_meeting(meeting_id: int) -> dict[str, Any]:
    meeting = await Meeting.select(Meeting.series).where(Meeting.id == meeting_id).first()
    series = (
        await MeetingSeries.select().where(MeetingSeries.id == meeting["series"]).first()
        if meeting
        else None
    )
    if series is None:
        raise NotOnAgenda()
    return series


async def meeting_by_id(meeting_id: int) -> dict[str, Any] | None:
    """The meeting with its series' details (callers check the area and role)."""
    rows = await Meeting.select(
        *Meeting.all_columns(),
        Meeting.series.key.as_alias("series_key"),
        Meeting.series.title.as_alias("title"),
        Meeting.series.area.as_alias("area"),
        Meeting.series.location.as_alias("location"),
        Meeting.series.chair_roles.as_alias("chair_roles"),
        Meeting.series.team.as_alias("team"),
        Meeting.chaired_by.display_name.as_alias("chair_name"),
    ).where(Meeting.id == meeting_id)
    return rows[0] if rows else None


async def meeting_in(area: str, meeting_id: int) -> dict[str, Any]:
    """The meeting with its series' details, if it is this area's."""
    meeting = await meeting_by_id(meeting_id)
    if meeting is None or meeting["area"] != area:
        raise NotOnAgenda()
    return meeting


async def cases_per_meeting(meeting_ids: list[int]) -> dict[int, tuple[int, int]]:
    """For each meeting: (cases on its agenda, of which decided)."""
    counts: dict[int, tuple[int, int]] = {}
    if not meeting_ids:
        return counts
    rows = await AgendaItem.select(AgendaItem.meeting, AgendaItem.outcome).where(
        AgendaItem.meeting.is_in(meeting_ids)
    )
    for row in rows:
        total, decided = counts.get(row["meeting"], (0, 0))
        counts[row["meeting"]] = (total + 1, decided + (1 if row["outcome"] else 0))
    return counts


async def meetings_of_series(series_id: int, *, since: datetime) -> list[dict[str, Any]]:
    """The meetings of a series from ``since`` on, earliest first."""
    return await (
        Meeting.select()
        .where((Meeting.series == series_id) & (Meeting.starts_at >= since))
        .order_by(Meeting.starts_at)
    )


async def agenda(meeting_id: int) -> list[dict[str, Any]]:
    return await (
        AgendaItem.select(
            *AgendaItem.all_columns(),
            AgendaItem.allocated_to.display_name.as_alias("allocated_name"),
            AgendaItem.decided_by.display_name.as_alias("decided_by_name"),
        )
        .where(AgendaItem.meeting == meeting_id)
        .order_by(AgendaItem.position)
    )


async def item_in(meeting_id: int, item_id: int) -> dict[str, Any]:
    rows = await AgendaItem.select().where(
        (AgendaItem.id == item_id) & (AgendaItem.meeting == meeting_id)
    )
    if not rows:
        raise NotOnAgenda()
    return rows[0]


async def placement_of(kind: str, record_id: int) -> dict[str, Any] | None:
    """Where a plugin's record sits: its latest agenda item and that meeting's time."""
    rows = await (
        AgendaItem.select(
            *AgendaItem.all_columns(),
            AgendaItem.meeting.starts_at.as_alias("starts_at"),
            AgendaItem.meeting._.series._.title.as_alias("title"),
        )
        .where((AgendaItem.kind == kind) & (AgendaItem.record_id == record_id))
        .order_by(AgendaItem.id, ascending=False)
        .limit(1)
    )
    return rows[0] if rows else None


async def remove_from_agenda(actor: CurrentUser, meeting_id: int, item_id: int) -> None:
    """Take an undecided case off the agenda (e.g. to move it to another week)."""
    async with write_transaction(AgendaItem._meta.db):
        item = await item_in(meeting_id, item_id)
        if item["outcome"]:
            raise ValueError("A decided case stays in the minutes")
        await teams.close_for_record(AGENDA_QUEUE_KIND, item_id, actor=actor)
        await AgendaItem.delete().where(AgendaItem.id == item_id)
        await audit.record(
            "agenda_item_removed",
            "ok",
            actor=actor,
            record_type="agenda_item",
            record_id=item_id,
            family_id=item["family"],
            meeting_id=meeting_id,
        )


async def attendance(meeting_id: int) -> list[dict[str, Any]]:
    return await (
        MeetingAttendance.select()
        .where(MeetingAttendance.meeting == meeting_id)
        .order_by(MeetingAttendance.name)
    )


async def record_attendee(
    actor: CurrentUser,
    meeting_id: int,
    *,
    name: str,
    organisation: str = "",
    present: bool = True,
    user_id: int | None = None,
) -> int:
    """Add someone to the meeting's attendance (once: the same person again is
    the same row, with their present/apologies updated)."""
    async with write_transaction(MeetingAttendance._meta.db):
        same = (
            MeetingAttendance.user == user_id
            if user_id is not None
            else MeetingAttendance.user.is_null()
            & (MeetingAttendance.name == name[:200])
            & (MeetingAttendance.organisation == organisation[:200])
        )
        existing = await MeetingAttendance.select(MeetingAttendance.id).where(
            (MeetingAttendance.meeting == meeting_id) & same
        )
        if existing:
            await MeetingAttendance.update({MeetingAttendance.present: present}).where(
                MeetingAttendance.id == existing[0]["id"]
            )
            return int(existing[0]["id"])
        row = MeetingAttendance(
            meeting=meeting_id,
            user=user_id,
            name=name[:200],
            organisation=organisation[:200],
            present=present,
        )
        await row.save()
        await audit.record(
            "meeting_attendance_recorded",
            "ok",
            actor=actor,
            record_type="meeting",
            record_id=meeting_id,
        )
    return int(row.id)


async def remove_attendee(actor: CurrentUser, meeting_id: int, attendee_id: int) -> None:
    async with write_transaction(MeetingAttendance._meta.db):
        removed = (
            await MeetingAttendance.delete()
            .where(
                (MeetingAttendance.id == attendee_id) & (MeetingAttendance.meeting == meeting_id)
            )
            .returning(MeetingAttendance.id)
        )
        if not removed:  # already removed (a double click), or another meeting's
            return
        await audit.record(
            "meeting_attendance_removed",
            "ok",
            actor=actor,
            record_type="meeting",
            record_id=meeting_id,
        )


def decision_problems(
    outcome: AgendaOutcome | None, decision: str, allocated_to: int | None
) -> dict[str, str]:
    problems: dict[str, str] = {}
    if outcome is None:
        problems["outcome"] = "Select the meeting's decision"
        return problems
    if not decision.strip():
        label = outcome.detail_label.lower()
        asks = label.split(" ", 1)[0] in {"what", "which", "who", "how", "why", "where", "when"}
        problems["decision"] = f"Enter {label}" if asks else f"Enter the {label}"
    if outcome.allocates and allocated_to is None:
        problems["allocated_to"] = "Select who the case is allocated to"
    return problems


async def decide(
    actor: CurrentUser,
    meeting: dict[str, Any],
    item_id: int,
    version: int,
    outcome: AgendaOutcome,
    decision: str,
    *,
    allocated_to: int | None = None,
    on_decided: OnDecided | None = None,
) -> None:
    """Minute one decision for a case; the plugin's reaction runs in the same
    transaction, so a decision is never recorded without its consequences."""
    async with write_transaction(AgendaItem._meta.db):
        item = await item_in(meeting["id"], item_id)
        if item["outcome"]:  # one decision per case: a plugin reacts to it once
            raise StaleVersion(item)
        saved = await versioned_update(
            AgendaItem,
            item_id,
            version,
            {
                "outcome": outcome.key,
                "outcome_label": outcome.label,
                "decision": decision.strip(),
                "allocated_to": allocated_to if outcome.allocates else None,
                "allocated_team": outcome.allocation_team if outcome.allocates else "",
                "decided_by": actor.id,
                "decided_at": now_utc(),
            },
        )
        if not saved:
            raise StaleVersion(await item_in(meeting["id"], item_id))
        await audit.record(
            "agenda_decision_recorded",
            "ok",
            actor=actor,
            record_type="agenda_item",
            record_id=item_id,
            family_id=item["family"],
            decision_outcome=outcome.key,
        )
        if item["queue_entry"]:
            await teams.close(item["queue_entry"], actor=actor)
        await teams.close_for_record(AGENDA_QUEUE_KIND, item_id, actor=actor)
        if on_decided is not None:
            reaction = on_decided(
                AgendaDecision(
                    item_id=item_id,
                    meeting_id=meeting["id"],
                    series_key=meeting["series_key"],
                    family_id=item["family"],
                    kind=item["kind"],
                    record_id=item["record_id"],
                    outcome=outcome.key,
                    decision=decision.strip(),
                    decided_by=actor.id,
                    allocated_to=allocated_to if outcome.allocates else None,
                    meeting_starts_at=meeting["starts_at"],
                )
            )
            if reaction is not None:
                await reaction


def holding_warnings(
    meeting: dict[str, Any], items: list[dict[str, Any]], now: datetime
) -> list[str]:
    """What a chair must confirm before marking this meeting held: its day has
    not come yet, or cases on it have no decision (they move to the next meeting)."""
    if meeting["status"] == "held":
        return []
    warnings = []
    if meeting["starts_at"].astimezone(UK).date() > now.astimezone(UK).date():
        warnings.append(
            f"This meeting is on {format_slot(meeting['starts_at'])}, which has not come yet."
        )
    undecided = [i for i in items if not i["outcome"]]
    if undecided:
        warnings.append(
            f"{len(undecided)} {'case has' if len(undecided) == 1 else 'cases have'} no decision "
            "yet and will move to the next meeting: "
            + "; ".join(i["summary"] or "a case" for i in undecided)
            + "."
        )
    return warnings


async def close_meeting(
    actor: CurrentUser, meeting: dict[str, Any], version: int, notes: str
) -> None:
    """Mark the meeting held, with its general minutes; decided cases stay
    decided and undecided ones move to the next meeting (the chair has
    confirmed that, ``holding_warnings``).

    Once held, saving again changes only the notes (who chaired it and when
    it was marked held stay as first recorded)."""
    changes: dict[str, Any] = {"notes": notes.strip()}
    if meeting["status"] != "held":
        changes.update({"status": "held", "chaired_by": actor.id, "held_at": now_utc()})
    async with write_transaction(Meeting._meta.db):
        saved = await versioned_update(Meeting, meeting["id"], version, changes)
        if not saved:
            raise StaleVersion(await Meeting.objects().get(Meeting.id == meeting["id"]))
        if meeting["status"] != "held":
            await roll_over(actor, meeting)
        await audit.record(
            "meeting_held", "ok", actor=actor, record_type="meeting", record_id=meeting["id"]
        )
