"""What the family record page shows about the family's assessments, read
with the page's other facts."""

from __future__ import annotations

from datetime import date
from typing import Any

from portal.areas import CardFromFact, FamilyCard
from portal.assessments.service import assessments_fact, due_of
from portal.families.tables import Family
from portal.hookspecs import hookimpl


@hookimpl
def portal_family_card(family: Family) -> CardFromFact:
    return CardFromFact(assessments_fact(family.id), lambda assessments: card(family, assessments))


async def card(family: Family, assessments: list[dict[str, Any]]) -> FamilyCard:
    """The assessments, the one in progress's working days left, and whether one may start."""
    due = (await due_of(assessments, date.today())).get(family.id)
    days_left = {due["assessment_id"]: due["days_left"]} if due else {}
    context = {
        "assessments": assessments,
        "days_left": days_left,
        "can_start": family.status == "open"
        and not any(a["status"] == "in_progress" for a in assessments),
    }
    return FamilyCard(
        "Early Help Assessment", "assessments/_family_card.html", context, "assessment", 30
    )
