"""Derby's card on a family's record page: where any VCM request is, and the way in."""

from __future__ import annotations

from portal.plugin_api import FamilyCard
from portal_derby import pre_assessments, submissions


async def family_card(family_id: int) -> FamilyCard:
    rows = await submissions.submissions_of(family_id)
    latest = rows[0] if rows else None
    return FamilyCard(
        title="Early help in Derby",
        template="derby/_family_card.html",
        context={
            "latest": latest,
            "where": submissions.where_it_is(latest) if latest else "",
            "pre_assessments": len(await pre_assessments.pre_assessments_of(family_id)),
        },
    )
