"""What the family record page shows about the Team Around the Family: a
summary card (three queries)."""

from __future__ import annotations

from typing import Any

from portal.families.tables import Family
from portal.kernel.users import CurrentUser
from portal.taf.service import OPEN_STATUSES, latest_meeting, review_state, today_uk
from portal.taf.tables import PlanAction, TafMember


async def card(family: Family, user: CurrentUser) -> dict[str, Any]:
    """Context for `templates/taf/_family_card.html`, under keys this module owns."""
    today = today_uk()
    members = await TafMember.count().where(
        (TafMember.family == family.id) & TafMember.removed_at.is_null()
    )
    actions = await PlanAction.select(PlanAction.due_on).where(
        (PlanAction.family == family.id) & PlanAction.status.is_in(list(OPEN_STATUSES))
    )
    review = review_state(await latest_meeting(family.id), today)
    return {
        "taf_card": {
            "members": members,
            "open_actions": len(actions),
            "overdue_actions": sum(1 for a in actions if a["due_on"] < today),
            **review,
        }
    }
