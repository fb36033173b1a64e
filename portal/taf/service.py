"""Team Around the Family rules: who may manage the team, its members,
meetings (professional meetings need their reasons, PROCESS.md step 8), the
next review date agreed at each meeting, and what is due for the caseload.

The action plan (goals, actions, review scores) is in ``portal.taf.plan``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from portal.audit import service as audit
from portal.auth.tables import PortalUser
from portal.db import contains_ignoring_case, write_transaction
from portal.families.tables import Family, Person
from portal.kernel.clock import now_utc
from portal.kernel.errors import NotAllowed, NotFound
from portal.kernel.records import once
from portal.kernel.users import CurrentUser, is_area_manager
from portal.notify.service import notify
from portal.taf.tables import (
    FamilyGoal,
    GoalScore,
    MeetingAttendee,
    PlanAction,
    TafMeeting,
    TafMember,
)

UK = ZoneInfo("Europe/London")
REVIEW_INTERVAL = timedelta(weeks=6)  # PROCESS.md step 6: usually every 6 weeks
MAX_FOUND = 20

MEMBER_KINDS = {
    "practitioner": "Practitioners",
    "family_member": "Family members",
    "external": "Other contacts",
}
MEETING_KINDS = {
    "taf": "Team Around the Family meeting",
    "review": "Review meeting",
    "professional": "Professionals' meeting (without the family)",
    "transition": "Transition meeting (step-down into early help)",
}
# Fixed key space for the per-family advisory lock that serialises adding
# members ("TAF_" in ASCII, plus the family id): no other lock uses it.
MEMBER_LOCK_BASE = 0x5441_465F_0000_0000


def today_uk() -> date:
    return now_utc().astimezone(UK).date()


def can_manage(user: CurrentUser, family: Family) -> bool:
    """The lead practitioner, the family's creator while it has no lead, and
    area managers manage the team, its meetings and its plan."""
    if family.lead_practitioner is not None:
        return family.lead_practitioner == user.id or is_area_manager(user, family.area)
    return family.created_by == user.id or is_area_manager(user, family.area)


def require_manager(user: CurrentUser, family: Family) -> None:
    if not can_manage(user, family):
        raise NotAllowed(
            "Only the family's lead practitioner or an area manager can change "
            "the Team Around the Family"
        )


async def lock_family_team(family_id: int) -> None:
    """Serialise changes to one family's team (inside a write transaction)."""
    await TafMember.raw("SELECT pg_advisory_xact_lock({})", MEMBER_LOCK_BASE + family_id)


# Members -------------------------------------------------------------------


@dataclass(frozen=True)
class NewMember:
    kind: str  # a key of MEMBER_KINDS
    name: str = ""
    user_id: int | None = None
    person_id: int | None = None
    agency: str = ""
    role: str = ""
    email: str = ""
    phone: str = ""


async def members_of(family_id: int, *, include_removed: bool = False) -> list[dict[str, Any]]:
    query = TafMember.select().where(TafMember.family == family_id)
    if not include_removed:
        query = query.where(TafMember.removed_at.is_null())
    return await query.order_by(TafMember.added_at).order_by(TafMember.id)


