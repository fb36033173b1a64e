"""Derbyshire's card on a family's record page: the latest request to Starting
Point and where it is, and the way in (the record page has checked access)."""

from __future__ import annotations

from portal.plugin_api import FamilyCard
from portal_derbyshire import common, requests


async def family_card(family_id: int) -> FamilyCard:
    sent = await requests.requests_for_family(family_id)
    latest = sent[0] if sent else None
    return FamilyCard(
        title="Starting Point",
        template="derbyshire/_family_card.html",
        context={
            "latest": latest,
            "status": common.STATUSES.get(latest["status"], ("", ""))[0] if latest else "",
            "requests": len(sent),
        },
    )
