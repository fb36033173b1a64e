"""What the family record page shows about the family's assessments."""

from __future__ import annotations

from datetime import date
from typing import Any

from portal.assessments.service import assessments_of, due_for_families
from portal.families.tables import Family
from portal.kernel.users import CurrentUser


async def card(family: Family, user: CurrentUser) -> dict[str, Any]:
    """Context for `templates/assessments/_family_card.html`."""
    assessments = await assessments_of(family.id)
    due = (await due_for_families([family.id], date.today())).get(family.id)
    days_left = {due["assessment_id"]: due["days_left"]} if due else {}
    return {
        "assessments": assessments,
        "assessment_days_left": days_left,
        "can_start_assessment": family.status == "open"
        and not any(a["status"] == "in_progress" for a in assessments),
    }
