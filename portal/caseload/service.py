"""A practitioner's caseload: their families, with what is due and overdue.

Families come from every relationship that puts them on someone's desk
(leading, having recorded it, sitting in its Team Around the Family); what
is due comes from the assessment and TAF services in a fixed number of
queries, however many families there are.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from portal.assessments.service import due_of
from portal.assessments.tables import Assessment
from portal.db import rows_from_json
from portal.families.tables import Family
from portal.kernel.users import CurrentUser
from portal.taf.reviews import review_state
from portal.taf.service import OPEN_STATUSES

SOON_WORKING_DAYS = 5
SORTS = {"due": "What is due first", "name": "Child's name", "updated": "Recently changed"}
SHOWS = {
    "all": "All open families",
    "overdue": "Overdue",
    "due_soon": "Due in the next 5 working days",
    "lead": "I am the lead practitioner",
    "drift": "Drifting: no progress, goals changing or review overdue",
}
# Issue 19: the procedures' "drift and delay must be avoided", made visible.
STALLED = "No goal has moved on the scaling question over the last two reviews"
REVIEW_OVERDUE = "The review is overdue"
GOALS_CHANGING_AT = 2  # reviews at which goals were changed or replaced
MAX_FAMILIES = 500


@dataclass(frozen=True)
class Filters:
    show: str = "all"
    sort: str = "due"

    @classmethod
    def parse(cls, show: str | None, sort: str | None) -> Filters:
        return cls(show if show in SHOWS else "all", sort if sort in SORTS else "due")


# Drift (issue 19), for the family ``f``: whether no goal's score rose over
# the last two reviews (the newest scored meeting against the one two before
# it, both newer ones reviews), and how many reviews saw goals changed or
# replaced. Joined by the caseload and by the managers' list.
DRIFT_JOIN = """LEFT JOIN LATERAL (
    WITH scored AS (
        SELECT m.id, m.kind, row_number() OVER (ORDER BY m.held_on DESC, m.id DESC) AS n
        FROM taf_meeting m
        WHERE m.family = f.id AND EXISTS (SELECT 1 FROM family_goal_score s WHERE s.meeting = m.id)
    ), reviews AS (
        SELECT m.kind, m.recorded_at,
               lag(m.recorded_at) OVER (ORDER BY m.held_on, m.id) AS since
        FROM taf_meeting m WHERE m.family = f.id
    )
    SELECT
        (SELECT count(*) FILTER (WHERE n <= 2 AND kind = 'review') = 2 AND count(*) >= 3
                AND NOT EXISTS (
                    SELECT 1 FROM family_goal_score latest
                    JOIN family_goal_score base ON base.goal = latest.goal
                    WHERE latest.meeting = (SELECT id FROM scored WHERE n = 1)
                      AND base.meeting = (SELECT id FROM scored WHERE n = 3)
                      AND latest.score > base.score)
         FROM scored) AS scores_stalled,
        (SELECT count(*) FROM reviews r WHERE r.kind = 'review' AND r.since IS NOT NULL AND EXISTS (
            SELECT 1 FROM family_goal g
            LEFT JOIN family_goal_change c ON c.goal = g.id
            WHERE g.family = f.id
              AND ((c.changed_at > r.since AND c.changed_at <= r.recorded_at)
                   OR (g.archived_at > r.since AND g.archived_at <= r.recorded_at)))
        ) AS reviews_with_goal_changes
) drift ON true
"""


# The caseload in one statement: the families on this user's desk (each
# relationship by its own index, a UNION: one query ORing them had PostgreSQL
# scan every family of the area, ~27 ms at 200,000), each with its children's
# names, open assessments, latest TAF review date and this user's open actions.
# A read model across capabilities' tables: their rules (due dates, overdue)
# stay in their services, applied to these rows.
CASELOAD_SQL = """
WITH mine AS (
    SELECT id FROM family WHERE lead_practitioner = {}
    UNION SELECT id FROM family WHERE created_by = {}
    UNION SELECT family FROM taf_member WHERE "user" = {} AND removed_at IS NULL
), families AS (
    SELECT f.id, f.lead_practitioner, f.created_by, f.updated_at, f.statutory_lead
    FROM family f JOIN mine USING (id)
    WHERE f.area = ANY({}::text[]) AND f.status = 'open'
      -- restricted records stay only with their lead practitioner
      AND (f.lead_practitioner = {} OR NOT f.restricted)
    ORDER BY f.updated_at DESC
    LIMIT {}
)
SELECT f.*,
    (SELECT jsonb_agg(p.given_names || ' ' || p.family_name ORDER BY p.id)
     FROM person p WHERE p.family = f.id AND p.role = 'child') AS children,
    (SELECT jsonb_agg(to_jsonb(a) ORDER BY a.id)
     FROM (SELECT id, family, due_on, frozen_versions, started_by FROM assessment
           WHERE family = f.id AND status = 'in_progress') a) AS assessments,
    (SELECT m.next_review_on FROM taf_meeting m WHERE m.family = f.id
     ORDER BY m.held_on DESC, m.id DESC LIMIT 1) AS next_review_on,
    actions.*, drift.*
FROM families f
{DRIFT}LEFT JOIN LATERAL (
    SELECT count(*) AS my_open_actions,
           count(*) FILTER (WHERE pa.due_on < {}) AS my_overdue_actions,
           min(pa.due_on) AS my_next_action_due
    FROM plan_action pa JOIN taf_member owner ON owner.id = pa.owner
    WHERE pa.family = f.id AND pa.status = ANY({}::text[])
      AND owner."user" = {} AND owner.removed_at IS NULL
) actions ON true
ORDER BY f.updated_at DESC
""".replace("{DRIFT}", DRIFT_JOIN)


async def caseload_rows(user: CurrentUser, today: date) -> list[dict[str, Any]]:
    """The open families on this user's desk, newest change first, in one statement."""
    rows: list[dict[str, Any]] = await Family.raw(
        CASELOAD_SQL,
        user.id,
        user.id,
        user.id,
        list(user.areas) or [""],
        user.id,
        MAX_FAMILIES,
        today,
        list(OPEN_STATUSES),
        user.id,
    )
    return rows


