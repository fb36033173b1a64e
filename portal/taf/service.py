"""Team Around the Family rules: who may manage the team, and its members.

TAF meetings and the reviews they agree are in ``portal.taf.reviews``; the
action plan (goals, actions, review scores) is in ``portal.taf.plan``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from portal.audit import service as audit
from portal.auth.tables import PortalUser
from portal.db import contains_ignoring_case, rows_from_json, write_transaction
from portal.families.tables import Family, Person
from portal.kernel.clock import now_utc
from portal.kernel.errors import NotAllowed, NotFound
from portal.kernel.users import CurrentUser, is_area_manager
from portal.notify.service import notify
from portal.taf.tables import TafMeeting, TafMember

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


# The team page's facts in one statement: meetings newest first, current
# members in the order they joined, and the plan's open and overdue actions.
TEAM_PAGE_SQL = """
SELECT
    (SELECT jsonb_agg(to_jsonb(m) ORDER BY m.held_on DESC, m.id DESC)
     FROM taf_meeting m WHERE m.family = {}) AS meetings,
    (SELECT jsonb_agg(to_jsonb(t) ORDER BY t.added_at, t.id)
     FROM taf_member t WHERE t.family = {} AND t.removed_at IS NULL) AS members,
    actions.*
FROM (SELECT count(*) AS open_actions, count(*) FILTER (WHERE due_on < {}) AS overdue_actions
      FROM plan_action WHERE family = {} AND status = ANY({}::text[])) actions
"""


@dataclass(frozen=True)
class TeamPage:
    meetings: list[dict[str, Any]]
    members: list[dict[str, Any]]
    open_actions: int
    overdue_actions: int


async def team_page(family_id: int, today: date) -> TeamPage:
    (row,) = await TafMember.raw(
        TEAM_PAGE_SQL, family_id, family_id, today, family_id, list(OPEN_STATUSES)
    )
    return TeamPage(
        meetings=rows_from_json(TafMeeting, row["meetings"]),
        members=rows_from_json(TafMember, row["members"]),
        open_actions=row["open_actions"],
        overdue_actions=row["overdue_actions"],
    )


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
                family_id=family.id,
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


OPEN_STATUSES = ("not_started", "in_progress")  # an action still to finish
