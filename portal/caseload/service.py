"""A practitioner's caseload: their families, with what is due and overdue.

Families come from every relationship that puts them on someone's desk
(leading, having recorded it, sitting in its Team Around the Family); what
is due comes from the assessment and TAF services in a fixed number of
queries, however many families there are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from portal.assessments.service import due_for_families as assessments_due
from portal.families.service import with_children
from portal.families.tables import Family
from portal.kernel.users import CurrentUser
from portal.taf.reviews import due_for_families as taf_due

SOON_WORKING_DAYS = 5
SORTS = {"due": "What is due first", "name": "Child's name", "updated": "Recently changed"}
SHOWS = {
    "all": "All open families",
    "overdue": "Overdue",
    "due_soon": "Due in the next 5 working days",
    "lead": "I am the lead practitioner",
}
MAX_FAMILIES = 500


@dataclass(frozen=True)
class Filters:
    show: str = "all"
    sort: str = "due"

    @classmethod
    def parse(cls, show: str | None, sort: str | None) -> Filters:
        return cls(show if show in SHOWS else "all", sort if sort in SORTS else "due")


MY_FAMILY_IDS = """
SELECT id FROM family WHERE lead_practitioner = {}
UNION SELECT id FROM family WHERE created_by = {}
UNION SELECT family FROM taf_member WHERE "user" = {} AND removed_at IS NULL
"""


async def my_family_rows(user: CurrentUser) -> list[dict[str, Any]]:
    """Open families this user leads, recorded (unless restricted) or is a TAF member of."""
    # Each relationship is looked up by its own index (a UNION, one statement):
    # one query ORing them had PostgreSQL scan every family of the area
    # (~27 ms at 200,000).
    rows = await Family.raw(MY_FAMILY_IDS, user.id, user.id, user.id)
    ids = sorted({r["id"] for r in rows})
    if not ids:
        return []
    return await (
        Family.select(
            Family.id,
            Family.lead_practitioner,
            Family.created_by,
            Family.updated_at,
            Family.statutory_lead,
        )
        .where(
            Family.id.is_in(ids)
            & Family.area.is_in(list(user.areas) or [""])
            & (Family.status == "open")
            # Restricted records stay only with their lead practitioner.
            & ((Family.lead_practitioner == user.id) | (Family.restricted == False))  # noqa: E712
        )
        .order_by(Family.updated_at, ascending=False)
        .limit(MAX_FAMILIES)
    )


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
        "is_lead": row["lead_practitioner"] == user.id,
        "next_due_on": next_due[0] if next_due else None,
        "next_due_what": next_due[1] if next_due else "",
        "overdue": overdue,
    }


async def caseload(user: CurrentUser, filters: Filters, today: date) -> list[dict[str, Any]]:
    rows = await with_children(await my_family_rows(user), lambda r: r["id"])
    ids = [r["id"] for r in rows]
    assessments = await assessments_due(ids, today)
    tafs = await taf_due(ids, user.id, today)
    items = [
        _item({**r, "assessment": assessments.get(r["id"]), "taf": tafs.get(r["id"])}, user, today)
        for r in rows
    ]
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
    if filters.sort == "name":
        items.sort(key=lambda i: (i["children"] or ["~"])[0].lower())
    elif filters.sort == "due":
        items.sort(key=lambda i: (not i["overdue"], i["next_due_on"] or date.max))
    return items
