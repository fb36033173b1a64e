"""The 24-hour report: per week, screening decisions and referrers told within
the standard."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from portal.plugin_api import (
    UK,
)
from portal_derbyshire.clock import within_standard
from portal_derbyshire.tables import StartingPointRequest


def _week_of(moment: datetime) -> tuple[int, int]:
    iso = moment.astimezone(UK).isocalendar()
    return iso.year, iso.week


def _percent(met: int, count: int) -> str:
    return f"{round(100 * met / count)}%" if count else "None"


async def timeliness() -> list[dict[str, Any]]:
    """Per ISO week (UK time), screening decisions made within 24 hours of the
    Initial Contact, and referrers told within 24 hours of the clock starting
    (the Initial Contact, or the request's arrival when Starting Point answered
    it at triage). Newest week first."""
    r = StartingPointRequest
    rows = await r.select(
        r.submitted_at, r.initial_contact_at, r.screened_at, r.referrer_told_at
    ).where(r.screened_at.is_not_null() | r.referrer_told_at.is_not_null())
    weeks: dict[tuple[int, int], dict[str, int]] = {}

    def week(key: tuple[int, int]) -> dict[str, int]:
        return weeks.setdefault(key, {"screened": 0, "screened_met": 0, "told": 0, "told_met": 0})

    for row in rows:
        if row["screened_at"] is not None:
            counts = week(_week_of(row["screened_at"]))
            counts["screened"] += 1
            counts["screened_met"] += within_standard(row["initial_contact_at"], row["screened_at"])
        if row["referrer_told_at"] is not None:
            counts = week(_week_of(row["referrer_told_at"]))
            start = row["initial_contact_at"] or row["submitted_at"]
            counts["told"] += 1
            counts["told_met"] += within_standard(start, row["referrer_told_at"])
    return [
        {
            "year": year,
            "week": number,
            "label": f"{year} week {number}",
            "monday": date.fromisocalendar(year, number, 1),
            **counts,
            "screened_percent": _percent(counts["screened_met"], counts["screened"]),
            "told_percent": _percent(counts["told_met"], counts["told"]),
        }
        for (year, number), counts in sorted(weeks.items(), reverse=True)
    ]
