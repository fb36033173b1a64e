"""What the family record page shows about Children's Social Care (its
card's context), read with the page's other facts."""

from __future__ import annotations

from typing import Any

from portal.areas import CardFromFact, FamilyCard
from portal.escalation import service
from portal.families.tables import Family
from portal.hookspecs import hookimpl


@hookimpl
def portal_family_card(family: Family, reason: str) -> CardFromFact:
    return CardFromFact(service.history_fact(family.id), lambda found: card(family, reason, found))


async def card(family: Family, reason: str, found: service.History) -> FamilyCard:
    """The significant-harm banner, who leads while a statutory service does, and the history."""
    referrals, step_downs = found
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
    events: list[dict[str, Any]] = [
        {**r, "kind": "referral", "at": r["referred_at"]} for r in referrals
    ] + [{**s, "kind": "step_down", "at": s["recorded_at"]} for s in step_downs]
    events.sort(key=lambda e: e["at"], reverse=True)
    context = {
        "statutory_lead": family.statutory_lead,
        "since": since,
        "history": events,
        "can_step_down": reason in service.MAY_RECORD_STEP_DOWN,
    }
    return FamilyCard(
        "Children's Social Care",
        "escalation/_family_card.html",
        context,
        "social-care",
        0,
        banner=True,
    )
