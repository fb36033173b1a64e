"""What the family record page shows about this capability (its card's context)."""

from __future__ import annotations

from typing import Any

from portal.auth.service import CurrentUser
from portal.families.tables import Family


async def card(family: Family, user: CurrentUser) -> dict[str, Any]:
    """Context for `templates/assessments/_family_card.html`, under keys this module owns."""
    return {}
