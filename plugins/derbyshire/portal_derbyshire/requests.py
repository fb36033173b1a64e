"""Requests to Starting Point: reading them (who may see one, the lists, the
family's history to inform triage), sending an online referral through the
consent gate, the versioned save, and telling the referrer an outcome (the
24-hour standard's second half)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from portal.plugin_api import (
    CurrentUser,
    Family,
    PortalUser,
    StaleVersion,
    assessments,
    audit,
    closure,
    consent,
    escalation,
    families,
    lead,
    notify,
    once,
    teams,
    versioned_update,
    write_transaction,
)
from portal_derbyshire.clock import STANDARD
from portal_derbyshire.common import (
    ADVISOR,
    AGENCY,
    AREA,
    KIND,
    MANAGER,
    OPEN_STATUSES,
    QUEUE,
    SP_ROLES,
    VCM_CHAIR,
    RequestError,
)
from portal_derbyshire.tables import StartingPointRequest

# A closed family's early help takes no new request: "Reopen it to ..."
REFERRAL_CLOSED = "send a referral to Starting Point"


def _columns() -> list[Any]:
    r = StartingPointRequest
    return [
        *r.all_columns(exclude=[r.idempotency_key]),
        r.referrer.display_name.as_alias("referrer_name"),
        r.referrer.email.as_alias("referrer_email"),
        r.triaged_by.display_name.as_alias("triaged_by_name"),
        r.screened_by.display_name.as_alias("screened_by_name"),
        r.advisor.display_name.as_alias("advisor_name"),
        r.allocated_to.display_name.as_alias("allocated_name"),
    ]


async def request_row(request_id: int) -> dict[str, Any] | None:
    return await (
        StartingPointRequest.select(*_columns())
        .where(StartingPointRequest.id == request_id)
        .first()
    )


def may_see(user: CurrentUser, row: dict[str, Any]) -> bool:
    """Who may open a request: its referrer, Starting Point, the area manager,
    the Early Help Advisor or Lead Practitioner it went to, and VCM chairs
    while it waits for their meeting."""
    if AREA not in user.areas:
        return False
    if user.id in (row["referrer"], row["advisor"], row["allocated_to"]):
        return True
    if user.has_role(*SP_ROLES, MANAGER):
        return True
    return row["status"] == "at_vcm" and user.has_role(VCM_CHAIR)


async def requests_where(condition: Any) -> list[dict[str, Any]]:
    rows = await (
        StartingPointRequest.select(*_columns())
        .where(condition)
        .order_by(StartingPointRequest.submitted_at, ascending=False)
    )
    return await families.with_children(rows, lambda r: int(r["family"]))


async def requests_sent_by(user_id: int) -> list[dict[str, Any]]:
    return await requests_where(StartingPointRequest.referrer == user_id)


async def requests_for_family(family_id: int) -> list[dict[str, Any]]:
    return await requests_where(StartingPointRequest.family == family_id)


async def cases_of(user_id: int) -> list[dict[str, Any]]:
    """Requests an Early Help Advisor supports or a Lead Practitioner was allocated."""
    return await requests_where(
        (StartingPointRequest.advisor == user_id) | (StartingPointRequest.allocated_to == user_id)
    )


# Initial Contacts first (the least time left first, i.e. the oldest), then
# new requests, oldest first: the order Starting Point works them in.
def _queue_sql() -> str:
    """One page of the open queue with the names _columns() gives and each
    family's children, as raw SQL: the query builder cost more Python than
    the page's rendering (py-spy), and the children need no statement of their own."""
    r = StartingPointRequest
    own = ", ".join(
        f"r.{c._meta.db_column_name}" for c in r.all_columns(exclude=[r.idempotency_key])
    )
    return f"""
SELECT {own},
       ref.display_name AS referrer_name, ref.email AS referrer_email,
       tri.display_name AS triaged_by_name, scr.display_name AS screened_by_name,
       adv.display_name AS advisor_name, alloc.display_name AS allocated_name,
       (SELECT coalesce(json_agg(p.given_names || ' ' || p.family_name ORDER BY p.id), '[]')
          FROM person p WHERE p.family = r.family AND p.role = 'child') AS children
FROM derbyshire_sp_request r
LEFT JOIN portal_user ref ON ref.id = r.referrer
LEFT JOIN portal_user tri ON tri.id = r.triaged_by
LEFT JOIN portal_user scr ON scr.id = r.screened_by
LEFT JOIN portal_user adv ON adv.id = r.advisor
LEFT JOIN portal_user alloc ON alloc.id = r.allocated_to
WHERE r.status = ANY({{}}::text[])
ORDER BY CASE WHEN r.status = 'initial_contact' AND r.initial_contact_at IS NOT NULL
              THEN 0 ELSE 1 END,
         r.initial_contact_at, r.submitted_at, r.id
OFFSET {{}} LIMIT {{}}
"""  # noqa: S608 (column names from the table; every value is a parameter)


QUEUE_SQL = _queue_sql()


# Open requests, and the Initial Contacts among them past the 24 hours, in one statement.
QUEUE_COUNTS = """
SELECT count(*) AS total,
       count(*) FILTER (WHERE status = 'initial_contact' AND initial_contact_at < {}) AS overdue
FROM derbyshire_sp_request WHERE status = ANY({}::text[])
"""


@dataclass(frozen=True)
class QueuePage:
    rows: list[dict[str, Any]]  # this page's requests, with the children's names
    total: int  # open requests in all
    overdue: int  # Initial Contacts past the 24 hours
    page: int
    pages: int
    first: int  # the position of this page's first request


