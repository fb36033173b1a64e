"""Derbyshire's card on a family's record page: the latest request to Starting
Point, where it is and, while it is open, when its 24-hour clock runs out; and
the way in (the record page has checked access)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from portal.plugin_api import CardFromFact, Fact, FamilyCard
from portal_derbyshire import common
from portal_derbyshire.clock import told_by
from portal_derbyshire.tables import StartingPointRequest

# The newest request (what the card shows of it) and how many, read with the
# record page's other facts: the card adds no statement.
CARD_FACT = """
SELECT jsonb_build_object(
    'latest', (SELECT jsonb_build_object('id', r.id, 'status', r.status,
                                         'referrer_told_at', r.referrer_told_at,
                                         'submitted_at', r.submitted_at,
                                         'initial_contact_at', r.initial_contact_at)
               FROM derbyshire_sp_request r WHERE r.family = {}
               ORDER BY r.submitted_at DESC, r.id DESC LIMIT 1),
    'requests', (SELECT count(*) FROM derbyshire_sp_request WHERE family = {}))
"""


def family_card(family_id: int) -> CardFromFact:
    args = (family_id, family_id)
    fact = Fact(StartingPointRequest, CARD_FACT, args, lambda value: json.loads(value or "{}"))
    return CardFromFact(fact, card)


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


async def card(found: dict[str, Any]) -> FamilyCard:
    latest = found["latest"]
    if latest:
        for key in ("referrer_told_at", "submitted_at", "initial_contact_at"):
            latest[key] = _moment(latest.get(key))
        # While open: when the screening decision (an Initial Contact) or the
        # answer to the referrer is due.
        latest["due_by"] = told_by(latest) if latest["status"] in common.OPEN_STATUSES else None
    return FamilyCard(
        title="Starting Point",
        template="derbyshire/_family_card.html",
        context={
            "latest": latest,
            "status": common.STATUSES.get(latest["status"], ("", ""))[0] if latest else "",
            "requests": found["requests"],
        },
    )
