"""What the family record page shows about this capability (its card's context)."""

from __future__ import annotations

from collections.abc import Awaitable

from portal.areas import FamilyCard
from portal.closure import service
from portal.families.tables import Family
from portal.hookspecs import hookimpl
from portal.kernel.users import CurrentUser


@hookimpl
def portal_family_card(family: Family, user: CurrentUser) -> Awaitable[FamilyCard]:
    return card(family, user)


async def card(family: Family, user: CurrentUser) -> FamilyCard:
    """Whether early help is open or closed, and every closure and reopening."""
    history = await service.history(family.id)
    latest = history[0] if history else None
    current = latest if family.status == "closed" and latest and not latest["reopened_at"] else None
    context = {
        "current": current,
        "history": history,
        "can_close": service.may_close(user, family),
        "reasons": service.REASONS,
    }
    return FamilyCard("Closure", "closure/_family_card.html", context, "closure", 90)
