"""What the family record page shows about closure (its card's context),
read with the page's other facts."""

from __future__ import annotations

from typing import Any

from portal.areas import CardFromFact, FamilyCard
from portal.closure import service
from portal.families.tables import Family
from portal.hookspecs import hookimpl
from portal.kernel.users import CurrentUser


@hookimpl
def portal_family_card(family: Family, user: CurrentUser) -> CardFromFact:
    return CardFromFact(
        service.history_fact(family.id), lambda history: card(family, user, history)
    )


async def card(family: Family, user: CurrentUser, history: list[dict[str, Any]]) -> FamilyCard:
    """Whether early help is open or closed, and every closure and reopening."""
    latest = history[0] if history else None
    current = latest if family.status == "closed" and latest and not latest["reopened_at"] else None
    context = {
        "current": current,
        "history": history,
        "can_close": service.may_close(user, family),
        "reasons": service.REASONS,
    }
    return FamilyCard("Closure", "closure/_family_card.html", context, "closure", 90)
