"""Who may open a family's record (DESIGN.md "Access and audit").

A practitioner sees a family only through a legitimate relationship: they
created it, lead it, are in its Team Around the Family, have been proposed as
its lead, or hold an area-wide role in its area. Anything else is
break-glass: a stated reason, time-limited, reviewed by the area manager.
Roles never cross areas, and a record restricted after consent to keep it
was withdrawn is open only to its lead practitioner and area managers.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from datetime import timedelta
from typing import Any

from portal.access.tables import BreakGlassGrant
from portal.audit import service as audit
from portal.audit.tables import AuditEvent
from portal.auth.tables import PortalUser
from portal.db import object_by_id, write_transaction
from portal.families import names
from portal.families.access import FamilyAccess, ReadOnlyAccess
from portal.families.tables import Family
from portal.kernel.clock import now_utc
from portal.kernel.errors import NotAllowed, NotFound
from portal.kernel.users import CurrentUser, is_area_manager
from portal.notify.service import notify
from portal.teams import service as teams

BREAK_GLASS_HOURS = 8  # one working day
# The lead practitioner is told (the message is also the email: no names).
BREAK_GLASS_TOLD = "Someone used emergency access to see the record of a family you lead"
BREAK_GLASS_LOCK_BASE = 3_000_000_000  # advisory lock keys: this + family id
REFUSAL_BURST = 20  # refusals within ten minutes that the area manager is shown
REFUSAL_LOOKBACK = timedelta(days=7)

REFUSAL_BURSTS_SQL = """
WITH refused AS (
    SELECT actor_user_id, at,
           COUNT(*) OVER (
               PARTITION BY actor_user_id ORDER BY at
               RANGE BETWEEN INTERVAL '10 minutes' PRECEDING AND CURRENT ROW
           ) AS in_ten_minutes
    FROM audit_event
    WHERE outcome = 'refused' AND at >= {} AND actor_user_id IS NOT NULL
)
SELECT u.id, u.display_name AS user_name, u.organisation AS user_organisation, u.roles,
       MAX(r.in_ten_minutes) AS most_in_ten_minutes, COUNT(*) AS refusals, MAX(r.at) AS last_at
FROM refused r JOIN portal_user u ON u.id = r.actor_user_id
GROUP BY u.id, u.display_name, u.organisation, u.roles
HAVING MAX(r.in_ten_minutes) >= {}
ORDER BY MAX(r.at) DESC
"""


class AuditedNotFound(NotFound, audit.AlreadyAudited):
    """A family the user may not know of: a 404, its refusal already audited here."""


class NoRelationship(NotAllowed):
    """A same-area user without a relationship: the page says who to contact."""

    def __init__(
        self, family: Family, *, restricted: bool = False, lead: dict[str, Any] | None = None
    ) -> None:
        super().__init__("You do not have a working relationship with this family")
        self.family = family
        self.restricted = restricted
        self.lead = lead  # name, organisation and email of the lead practitioner, to contact


async def relationship(user: CurrentUser, family: Family) -> str | None:
    """Why this user may open this family's record, or None."""
    return (await relationships(user, [family]))[family.id]


def _from_record(user: CurrentUser, family: Family) -> str | None:
    """The reasons the family row itself gives (no query needed)."""
    manager = is_area_manager(user, family.area)
    if family.lead_practitioner == user.id:
        return "lead"
    if family.restricted:
        return "area_manager" if manager else None
    if family.created_by == user.id:
        return "creator"
    return "area_manager" if manager else None


# Every reason beyond the family row, for many families, in one statement.
REASONS_SQL = """
SELECT
    ARRAY(SELECT family FROM taf_member
          WHERE family = ANY({}::integer[]) AND "user" = {} AND removed_at IS NULL) AS taf,
    ARRAY(SELECT family FROM lead_transfer
          WHERE family = ANY({}::integer[]) AND to_practitioner = {} AND status = 'pending')
        AS proposed_lead,
    (SELECT jsonb_agg(jsonb_build_object('family', family, 'area', area, 'roles', roles,
                                         'team', team, 'assigned_to', assigned_to))
     FROM queue_entry WHERE family = ANY({}::integer[]) AND closed_at IS NULL) AS queue_entries,
    (SELECT jsonb_agg(jsonb_build_object('area', area, 'team', team))
     FROM team_member WHERE "user" = {} AND removed_at IS NULL) AS teams,
    ARRAY(SELECT family FROM break_glass_grant
          WHERE family = ANY({}::integer[]) AND "user" = {} AND expires_at > {}) AS break_glass
"""


