"""TAF meetings (not the weekly multi-agency meetings of ``portal.meetings``):
each meeting of the Team Around the Family, with its reasons when it is a
professionals' meeting (PROCESS.md step 8), the next review it agrees, and
what is due for the caseload."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from portal.audit import service as audit
from portal.closure.service import require_open
from portal.db import write_transaction
from portal.families.tables import Family
from portal.kernel.clock import now_utc
from portal.kernel.errors import NotFound
from portal.kernel.records import once
from portal.kernel.users import CurrentUser
from portal.taf.service import (
    MEETING_KINDS,
    OPEN_STATUSES,
    REVIEW_INTERVAL,
    members_of,
    require_manager,
)
from portal.taf.tables import (
    FamilyGoal,
    GoalScore,
    MeetingAttendee,
    PlanAction,
    TafMeeting,
)

# Meetings ------------------------------------------------------------------

MEETINGS_CLOSED = "record a meeting or a review"  # "Reopen it to ..."


@dataclass(frozen=True)
class NewMeeting:
    kind: str
    held_on: date
    chair: str
    family_attended: bool
    minutes: str
    next_review_on: date | None = None  # None: 6 weeks after the meeting
    exclusion_reason: str = ""
    family_told: bool | None = None
    not_told_reason: str = ""
    attendees: list[int] = field(default_factory=list)  # member ids
    scores: dict[int, tuple[int, str]] = field(default_factory=dict)  # goal id -> score, comment


def default_next_review(held_on: date) -> date:
    return held_on + REVIEW_INTERVAL


def meeting_problems(meeting: NewMeeting) -> dict[str, str]:
    """What a meeting is missing, by field: the rules of PROCESS.md step 8."""
    problems: dict[str, str] = {}
    if meeting.kind not in MEETING_KINDS:
        problems["kind"] = "Select what kind of meeting this was"
    if meeting.kind == "professional":
        if not meeting.exclusion_reason.strip():
            problems["exclusion_reason"] = "Enter why the family is not at this meeting"
        if meeting.family_told is None:
            problems["family_told"] = "Select whether the family was told about this meeting"
        elif not meeting.family_told and not meeting.not_told_reason.strip():
            problems["not_told_reason"] = "Enter why the family was not told about this meeting"
    next_review = meeting.next_review_on
    if next_review is not None and next_review <= meeting.held_on:
        problems["next_review"] = "The next review date must be after the date of the meeting"
    return problems


async def record_meeting(
    user: CurrentUser, family: Family, meeting: NewMeeting, form_key: str
) -> int:
    """Record a meeting with its attendees (and, for a review, a score per goal)."""
    require_manager(user, family)
    require_open(family, MEETINGS_CLOSED)
    problems = meeting_problems(meeting)
    if problems:
        raise ValueError(next(iter(problems.values())))

    async def create() -> int:
        async with write_transaction(TafMeeting._meta.db):
            members = {m["id"] for m in await members_of(family.id)}
            goals = set(await active_goal_ids(family.id))
            professional = meeting.kind == "professional"
            row = TafMeeting(
                family=family.id,
                kind=meeting.kind,
                held_on=meeting.held_on,
                chair=meeting.chair[:200],
                family_attended=False if professional else meeting.family_attended,
                exclusion_reason=meeting.exclusion_reason if professional else "",
                family_told=meeting.family_told if professional else None,
                not_told_reason=(
                    meeting.not_told_reason if professional and not meeting.family_told else ""
                ),
                minutes=meeting.minutes,
                next_review_on=meeting.next_review_on or default_next_review(meeting.held_on),
                recorded_by=user.id,
                recorded_at=now_utc(),
                idempotency_key=form_key or None,
            )
            await row.save()
            attendees = [m for m in dict.fromkeys(meeting.attendees) if m in members]
            if attendees:
                await MeetingAttendee.insert(
                    *[MeetingAttendee(meeting=row.id, member=m) for m in attendees]
                )
            if meeting.kind == "review":
                scores = [
                    GoalScore(meeting=row.id, goal=goal, score=score, comment=comment)
                    for goal, (score, comment) in meeting.scores.items()
                    if goal in goals and 0 <= score <= 10
                ]
                if scores:
                    await GoalScore.insert(*scores)
            await audit.record(
                "taf_meeting_recorded",
                "success",
                actor=user,
                record_type="taf_meeting",
                record_id=row.id,
                family_id=family.id,
                kind=meeting.kind,
            )
            return int(row.id)

    return await once(TafMeeting, form_key, create)


async def meetings_of(family_id: int) -> list[dict[str, Any]]:
    """The family's meetings, newest first."""
    return await (
        TafMeeting.select()
        .where(TafMeeting.family == family_id)
        .order_by(TafMeeting.held_on, ascending=False)
        .order_by(TafMeeting.id, ascending=False)
    )


