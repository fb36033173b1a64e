"""The consultations card on a family's record page, read with the page's other facts."""

from __future__ import annotations

from typing import Any

from portal.areas import CardFromFact, FamilyCard
from portal.consultations.service import consultations_fact
from portal.families.tables import Family
from portal.hookspecs import hookimpl


@hookimpl
def portal_family_card(family: Family) -> CardFromFact:
    return CardFromFact(consultations_fact(family.id), card)


async def card(consultations: list[dict[str, Any]]) -> FamilyCard:
    """Every call to the advice line about the family, and the way to record one."""
    context = {"consultations": consultations}
    return FamilyCard(
        "Advice and consultations", "consultations/_family_card.html", context, "advice", 25
    )