# The open families the given practitioners lead in an area, with what drift
# needs, for the managers' list. Restricted records stay with their lead.
LED_DRIFT_SQL = """
SELECT f.id, f.lead_practitioner,
    (SELECT jsonb_agg(p.given_names || ' ' || p.family_name ORDER BY p.id)
     FROM person p WHERE p.family = f.id AND p.role = 'child') AS children,
    (SELECT m.next_review_on FROM taf_meeting m WHERE m.family = f.id
     ORDER BY m.held_on DESC, m.id DESC LIMIT 1) AS next_review_on,
    drift.*
FROM family f
{DRIFT}
WHERE f.area = {} AND f.status = 'open' AND NOT f.restricted
  AND f.lead_practitioner = ANY({}::integer[])
ORDER BY f.id
""".replace("{DRIFT}", DRIFT_JOIN)


async def drifting_led_by(area: str, lead_ids: list[int], today: date) -> list[dict[str, Any]]:
    """The open families these practitioners lead that may be drifting, each
    with its reasons (``drift``), in one statement."""
    if not lead_ids:
        return []
    rows = await Family.raw(LED_DRIFT_SQL, area, lead_ids)
    found = []
    for row in rows:
        taf = {
            **review_state(row, today),
            "scores_stalled": bool(row["scores_stalled"]),
            "reviews_with_goal_changes": row["reviews_with_goal_changes"],
        }
        reasons = drift_reasons({"taf": taf})
        if reasons:
            children = json.loads(row["children"]) if row["children"] else []
            found.append({**row, "children": children, "drift": reasons})
    return found


def drift_reasons(row: dict[str, Any]) -> list[str]:
    """Why an episode may be drifting, in plain words (none when it is not)."""
    taf = row.get("taf") or {}
    reasons = []
    if taf.get("review_overdue"):
        reasons.append(REVIEW_OVERDUE)
    if taf.get("scores_stalled"):
        reasons.append(STALLED)
    changed = taf.get("reviews_with_goal_changes") or 0
    if changed >= GOALS_CHANGING_AT:
        reasons.append(f"Goals were changed or replaced at {changed} reviews")
    return reasons


def _item(row: dict[str, Any], user: CurrentUser, today: date) -> dict[str, Any]:
    """One caseload row with its next thing due and what is overdue."""
    assessment = row.get("assessment") or {}
    taf = row.get("taf") or {}
    dues: list[tuple[date, str]] = []
    overdue: list[str] = []
    if assessment.get("due_on"):
        dues.append((assessment["due_on"], "Assessment"))
        if assessment["days_left"] < 0:
            overdue.append("assessment")
    if taf.get("next_review_on"):
        dues.append((taf["next_review_on"], "Review"))
        if taf.get("review_overdue"):
            overdue.append("review")
    if taf.get("my_next_action_due"):
        dues.append((taf["my_next_action_due"], "Your action"))
    if taf.get("my_overdue_actions"):
        overdue.append("actions")
    next_due = min(dues) if dues else None
    return {
        **row,
        "drift": drift_reasons(row),
        "is_lead": row["lead_practitioner"] == user.id,
        "next_due_on": next_due[0] if next_due else None,
        "next_due_what": next_due[1] if next_due else "",
        "overdue": overdue,
    }


async def caseload(user: CurrentUser, filters: Filters, today: date) -> list[dict[str, Any]]:
    rows = await caseload_rows(user, today)
    assessments = await due_of(
        [a for r in rows for a in rows_from_json(Assessment, r["assessments"])], today
    )
    items = []
    for row in rows:
        taf = {
            **review_state(row, today),
            "my_open_actions": row["my_open_actions"],
            "my_overdue_actions": row["my_overdue_actions"],
            "my_next_action_due": row["my_next_action_due"],
            "scores_stalled": bool(row["scores_stalled"]),
            "reviews_with_goal_changes": row["reviews_with_goal_changes"],
        }
        family = {
            "id": row["id"],
            "lead_practitioner": row["lead_practitioner"],
            "created_by": row["created_by"],
            "updated_at": row["updated_at"],
            "statutory_lead": row["statutory_lead"],
            "children": json.loads(row["children"]) if row["children"] else [],
            "assessment": assessments.get(row["id"]),
            "taf": taf,
        }
        items.append(_item(family, user, today))
    if filters.show == "overdue":
        items = [i for i in items if i["overdue"]]
    elif filters.show == "due_soon":
        items = [
            i
            for i in items
            if i["overdue"]
            or (
                i["assessment"]
                and i["assessment"]["days_left"] is not None
                and i["assessment"]["days_left"] <= SOON_WORKING_DAYS
            )
            or (i["next_due_on"] is not None and (i["next_due_on"] - today).days <= 7)
        ]
    elif filters.show == "lead":
        items = [i for i in items if i["is_lead"]]
    elif filters.show == "drift":
        items = [i for i in items if i["drift"]]
    if filters.sort == "name":
        items.sort(key=lambda i: (i["children"] or ["~"])[0].lower())
    elif filters.sort == "due":
        items.sort(key=lambda i: (not i["overdue"], i["next_due_on"] or date.max))
    return items
