"""The consultations card on a family's record page."""

from __future__ import annotations

from collections.abc import Awaitable

from portal.areas import FamilyCard
from portal.consultations.service import consultations_of
from portal.families.tables import Family
from portal.hookspecs import hookimpl
from portal.kernel.users import CurrentUser


@hookimpl
def portal_family_card(family: Family, user: CurrentUser) -> Awaitable[FamilyCard]:
    return card(family)


async def card(family: Family) -> FamilyCard:
    """Every call to the advice line about the family, and the way to record one."""
    context = {"consultations": await consultations_of(family.id)}
    return FamilyCard(
        "Advice and consultations", "consultations/_family_card.html", context, "advice", 25
    )
