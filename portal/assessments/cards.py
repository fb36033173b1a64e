"""What the family record page shows about the family's assessments."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import date

from portal.areas import FamilyCard
from portal.assessments.service import assessments_of, due_of
from portal.families.tables import Family
from portal.hookspecs import hookimpl
from portal.kernel.users import CurrentUser


@hookimpl
def portal_family_card(family: Family, user: CurrentUser) -> Awaitable[FamilyCard]:
    return card(family)


async def card(family: Family) -> FamilyCard:
    """The assessments, the one in progress's working days left, and whether one may start."""
    assessments = await assessments_of(family.id)
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
