"""What the family record page shows about this capability (its card's context)."""

from __future__ import annotations

from typing import Any

from portal.access.service import relationship
from portal.escalation import service
from portal.families.tables import Family
from portal.kernel.users import CurrentUser


async def card(family: Family, user: CurrentUser) -> dict[str, Any]:
    """Context for `templates/escalation/_family_card.html`, under keys this module owns."""
    referrals = await service.referrals_of(family.id)
    since = None
    if family.statutory_lead:
        since = next(
            (
                r["referred_at"]
                for r in referrals
                if service.statutory_lead_for(r["destination"]) == family.statutory_lead
            ),
            None,
        )
    events = [{**r, "kind": "referral", "at": r["referred_at"]} for r in referrals] + [
        {**s, "kind": "step_down", "at": s["recorded_at"]}
        for s in await service.step_downs_of(family.id)
    ]
    events.sort(key=lambda e: e["at"], reverse=True)
    return {
        "escalation": {
            "statutory_lead": family.statutory_lead,
            "since": since,
            "history": events,
            "can_step_down": await relationship(user, family) in service.MAY_RECORD_STEP_DOWN,
        }
    }
