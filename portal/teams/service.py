"""Area inboxes and teams: placing a family's request with a team gives that
team access to the record while the request is open (and only then)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from portal.audit import service as audit
from portal.auth.tables import PortalUser
from portal.db import write_transaction
from portal.kernel.clock import now_utc
from portal.kernel.users import CurrentUser
from portal.teams.tables import QueueEntry, TeamMember


async def place(
    family_id: int,
    area: str,
    queue: str,
    *,
    kind: str,
    record_id: int,
    roles: tuple[str, ...] = (),
    team: str = "",
    assigned_to: int | None = None,
    actor: CurrentUser | None = None,
) -> int:
    """Put a request in an inbox (roles and/or a team, or one person); returns its entry id."""
    if not roles and not team and assigned_to is None:
        raise ValueError("a queue entry needs roles, a team or a person to work it")
    async with write_transaction(QueueEntry._meta.db):
        entry = QueueEntry(
            family=family_id,
            area=area,
            queue=queue,
            roles=" ".join(roles),
            team=team,
            assigned_to=assigned_to,
            kind=kind,
            record_id=record_id,
            opened_at=now_utc(),
        )
        await entry.save()
        await audit.record(
            "queue_placed",
            "ok",
            actor=actor,
            actor_label="" if actor else "portal",
            record_type="queue_entry",
            record_id=entry.id,
            family_id=family_id,
            queue=queue,
        )
    return int(entry.id)


async def close(entry_id: int, *, actor: CurrentUser | None = None) -> None:
    """End an entry: its team's access through it ends too (idempotent)."""
    async with write_transaction(QueueEntry._meta.db):
        entry = await QueueEntry.objects().get(QueueEntry.id == entry_id)
        if entry is None or entry.closed_at is not None:
            return
        await QueueEntry.update({QueueEntry.closed_at: now_utc()}).where(QueueEntry.id == entry_id)
        await audit.record(
            "queue_closed",
            "ok",
            actor=actor,
            actor_label="" if actor else "portal",
            record_type="queue_entry",
            record_id=entry_id,
            family_id=entry.family,
            queue=entry.queue,
        )


async def close_for_record(kind: str, record_id: int, *, actor: CurrentUser | None = None) -> None:
    """Close every open entry a plugin record put in any inbox."""
    rows = await QueueEntry.select(QueueEntry.id).where(
        (QueueEntry.kind == kind)
        & (QueueEntry.record_id == record_id)
        & QueueEntry.closed_at.is_null()
    )
    for row in rows:
        await close(row["id"], actor=actor)


async def teams_of(user_id: int, area: str) -> set[str]:
    """The teams of an area this user works in (not removed)."""
    rows = await TeamMember.select(TeamMember.team).where(
        (TeamMember.user == user_id) & (TeamMember.area == area) & TeamMember.removed_at.is_null()
    )
    return {row["team"] for row in rows}


def works(user: CurrentUser, entry: dict[str, Any], teams: set[str]) -> bool:
    """Whether this user works this (open) entry: assigned to them, or one of
    its roles and, where it names a team, a member of that team."""
    if entry["assigned_to"] == user.id:
        return True
    roles = set(entry["roles"].split())
    if not roles:
        return bool(entry["team"]) and entry["team"] in teams
    return user.has_role(*roles) and (not entry["team"] or entry["team"] in teams)


def held_among(
    user: CurrentUser,
    areas: Mapping[int, str],
    entries: list[dict[str, Any]],
    teams: list[dict[str, Any]],
) -> set[int]:
    """From rows already read: which of these families (id -> area) have an
    open queue entry (family, area, roles, team, assigned_to) this user works,
    given their team postings (area, team)."""
    by_area: dict[str, set[str]] = {}
    for row in teams:
        by_area.setdefault(row["area"], set()).add(row["team"])
    return {
        e["family"]
        for e in entries
        if areas.get(e["family"]) == e["area"] and works(user, e, by_area.get(e["area"], set()))
    }


async def open_entries(area: str, queue: str) -> list[dict[str, Any]]:
    return await (
        QueueEntry.select()
        .where(
            (QueueEntry.area == area) & (QueueEntry.queue == queue) & QueueEntry.closed_at.is_null()
        )
        .order_by(QueueEntry.opened_at)
    )


# Teams ------------------------------------------------------------------


async def team_members(area: str, team: str) -> list[dict[str, Any]]:
    """Current members of a team, with their names, by name."""
    return await (
        TeamMember.select(
            TeamMember.id,
            TeamMember.user,
            TeamMember.role,
            TeamMember.user.display_name.as_alias("name"),
            TeamMember.user.organisation.as_alias("organisation"),
            TeamMember.user.email.as_alias("email"),
        )
        .where(
            (TeamMember.area == area) & (TeamMember.team == team) & TeamMember.removed_at.is_null()
        )
        .order_by(TeamMember.user.display_name)
    )


async def add_team_member(
    actor: CurrentUser | None, area: str, team: str, user_id: int, role: str = ""
) -> int:
    """Post a user to a team (once: a repeat returns the existing membership).

    The user must hold a role in the team's area: teams never cross areas."""
    user = await PortalUser.objects().get(PortalUser.id == user_id)
    if user is None or not any(r.startswith(f"{area}.") for r in user.roles.split()):
        raise ValueError("Choose someone who works in this area")
    async with write_transaction(TeamMember._meta.db):
        existing = await TeamMember.select(TeamMember.id).where(
            (TeamMember.area == area)
            & (TeamMember.team == team)
            & (TeamMember.user == user_id)
            & TeamMember.removed_at.is_null()
        )
        if existing:
            return int(existing[0]["id"])
        member = TeamMember(
            user=user_id,
            area=area,
            team=team,
            role=role,
            added_by=actor.id if actor else None,
            added_at=now_utc(),
        )
        await member.save()
        await audit.record(
            "team_member_added",
            "ok",
            actor=actor,
            actor_label="" if actor else "portal",
            record_type="team_member",
            record_id=member.id,
            team=team,
            user_id=user_id,
        )
    return int(member.id)


async def remove_team_member(
    actor: CurrentUser, area: str, member_id: int, *, team: str | None = None
) -> None:
    """End a posting (kept, with when it ended); ``team`` narrows it to one team."""
    where = (
        (TeamMember.id == member_id) & (TeamMember.area == area) & TeamMember.removed_at.is_null()
    )
    if team is not None:
        where &= TeamMember.team == team
    async with write_transaction(TeamMember._meta.db):
        updated = (
            await TeamMember.update({TeamMember.removed_at: now_utc()})
            .where(where)
            .returning(TeamMember.team)
        )
        if updated:
            await audit.record(
                "team_member_removed",
                "ok",
                actor=actor,
                record_type="team_member",
                record_id=member_id,
                team=updated[0]["team"],
            )
