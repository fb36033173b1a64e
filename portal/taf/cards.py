"""What the family record page shows about the Team Around the Family: a
summary card (one statement)."""

from __future__ import annotations

from collections.abc import Awaitable

from portal.areas import FamilyCard
from portal.families.tables import Family
from portal.hookspecs import hookimpl
from portal.kernel.users import CurrentUser
from portal.taf.reviews import review_state
from portal.taf.service import OPEN_STATUSES, today_uk
from portal.taf.tables import TafMember


@hookimpl
def portal_family_card(family: Family, user: CurrentUser) -> Awaitable[FamilyCard]:
    return card(family)


# Members, open and overdue actions and the latest meeting's agreed review,
# in one statement (the latest meeting: the last held, the last recorded on a day).
CARD_FACTS = """
SELECT (SELECT count(*) FROM taf_member WHERE family = {} AND removed_at IS NULL) AS members,
       m.id AS meeting_id, m.next_review_on,
       (SELECT count(*) FROM plan_action
         WHERE family = {} AND status = ANY({})) AS open_actions,
       (SELECT count(*) FROM plan_action
         WHERE family = {} AND status = ANY({}) AND due_on < {}) AS overdue_actions
FROM (SELECT 1) AS one
LEFT JOIN LATERAL (
    SELECT id, next_review_on FROM taf_meeting WHERE family = {}
    ORDER BY held_on DESC, id DESC LIMIT 1
) AS m ON true
"""


async def card(family: Family) -> FamilyCard:
    """Members, open and overdue actions, and when the next review is due."""
    today = today_uk()
    statuses = list(OPEN_STATUSES)
    fid = family.id
    rows = await TafMember.raw(CARD_FACTS, fid, fid, statuses, fid, statuses, today, fid)
    facts = rows[0]
    latest = {"next_review_on": facts["next_review_on"]} if facts["meeting_id"] else None
    context = {
        "members": facts["members"],
        "open_actions": facts["open_actions"],
        "overdue_actions": facts["overdue_actions"],
        **review_state(latest, today),
    }
    return FamilyCard("Team Around the Family", "taf/_family_card.html", context, "taf", 40)
