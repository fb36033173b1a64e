"""What the family record page shows about this capability (its card's context)."""

from __future__ import annotations

from collections.abc import Awaitable

from portal.access.service import relationship
from portal.areas import FamilyCard
from portal.escalation import service
from portal.families.tables import Family
from portal.hookspecs import hookimpl
from portal.kernel.users import CurrentUser


@hookimpl
def portal_family_card(family: Family, user: CurrentUser) -> Awaitable[FamilyCard]:
    return card(family, user)


async def card(family: Family, user: CurrentUser) -> FamilyCard:
    """The significant-harm banner, who leads while a statutory service does, and the history."""
    referrals, step_downs = await service.history_of(family.id)
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
        {**s, "kind": "step_down", "at": s["recorded_at"]} for s in step_downs
    ]
    events.sort(key=lambda e: e["at"], reverse=True)
    context = {
        "statutory_lead": family.statutory_lead,
        "since": since,
        "history": events,
        "can_step_down": await relationship(user, family) in service.MAY_RECORD_STEP_DOWN,
    }
    return FamilyCard(
        "Children's Social Care",
        "escalation/_family_card.html",
        context,
        "social-care",
        0,
        banner=True,
    )