async def relationships(user: CurrentUser, families: Sequence[Family]) -> dict[int, str | None]:
    """``relationship`` for many families at once (search results): at most
    one statement however many families there are."""
    reasons: dict[int, str | None] = {
        f.id: _from_record(user, f) if f.area in user.areas else None for f in families
    }
    undecided = [
        f.id
        for f in families
        if reasons[f.id] is None and f.area in user.areas and not f.restricted
    ]
    if not undecided:
        return reasons
    ids, me = undecided, user.id
    (row,) = await Family.raw(REASONS_SQL, ids, me, ids, me, ids, me, ids, me, now_utc())
    areas = {f.id: f.area for f in families}
    entries = json.loads(row["queue_entries"]) if row["queue_entries"] else []
    postings = json.loads(row["teams"]) if row["teams"] else []
    found = {
        "taf": set(row["taf"]),
        "proposed_lead": set(row["proposed_lead"]),
        "queue": teams.held_among(user, areas, entries, postings),
        "break_glass": set(row["break_glass"]),
    }
    # The first that applies, in the order REASONS lists them.
    for family_id in undecided:
        reasons[family_id] = next((r for r, holds in found.items() if family_id in holds), None)
    return reasons


async def family_names(user: CurrentUser, family_ids: Collection[int]) -> dict[int, str]:
    """The names of the families among these that this user may open now (the
    same relationships as ``open_family``), for a list of their own such as their
    notifications; the others are left out. Naming a family in the user's own list
    is not a look at its record, so nothing is audited (as for the caseload)."""
    if not family_ids:
        return {}
    found = list(await Family.objects().where(Family.id.is_in(sorted(family_ids))))
    reasons = await relationships(user, found)
    return await names.household_names([f.id for f in found if reasons[f.id] is not None])


async def active_break_glass(user: CurrentUser, family_id: int) -> bool:
    return await BreakGlassGrant.exists().where(
        (BreakGlassGrant.family == family_id)
        & (BreakGlassGrant.user == user.id)
        & (BreakGlassGrant.expires_at > now_utc())
    )


async def open_family(
    user: CurrentUser, family_id: int, page: str, *, for_change: bool = False
) -> FamilyAccess:
    """The family, if this user may see it; every look is audited, refused or not.

    Another area's family is a 404 (areas are separate tenants: an id must not
    reveal anything); a same-area family without a relationship is a 403 that
    says who to ask and offers break-glass. ``for_change`` asks for a reason
    that allows changes: read-only access (break-glass) is then a 403."""
    family = await object_by_id(Family, family_id)
    known = family is not None and family.area in user.areas

    async def record(action: str, outcome: str, **detail: Any) -> None:
        await audit.record(
            action,
            outcome,
            actor=user,
            record_type="family",
            record_id=family_id,
            family_id=family_id if known else None,  # another area's ids stay out of its history
            page=page,
            **detail,
        )

    if family is None or not known:
        await record(
            "family_viewed", "refused", reason="not found" if family is None else "another area"
        )
        raise AuditedNotFound()
    reason = await relationship(user, family)
    if reason is None:
        await record(
            "family_viewed",
            "refused",
            reason="restricted" if family.restricted else "no relationship",
        )
        lead = None
        if family.lead_practitioner is not None and not family.restricted:
            lead = (
                await PortalUser.select(
                    PortalUser.display_name, PortalUser.organisation, PortalUser.email
                )
                .where(PortalUser.id == family.lead_practitioner)
                .first()
            )
        raise NoRelationship(family, restricted=family.restricted, lead=lead)
    access = FamilyAccess(family=family, reason=reason)
    if for_change and not access.may_change:
        await record("family_changed", "refused", access=reason, reason="read-only access")
        raise ReadOnlyAccess(reason)
    await record("family_viewed", "success", access=reason)
    return access


