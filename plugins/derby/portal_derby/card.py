"""Derby's card on a family's record page: where any VCM request is, and the way in."""

from __future__ import annotations

import json
from typing import Any

from portal.plugin_api import CardFromFact, Fact, FamilyCard, row_from_json
from portal_derby import submissions
from portal_derby.tables import DerbyVcmSubmission

# The newest submission and how many pre-assessments, read with the record
# page's other facts (the plugin contract allows a card one statement; this
# one adds none).
CARD_FACT = """
SELECT jsonb_build_object(
    'latest', (SELECT to_jsonb(s) FROM derby_vcm_submission s
               WHERE s.family = {} ORDER BY s.id DESC LIMIT 1),
    'pre_assessments', (SELECT count(*) FROM derby_pre_assessment WHERE family = {}))
"""


def family_card(family_id: int) -> CardFromFact:
    args = (family_id, family_id)
    fact = Fact(DerbyVcmSubmission, CARD_FACT, args, lambda value: json.loads(value or "{}"))
    return CardFromFact(fact, card)


async def card(found: dict[str, Any]) -> FamilyCard:
    latest = row_from_json(DerbyVcmSubmission, found["latest"]) if found["latest"] else None
    return FamilyCard(
        title="Early help in Derby",
        template="derby/_family_card.html",
        context={
            "latest": latest,
            "where": submissions.where_it_is(latest) if latest else "",
            "pre_assessments": found["pre_assessments"],
        },
    )
