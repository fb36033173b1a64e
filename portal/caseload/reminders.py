"""Scheduled reminders, queued by the worker: an assessment due within 2
working days (to whoever started it), and a review due within 3 working days
(to the family's lead practitioner). Two queries find every one; the dedupe
keys make running this any number of times queue each reminder once."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from portal.assessments.tables import Assessment
from portal.notify.service import Note, notify_many
from portal.taf.tables import TafMeeting
from portal.workdays.service import add_working_days, closed_days

ASSESSMENT_WARNING_DAYS = 2
REVIEW_WARNING_DAYS = 3

# The review date agreed at each open family's latest meeting, if it falls in the window.
REVIEWS_DUE = """
SELECT m.id AS meeting, m.family AS family, m.next_review_on AS due_on,
       f.lead_practitioner AS lead
FROM taf_meeting m
JOIN family f ON f.id = m.family
WHERE f.status = 'open'
  AND f.lead_practitioner IS NOT NULL
  AND m.next_review_on >= {} AND m.next_review_on <= {}
  AND NOT EXISTS (
      SELECT 1 FROM taf_meeting later
      WHERE later.family = m.family
        AND (later.held_on > m.held_on OR (later.held_on = m.held_on AND later.id > m.id))
  )
"""


def _day(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _show(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


async def assessments_due(today: date, by: date) -> list[dict[str, Any]]:
    return await Assessment.select(
        Assessment.id, Assessment.family, Assessment.started_by, Assessment.due_on
    ).where(
        (Assessment.status == "in_progress")
        & (Assessment.due_on >= today)
        & (Assessment.due_on <= by)
        & (Assessment.family.status == "open")
    )


async def reviews_due(today: date, by: date) -> list[dict[str, Any]]:
    return list(await TafMeeting.raw(REVIEWS_DUE, today, by))


async def queue_due_reminders(today: date) -> int:
    """Queue every reminder due today that has not been queued; returns how many were new."""
    closed = await closed_days(today, today + timedelta(days=31))
    notes = [
        Note(
            recipient_id=row["started_by"],
            kind="assessment_due",
            message=f"An Early Help Assessment you started is due on {_show(row['due_on'])}",
            link=f"/families/{row['family']}/assessments/{row['id']}",
            dedupe_key=f"assessment_due:{row['id']}:{row['due_on']}",
            family_id=row["family"],
        )
        for row in await assessments_due(
            today, add_working_days(today, ASSESSMENT_WARNING_DAYS, closed)
        )
    ]
    for row in await reviews_due(today, add_working_days(today, REVIEW_WARNING_DAYS, closed)):
        due_on = _day(row["due_on"])
        notes.append(
            Note(
                recipient_id=row["lead"],
                kind="review_due",
                message=f"A family review you lead is due on {_show(due_on)}",
                link=f"/families/{row['family']}/taf",
                dedupe_key=f"review_due:{row['meeting']}:{due_on.isoformat()}",
                family_id=row["family"],
            )
        )
    return await notify_many(notes)
