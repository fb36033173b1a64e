"""Derby's card on a family's record page: where any VCM request is, and the way in."""

from __future__ import annotations

import json

from portal.plugin_api import FamilyCard, row_from_json
from portal_derby import submissions
from portal_derby.tables import DerbyVcmSubmission

# The newest submission and how many pre-assessments: one statement (the
# plugin contract allows a card one).
CARD_SQL = """
SELECT (SELECT to_jsonb(s) FROM derby_vcm_submission s
        WHERE s.family = {} ORDER BY s.id DESC LIMIT 1) AS latest,
       (SELECT count(*) FROM derby_pre_assessment WHERE family = {}) AS pre_assessments
"""


async def family_card(family_id: int) -> FamilyCard:
    (row,) = await DerbyVcmSubmission.raw(CARD_SQL, family_id, family_id)
    latest = row_from_json(DerbyVcmSubmission, json.loads(row["latest"])) if row["latest"] else None
    return FamilyCard(
        title="Early help in Derby",
        template="derby/_family_card.html",
        context={
            "latest": latest,
            "where": submissions.where_it_is(latest) if latest else "",
            "pre_assessments": row["pre_assessments"],
        },
    )
