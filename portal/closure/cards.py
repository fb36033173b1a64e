"""What the family record page shows about this capability (its card's context)."""

from __future__ import annotations

from typing import Any

from portal.closure import service
from portal.families.tables import Family
from portal.kernel.users import CurrentUser


async def card(family: Family, user: CurrentUser) -> dict[str, Any]:
    """Context for `templates/closure/_family_card.html`, under keys this module owns."""
    history = await service.history(family.id)
    latest = history[0] if history else None
    current = latest if family.status == "closed" and latest and not latest["reopened_at"] else None
    return {
        "closure": {
            "current": current,
            "history": history,
            "can_close": service.may_close(user, family),
            "reasons": service.REASONS,
        }
    }