def grouped(members: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = {kind: [] for kind in MEMBER_KINDS}
    for member in members:
        groups.setdefault(member["kind"], []).append(member)
    return groups


def in_area(roles: str, area: str) -> bool:
    return any(role.startswith(f"{area}.") for role in roles.split())


async def find_practitioners(area: str, query: str) -> list[dict[str, Any]]:
    """Active portal users with a role in the area, by part of a name or email."""
    query = query.strip().replace("%", "")[:100]
    if len(query) < 2:
        return []
    pattern = f"%{query}%"
    rows = await (
        PortalUser.select(
            PortalUser.id,
            PortalUser.display_name,
            PortalUser.email,
            PortalUser.organisation,
            PortalUser.roles,
        )
        .where(
            (
                contains_ignoring_case(PortalUser.display_name, pattern)
                | contains_ignoring_case(PortalUser.email, pattern)
            )
            & (PortalUser.disabled == False)  # noqa: E712
        )
        .order_by(PortalUser.display_name)
        .limit(200)
    )
    return [r for r in rows if in_area(r["roles"], area)][:MAX_FOUND]


async def _existing_member(family_id: int, new: NewMember) -> int | None:
    active = TafMember.select(TafMember.id, TafMember.name, TafMember.email).where(
        (TafMember.family == family_id)
        & TafMember.removed_at.is_null()
        & (TafMember.kind == new.kind)
    )
    if new.kind == "practitioner":
        rows = await active.where(TafMember.user == new.user_id)
    elif new.kind == "family_member":
        rows = await active.where(TafMember.person == new.person_id)
    else:
        rows = [
            r
            for r in await active
            if r["name"].casefold() == new.name.casefold()
            and r["email"].casefold() == new.email.casefold()
        ]
    return int(rows[0]["id"]) if rows else None


async def _complete(family: Family, new: NewMember) -> NewMember:
    """Fill the member's details from the portal user or the family's person,
    refusing anyone who is not in this family's area or on its record."""
    if new.kind == "practitioner":
        found = await PortalUser.objects().get(PortalUser.id == (new.user_id or 0))
        if found is None or found.disabled or not in_area(found.roles, family.area):
            raise NotFound()
        return NewMember(
            kind="practitioner",
            user_id=found.id,
            name=found.display_name,
            agency=new.agency or found.organisation,
            role=new.role,
            email=found.email,
        )
    if new.kind == "family_member":
        person = await Person.objects().get(
            (Person.id == (new.person_id or 0)) & (Person.family == family.id)
        )
        if person is None:
            raise NotFound()
        name = f"{person.given_names} {person.family_name}"
        return NewMember(kind="family_member", person_id=person.id, name=name, role=new.role)
    if new.kind == "external":
        return NewMember(
            kind="external",
            name=new.name,
            agency=new.agency,
            role=new.role,
            email=new.email,
            phone=new.phone,
        )
    raise NotFound()


async def add_member(user: CurrentUser, family: Family, new: NewMember) -> int:
    """Add someone to the team; someone already in it changes nothing.

    A portal user added here can open the family's record from their next
    request, and is told by notification."""
    require_manager(user, family)
    new = await _complete(family, new)
    async with write_transaction(TafMember._meta.db):
        await lock_family_team(family.id)
        existing = await _existing_member(family.id, new)
        if existing is not None:
            return existing
        rows = await TafMember.insert(
            TafMember(
                family=family.id,
                kind=new.kind,
                user=new.user_id,
                person=new.person_id,
                name=new.name[:200],
                agency=new.agency[:200],
                role=new.role[:200],
                email=new.email[:200],
                phone=new.phone[:50],
                added_at=now_utc(),
            )
        ).returning(TafMember.id)
        member_id = int(rows[0]["id"])
        if new.user_id is not None and new.user_id != user.id:
            await notify(
                new.user_id,
                "added_to_taf",
                "You have been added to a Team Around the Family",
                f"/families/{family.id}",
                f"added_to_taf:{member_id}",
            )
        await audit.record(
            "taf_member_added",
            "success",
            actor=user,
            record_type="taf_member",
            record_id=member_id,
            family_id=family.id,
            kind=new.kind,
        )
        return member_id


async def member_in(family_id: int, member_id: int) -> dict[str, Any]:
    row = (
        await TafMember.select()
        .where((TafMember.id == member_id) & (TafMember.family == family_id))
        .first()
    )
    if row is None:
        raise NotFound()
    return row


async def remove_member(user: CurrentUser, family: Family, member_id: int) -> None:
    """End someone's membership; a portal user loses access at their next request.
    Removing someone already removed changes nothing."""
    require_manager(user, family)
    async with write_transaction(TafMember._meta.db):
        await lock_family_team(family.id)
        member = await member_in(family.id, member_id)
        if member["removed_at"] is not None:
            return
        await TafMember.update({TafMember.removed_at: now_utc()}).where(TafMember.id == member_id)
        await audit.record(
            "taf_member_removed",
            "success",
            actor=user,
            record_type="taf_member",
            record_id=member_id,
            family_id=family.id,
            kind=member["kind"],
        )


async def membership_of(family_id: int, user_id: int) -> dict[str, Any] | None:
    """The user's active membership of this family's team, if any."""
    return await (
        TafMember.select()
        .where(
            (TafMember.family == family_id)
            & (TafMember.user == user_id)
            & TafMember.removed_at.is_null()
        )
        .first()
    )


# Meetings ------------------------------------------------------------------


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
    once that date has passed with no meeting since."""
    next_review = latest["next_review_on"] if latest else None
    return {
        "next_review_on": next_review,
        "review_overdue": next_review is not None and next_review < today,
    }


async def latest_meeting(family_id: int) -> dict[str, Any] | None:
    return await (
        TafMeeting.select(TafMeeting.id, TafMeeting.held_on, TafMeeting.next_review_on)
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

OPEN_STATUSES = ("not_started", "in_progress")


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