async def break_glass(user: CurrentUser, family_id: int, reason: str) -> BreakGlassGrant:
    """Grant time-limited access for a stated reason; it goes on the manager's list."""
    family = await Family.objects().get(Family.id == family_id)
    if family is None or family.area not in user.areas:
        raise NotFound()
    if family.restricted:
        raise NoRelationship(family, restricted=True)
    engine = Family._meta.db
    async with write_transaction(engine):
        # One live grant per person and family: a double (or 20-fold) submission
        # waits on this lock, then finds the grant the first one made.
        await Family.raw("SELECT pg_advisory_xact_lock({})", BREAK_GLASS_LOCK_BASE + family.id)
        live = await BreakGlassGrant.objects().get(
            (BreakGlassGrant.family == family.id)
            & (BreakGlassGrant.user == user.id)
            & (BreakGlassGrant.expires_at > now_utc())
        )
        if live is not None:
            return live
        grant = BreakGlassGrant(
            family=family.id,
            user=user.id,
            area=family.area,
            reason=reason,
            granted_at=now_utc(),
            expires_at=now_utc() + timedelta(hours=BREAK_GLASS_HOURS),
        )
        await grant.save()
        await audit.record(
            "break_glass",
            "success",
            actor=user,
            record_type="family",
            record_id=family.id,
            family_id=family.id,
            grant=grant.id,
        )
        if family.lead_practitioner is not None and family.lead_practitioner != user.id:
            who = user.display_name + (f", {user.organisation}" if user.organisation else "")
            await notify(
                family.lead_practitioner,
                "break_glass_used",
                BREAK_GLASS_TOLD,
                f"/families/{family.id}",
                f"break_glass:{grant.id}:{family.lead_practitioner}",
                family_id=family.id,
                detail=f"{who} used emergency access. Reason given: {reason}",
            )
    return grant


async def break_glass_awaiting_review(areas: frozenset[str]) -> list[dict[str, Any]]:
    """Grants in these areas not yet reviewed, oldest first, each naming its
    family (``family_name``) while the family is still in one of these areas
    (a family moved to another area since is left unnamed: ``None``)."""
    grants = await (
        BreakGlassGrant.select(
            *BreakGlassGrant.all_columns(),
            BreakGlassGrant.user.display_name.as_alias("user_name"),
            BreakGlassGrant.user.organisation.as_alias("user_organisation"),
            BreakGlassGrant.family.area.as_alias("family_area"),
        )
        .where(BreakGlassGrant.area.is_in(list(areas)) & BreakGlassGrant.reviewed_at.is_null())
        .order_by(BreakGlassGrant.granted_at)
    )
    found = await names.household_names({g["family"] for g in grants if g["family_area"] in areas})
    for grant in grants:
        grant["family_name"] = found.get(grant["family"])
    return grants


async def review_break_glass(
    user: CurrentUser, grant_id: int, outcome: str, note: str
) -> BreakGlassGrant:
    grant = await BreakGlassGrant.objects().get(BreakGlassGrant.id == grant_id)
    if grant is None or not is_area_manager(user, grant.area):
        raise NotFound()
    async with write_transaction(BreakGlassGrant._meta.db):
        grant.reviewed_by = user.id
        grant.reviewed_at = now_utc()
        grant.review_outcome = outcome
        grant.review_note = note
        if outcome == "not_justified":
            grant.expires_at = now_utc()  # end the access now
        await grant.save()
        await audit.record(
            "break_glass_reviewed",
            "success",
            actor=user,
            record_type="break_glass",
            record_id=grant.id,
            family_id=grant.family,
            outcome_given=outcome,
        )
    return grant


async def refusal_bursts(areas: frozenset[str]) -> list[dict[str, Any]]:
    """People with a role in these areas refused REFUSAL_BURST times or more
    within ten minutes in the last week: someone may be walking ids."""
    rows = await AuditEvent.raw(REFUSAL_BURSTS_SQL, now_utc() - REFUSAL_LOOKBACK, REFUSAL_BURST)
    return [
        row
        for row in rows
        if any(role.split(".")[0] in areas for role in str(row["roles"]).split())
    ]
