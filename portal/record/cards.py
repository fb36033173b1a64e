"""The cards on a family's record page: one registry, the `portal_family_card`
hook, that the core's capabilities and the family's own area fill alike."""

from __future__ import annotations

from collections.abc import Mapping
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pluggy

from portal.areas import CardFromFact, FamilyCard
from portal.assessments import cards as assessment_cards
from portal.closure import cards as closure_cards
from portal.consultations import cards as consultation_cards
from portal.db import Fact, fetch_facts
from portal.escalation import cards as escalation_cards
from portal.kernel.users import CurrentUser
from portal.plugins import area_hook
from portal.taf import cards as taf_cards

if TYPE_CHECKING:
    from portal.families.tables import Family

CORE_CARDS: tuple[ModuleType, ...] = (
    escalation_cards,
    consultation_cards,
    assessment_cards,
    taf_cards,
    closure_cards,
)


def register_core_cards(manager: pluggy.PluginManager) -> None:
    """The core's own cards join the registry as plugins that are no area, so
    they answer for every family, and hook wrappers see them as any other."""
    for module in CORE_CARDS:
        manager.register(module, name=f"core:{module.__name__}")


async def record_cards(
    manager: pluggy.PluginManager,
    family: Family,
    user: CurrentUser,
    reason: str,
    page_facts: Mapping[str, Fact],
) -> tuple[list[FamilyCard], dict[str, Any]]:
    """Every card for the family, in page order (the core's and its own area's;
    another area's plugin is never asked about this family), and the page's
    own facts: the cards' facts and the page's are read in one statement."""
    answers = area_hook(manager, family.area, "portal_family_card")(
        family=family, user=user, reason=reason
    )
    from_facts = [a for a in answers if isinstance(a, CardFromFact)]
    card_facts = {f"card_{n}": each.fact for n, each in enumerate(from_facts)}
    found = await fetch_facts({**page_facts, **card_facts})
    cards = [
        await each.build(found[name]) for name, each in zip(card_facts, from_facts, strict=True)
    ]
    cards += [await a for a in answers if a is not None and not isinstance(a, CardFromFact)]
    shown = sorted((card for card in cards if card is not None), key=lambda card: card.order)
    return shown, {name: found[name] for name in page_facts}
