"""What the family record page shows about the Team Around the Family: a
summary card, read with the page's other facts."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from portal.areas import CardFromFact, FamilyCard
from portal.db import Fact
from portal.families.tables import Family
from portal.hookspecs import hookimpl
from portal.taf.reviews import review_state
from portal.taf.service import OPEN_STATUSES, today_uk
from portal.taf.tables import TafMember

# Members, open and overdue actions and the latest meeting's agreed review
# (the latest meeting: the last held, the last recorded on a day).
CARD_FACT = """
SELECT jsonb_build_object(
    'members', (SELECT count(*) FROM taf_member WHERE family = {} AND removed_at IS NULL),
    'meeting_id', m.id, 'next_review_on', m.next_review_on,
    'open_actions', a.open_actions, 'overdue_actions', a.overdue_actions)
FROM (SELECT count(*) AS open_actions, count(*) FILTER (WHERE due_on < {}) AS overdue_actions
      FROM plan_action WHERE family = {} AND status = ANY({}::text[])) AS a
LEFT JOIN LATERAL (
    SELECT id, next_review_on FROM taf_meeting WHERE family = {}
    ORDER BY held_on DESC, id DESC LIMIT 1
) AS m ON true
"""


@hookimpl
def portal_family_card(family: Family) -> CardFromFact:
    today = today_uk()
    fid = family.id
    args = (fid, today, fid, list(OPEN_STATUSES), fid)
    fact = Fact(TafMember, CARD_FACT, args, lambda value: json.loads(value or "{}"))
    return CardFromFact(fact, lambda facts: card(facts, today))


async def card(facts: dict[str, Any], today: date) -> FamilyCard:
    """Members, open and overdue actions, and when the next review is due."""
    latest = None
    if facts["meeting_id"]:
        due = facts["next_review_on"]
        latest = {"next_review_on": date.fromisoformat(due) if due else None}
    context = {
        "members": facts["members"],
        "open_actions": facts["open_actions"],
        "overdue_actions": facts["overdue_actions"],
        **review_state(latest, today),
    }
    return FamilyCard("Team Around the Family", "taf/_family_card.html", context, "taf", 40)
