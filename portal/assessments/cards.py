"""What the family record page shows about the family's assessments."""

from __future__ import annotations

from datetime import date
from typing import Any

from portal.assessments.service import assessments_of
from portal.auth.service import CurrentUser
from portal.families.tables import Family
from portal.workdays.service import closed_days, working_days_between


async def card(family: Family, user: CurrentUser) -> dict[str, Any]:
    """Context for `templates/assessments/_family_card.html`."""
    assessments = await assessments_of(family.id)
    today = date.today()
    open_dues = [a["due_on"] for a in assessments if a["status"] == "in_progress"]
    days_left: dict[int, int] = {}
    if open_dues:
        closed = await closed_days(min([today, *open_dues]), max([today, *open_dues]))
        days_left = {
            a["id"]: working_days_between(today, a["due_on"], closed)
            for a in assessments
            if a["status"] == "in_progress"
        }
    return {
        "assessments": assessments,
        "assessment_days_left": days_left,
        "can_start_assessment": family.status == "open"
        and not any(a["status"] == "in_progress" for a in assessments),
    }