async def open_queue_page(now: datetime, asked: int, size: int) -> QueuePage:
    """One page of the open queue, sorted and counted in the database: there
    may be thousands of open requests."""
    r = StartingPointRequest
    (counts,) = await r.raw(QUEUE_COUNTS, now - STANDARD, list(OPEN_STATUSES))
    total, overdue = counts["total"], counts["overdue"]
    pages = max(1, -(-total // size))
    page = min(max(asked, 1), pages)
    rows = [
        {**row, "children": json.loads(row["children"])}
        for row in await r.raw(QUEUE_SQL, list(OPEN_STATUSES), (page - 1) * size, size)
    ]
    return QueuePage(rows, total, overdue, page, pages, (page - 1) * size + 1)


async def advisors() -> list[dict[str, Any]]:
    """Active users holding the Early Help Advisor role, by name."""
    rows = await (
        PortalUser.select(PortalUser.id, PortalUser.display_name, PortalUser.roles)
        .where(PortalUser.disabled == False)  # noqa: E712
        .order_by(PortalUser.display_name)
    )
    return [r for r in rows if ADVISOR in r["roles"].split()]


async def involvement(family_id: int, except_request: int) -> dict[str, Any]:
    """The family's history with the portal, to inform triage: previous requests,
    lead practitioners, closures, assessments and referrals to social care."""
    previous = [r for r in await requests_for_family(family_id) if r["id"] != except_request]
    return {
        "requests": previous,
        "spells": (await lead.history(family_id))["spells"],
        "closures": await closure.history(family_id),
        "assessments": await assessments.assessments_of(family_id),
        "referrals": await escalation.referrals_of(family_id),
    }


async def completed_assessments(family_id: int) -> list[dict[str, Any]]:
    """The family's completed assessments, each with its latest frozen version."""
    found = []
    for row in await assessments.assessments_of(family_id):
        versions = await assessments.versions_of(row["id"])
        if versions:
            found.append({**row, "latest_version": versions[-1]})
    return found


@dataclass(frozen=True)
class NewRequest:
    request_type: str
    child_id: int
    details: str
    consent_basis: str
    consent_detail: str
    assessment_id: int | None = None
    assessment_version: int | None = None


async def send_request(
    user: CurrentUser, family: Family, new: NewRequest, form_key: str, now: datetime
) -> int:
    """An online referral to Starting Point: it lands in Starting Point's queue.

    With consent, the consent gate needs consent in force to share with
    Starting Point; a safeguarding referral goes without, saying why."""
    if family.area != AREA:
        raise RequestError("Only a Derbyshire family can be referred to Starting Point")
    closure.require_open(family, REFERRAL_CLOSED)
    override = None
    if new.consent_basis != "consent":
        override = consent.SafeguardingOverride(new.consent_basis, new.consent_detail)
    await consent.require_referral_consent(family.id, new.child_id, AGENCY, override)

    async def create() -> int:
        async with write_transaction(StartingPointRequest._meta.db):
            row = StartingPointRequest(
                family=family.id,
                referrer=user.id,
                referrer_agency=user.organisation,
                request_type=new.request_type,
                child=new.child_id,
                district=family.locality,
                details=new.details,
                assessment=new.assessment_id,
                assessment_version=new.assessment_version,
                consent_basis=new.consent_basis,
                consent_detail=new.consent_detail,
                submitted_at=now,
                idempotency_key=form_key or None,
            )
            await row.save()
            await teams.place(
                family.id, AREA, QUEUE, kind=KIND, record_id=row.id, roles=SP_ROLES, actor=user
            )
            await audit.record(
                "starting_point_request_sent",
                "success",
                actor=user,
                record_type="starting_point_request",
                record_id=row.id,
                family_id=family.id,
                consent_basis=new.consent_basis,
                assessment_version=new.assessment_version or "",
            )
            return int(row.id)

    return await once(StartingPointRequest, form_key, create)


async def tell_referrer(row: dict[str, Any], stage: str, message: str, now: datetime) -> None:
    """Notify the referrer (in the portal and by email) and, the first time,
    record when they were told: the 24-hour standard's second half."""
    made = await notify.notify(
        row["referrer"],
        "starting_point_outcome",
        "A request you sent to Starting Point has an outcome",
        f"/derbyshire/requests/{row['id']}",
        f"derbyshire:sp_request:{row['id']}:{stage}",
        family_id=row["family"],  # named in the portal, never in the email
        detail=f"Outcome: {message}",
    )
    values: dict[Any, Any] = {StartingPointRequest.outcome_message: message[:300]}
    if made and row["referrer_told_at"] is None:
        values[StartingPointRequest.referrer_told_at] = now
    await StartingPointRequest.update(values).where(StartingPointRequest.id == row["id"])


async def save(row: dict[str, Any], version: int, values: dict[str, Any]) -> dict[str, Any]:
    saved = await versioned_update(StartingPointRequest, row["id"], version, values)
    if not saved:
        raise StaleVersion(row)
    fresh = await request_row(row["id"])
    assert fresh is not None
    return fresh


async def eht_lead(family_id: int) -> str:
    """The name of the family's lead practitioner if they work in a district
    Early Help Team ("" if not): then Starting Point may not just advise."""
    family = await Family.objects().get(Family.id == family_id)
    if family is None or family.lead_practitioner is None:
        return ""
    lead_teams = await teams.teams_of(family.lead_practitioner, AREA)
    if not any(team.startswith("eht:") for team in lead_teams):
        return ""
    person = await PortalUser.objects().get(PortalUser.id == family.lead_practitioner)
    return person.display_name if person else ""
