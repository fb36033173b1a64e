"""The practice cards on a family's record page, one per capability."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

from portal.areas import FamilyCard
from portal.assessments.cards import card as assessment_card
from portal.closure.cards import card as closure_card
from portal.escalation.cards import card as escalation_card
from portal.kernel.users import CurrentUser
from portal.plugins import call_for_area
from portal.taf.cards import card as taf_card

if TYPE_CHECKING:
    from portal.families.tables import Family

CARDS = (escalation_card, assessment_card, taf_card, closure_card)


async def practice_cards(family: Family, user: CurrentUser) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for card in CARDS:
        context.update(await card(family, user))
    return context


async def area_card(
    manager: pluggy.PluginManager, family: Family, user: CurrentUser
) -> FamilyCard | None:
    """The family's own area's card (Derby's VCM requests, Starting Point's referrals)."""
    pending = call_for_area(
        manager, family.area, "portal_family_card", family_id=family.id, user=user
    )
    return await pending if pending is not None else None
