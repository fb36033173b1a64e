"""What the family record page shows about the Team Around the Family: a
summary card (three queries)."""

from __future__ import annotations

from collections.abc import Awaitable

from portal.areas import FamilyCard
from portal.families.tables import Family
from portal.hookspecs import hookimpl
from portal.kernel.users import CurrentUser
from portal.taf.reviews import latest_meeting, review_state
from portal.taf.service import OPEN_STATUSES, today_uk
from portal.taf.tables import PlanAction, TafMember


@hookimpl
def portal_family_card(family: Family, user: CurrentUser) -> Awaitable[FamilyCard]:
    return card(family)


async def card(family: Family) -> FamilyCard:
    """Members, open and overdue actions, and when the next review is due."""
    today = today_uk()
    members = await TafMember.count().where(
        (TafMember.family == family.id) & TafMember.removed_at.is_null()
    )
    actions = await PlanAction.select(PlanAction.due_on).where(
        (PlanAction.family == family.id) & PlanAction.status.is_in(list(OPEN_STATUSES))
    )
    review = review_state(await latest_meeting(family.id), today)
    context = {
        "members": members,
        "open_actions": len(actions),
        "overdue_actions": sum(1 for a in actions if a["due_on"] < today),
        **review,
    }
    return FamilyCard("Team Around the Family", "taf/_family_card.html", context, "taf", 40)
