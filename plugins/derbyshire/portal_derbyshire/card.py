"""Derbyshire's card on a family's record page: the latest request to Starting
Point and where it is, and the way in (the record page has checked access)."""

from __future__ import annotations

from portal.plugin_api import CurrentUser, FamilyCard
from portal_derbyshire import service


async def family_card(family_id: int, user: CurrentUser) -> FamilyCard:
    requests = await service.requests_for_family(family_id)
    latest = requests[0] if requests else None
    return FamilyCard(
        title="Starting Point",
        template="derbyshire/_family_card.html",
        context={
            "latest": latest,
            "status": service.STATUSES.get(latest["status"], ("", ""))[0] if latest else "",
            "requests": len(requests),
            "consultations": len(await service.consultations_of(family_id)),
        },
    )
