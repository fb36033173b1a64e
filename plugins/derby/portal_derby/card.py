"""Derby's card on a family's record page: where any VCM request is, and the way in."""

from __future__ import annotations

from portal.plugin_api import CurrentUser, FamilyCard
from portal_derby import service


async def family_card(family_id: int, user: CurrentUser) -> FamilyCard:
    submissions = await service.submissions_of(family_id)
    latest = submissions[0] if submissions else None
    return FamilyCard(
        title="Early help in Derby",
        template="derby/_family_card.html",
        context={
            "latest": latest,
            "where": service.where_it_is(latest) if latest else "",
            "pre_assessments": len(await service.pre_assessments_of(family_id)),
        },
    )