async def meeting_in(family_id: int, meeting_id: int) -> dict[str, Any]:
    row = await (
        TafMeeting.select(
            *TafMeeting.all_columns(),
            TafMeeting.recorded_by.display_name.as_alias("recorded_by_name"),
        )
        .where((TafMeeting.id == meeting_id) & (TafMeeting.family == family_id))
        .first()
    )
    if row is None:
        raise NotFound()
    return row


async def attendees_of(meeting_id: int) -> list[dict[str, Any]]:
    return await (
        MeetingAttendee.select(
            MeetingAttendee.member.name.as_alias("name"),
            MeetingAttendee.member.kind.as_alias("kind"),
            MeetingAttendee.member.agency.as_alias("agency"),
            MeetingAttendee.member.role.as_alias("role"),
        )
        .where(MeetingAttendee.meeting == meeting_id)
        .order_by(MeetingAttendee.id)
    )


def review_state(latest: dict[str, Any] | None, today: date) -> dict[str, Any]:
    """The next review is the one agreed at the latest meeting; it is overdue
    once that date has passed with no meeting since. Closing the family's early
    help cancels it (the latest meeting's ``cancelled_review_on`` then says which
    date it was)."""
    next_review = latest["next_review_on"] if latest else None
    return {
        "next_review_on": next_review,
        "review_overdue": next_review is not None and next_review < today,
    }


async def latest_meeting(family_id: int) -> dict[str, Any] | None:
    return await (
        TafMeeting.select(
            TafMeeting.id,
            TafMeeting.held_on,
            TafMeeting.next_review_on,
            TafMeeting.cancelled_review_on,
        )
        .where(TafMeeting.family == family_id)
        .order_by(TafMeeting.held_on, ascending=False)
        .order_by(TafMeeting.id, ascending=False)
        .first()
    )


async def active_goal_ids(family_id: int) -> list[int]:
    rows = await (
        FamilyGoal.select(FamilyGoal.id)
        .where((FamilyGoal.family == family_id) & FamilyGoal.archived_at.is_null())
        .order_by(FamilyGoal.id)
    )
    return [r["id"] for r in rows]


# The caseload ----------------------------------------------------------------


async def due_for_families(
    family_ids: list[int], user_id: int, today: date
) -> dict[int, dict[str, Any]]:
    """Per family: the next review (and whether it is overdue) and this user's
    open actions, overdue ones and the next due date. Two queries in all."""
    due: dict[int, dict[str, Any]] = {
        fid: {
            "next_review_on": None,
            "review_overdue": False,
            "my_open_actions": 0,
            "my_overdue_actions": 0,
            "my_next_action_due": None,
        }
        for fid in family_ids
    }
    if not family_ids:
        return due
    meetings = await (
        TafMeeting.select(TafMeeting.family, TafMeeting.held_on, TafMeeting.next_review_on)
        .where(TafMeeting.family.is_in(family_ids))
        .order_by(TafMeeting.held_on)
        .order_by(TafMeeting.id)
    )
    latest: dict[int, dict[str, Any]] = {m["family"]: m for m in meetings}  # the last wins
    for family_id, meeting in latest.items():
        due[family_id].update(review_state(meeting, today))
    actions = await PlanAction.select(PlanAction.family, PlanAction.due_on).where(
        PlanAction.family.is_in(family_ids)
        & PlanAction.status.is_in(list(OPEN_STATUSES))
        & (PlanAction.owner.user == user_id)
        & PlanAction.owner.removed_at.is_null()
    )
    for action in actions:
        entry = due[action["family"]]
        entry["my_open_actions"] += 1
        if action["due_on"] < today:
            entry["my_overdue_actions"] += 1
        nxt = entry["my_next_action_due"]
        entry["my_next_action_due"] = (
            action["due_on"] if nxt is None else min(nxt, action["due_on"])
        )
    return due
