"""Derbyshire's own report figures: Starting Point's requests and Initial
Contacts, the two 24-hour standards (seed 001: the Senior Practitioner's
screening decision, and the referrer told) and the screening outcomes.
Aggregate queries only, so they are quick at full scale; the 24 hours are
counted as ``clock.within_standard`` counts them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from portal.plugin_api import Measure, MeasureRow, ReportQuery
from portal_derbyshire.clock import STANDARD
from portal_derbyshire.tables import StartingPointRequest

R = StartingPointRequest
UK = ZoneInfo("Europe/London")
OUTCOMES = {  # short names of the screening decisions (common.SCREENING has them in full)
    "vcm": "Allocate a Lead Practitioner at the VCM",
    "advisor": "Early Help Advisor supports the referrer",
    "no_further_action": "No further action",
    "social_care": "Referral to Children's Social Care",
}
# Every value is a parameter ({} placeholders); the text is constant.
IN_DISTRICT = "({} = '' OR district = {})"


def _bounds(query: ReportQuery) -> tuple[datetime, datetime]:
    return (
        datetime.combine(query.start, time(0), tzinfo=UK),
        datetime.combine(query.end + timedelta(days=1), time(0), tzinfo=UK),
    )


def _within(done: str, started: str) -> str:
    """SQL: ``done`` came no later than 24 hours after ``started``."""
    seconds = int(STANDARD.total_seconds())
    return f"EXTRACT(EPOCH FROM ({done} - {started})) <= {seconds}"


def _share(done_at: str, within: str, name: str) -> str:
    """Rows done in the period (``name``), and of those within the standard (``name_met``)."""
    in_period = f"{done_at} >= {{}} AND {done_at} < {{}}"
    return (
        f"SUM(CASE WHEN {in_period} THEN 1 ELSE 0 END) AS {name},"
        f" SUM(CASE WHEN {in_period} AND {within} THEN 1 ELSE 0 END) AS {name}_met"
    )


async def _rows(sql: str, *args: Any) -> list[dict[str, Any]]:
    return list(await R.raw(sql, *args))


def _n(value: Any) -> int:
    return int(value or 0)


async def timeliness(query: ReportQuery, start: datetime, end: datetime) -> list[Measure]:
    told_from = "COALESCE(initial_contact_at, submitted_at)"
    columns = ", ".join(
        (
            _share("submitted_at", "1 = 1", "received"),
            _share("initial_contact_at", "1 = 1", "contacts"),
            _share("screened_at", _within("screened_at", "initial_contact_at"), "screened"),
            _share("referrer_told_at", _within("referrer_told_at", told_from), "told"),
        )
    )
    where = " FROM derbyshire_sp_request WHERE " + IN_DISTRICT
    sql = "SELECT " + columns + where
    period = (start, end)
    found = await _rows(sql, *period * 8, query.locality, query.locality)
    row = found[0] if found else {}
    screened_n, told_n = _n(row.get("screened")), _n(row.get("told"))
    screened_met, told_met = _n(row.get("screened_met")), _n(row.get("told_met"))
    return [
        Measure(
            key="derbyshire-initial-contacts",
            title="Requests to Starting Point and Initial Contacts",
            rows=(
                MeasureRow("Requests received", _n(row.get("received"))),
                MeasureRow("Initial Contacts made", _n(row.get("contacts"))),
            ),
            note="Requests sent to Starting Point, and Initial Contacts created at triage, in the period.",
        ),
        Measure(
            key="derbyshire-screening-24h",
            title="Screening decisions within 24 hours",
            rows=(
                MeasureRow("Within 24 hours", screened_met, screened_n),
                MeasureRow("Later", screened_n - screened_met, screened_n),
            ),
            note="Senior Practitioner decisions made in the period, timed from the Initial Contact.",
        ),
        Measure(
            key="derbyshire-told-24h",
            title="Referrers told the outcome within 24 hours",
            rows=(
                MeasureRow("Within 24 hours", told_met, told_n),
                MeasureRow("Later", told_n - told_met, told_n),
            ),
            note=(
                "Referrers told in the period, timed from the Initial Contact "
                "(or from the request, when Starting Point answered it at triage)."
            ),
        ),
    ]


async def outcomes(query: ReportQuery, start: datetime, end: datetime) -> Measure:
    sql = (
        "SELECT screening_outcome AS outcome, COUNT(*) AS n FROM derbyshire_sp_request"
        " WHERE screened_at >= {} AND screened_at < {} AND ({} = '' OR district = {})"
        " GROUP BY screening_outcome"
    )
    counts = {r["outcome"]: _n(r["n"]) for r in await _rows(sql, start, end, *[query.locality] * 2)}
    return Measure(
        key="derbyshire-screening-outcomes",
        title="Screening decisions by outcome",
        rows=(
            *(MeasureRow(label, counts.get(key, 0)) for key, label in OUTCOMES.items()),
            *(
                MeasureRow(key or "Not recorded", n)
                for key, n in counts.items()
                if key not in OUTCOMES
            ),
        ),
        note="Senior Practitioner screening decisions made in the period.",
    )


async def measures(query: ReportQuery) -> Sequence[Measure]:
    start, end = _bounds(query)
    return [*await timeliness(query, start, end), await outcomes(query, start, end)]
