"""Derby's own report figures: requests to the Vulnerable Children's Meeting,
its decisions by outcome, and how long a decision takes. One aggregate query
each (no rows fetched), so they are quick at full scale."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timedelta
from typing import Any

from portal.plugin_api import UK, Measure, MeasureRow, ReportQuery
from portal_derby.common import LOCALITIES
from portal_derby.tables import DerbyVcmSubmission

S = DerbyVcmSubmission
# Every value is a parameter ({} placeholders); the text is constant.
DECIDED_IN = (
    " FROM derby_vcm_submission WHERE decided_at >= {} AND decided_at < {}"
    " AND ({} = '' OR locality = {})"
)


def _bounds(query: ReportQuery) -> tuple[datetime, datetime]:
    return (
        datetime.combine(query.start, time(0), tzinfo=UK),
        datetime.combine(query.end + timedelta(days=1), time(0), tzinfo=UK),
    )


def _days(later: str, earlier: str) -> str:
    return f"EXTRACT(EPOCH FROM ({later} - {earlier})) / 86400.0"


async def _rows(sql: str, *args: Any) -> list[dict[str, Any]]:
    return list(await S.raw(sql, *args))


async def submissions(query: ReportQuery, start: datetime, end: datetime) -> Measure:
    sql = (
        "SELECT locality, COUNT(*) AS n FROM derby_vcm_submission"
        " WHERE submitted_at >= {} AND submitted_at < {} AND ({} = '' OR locality = {})"
        " GROUP BY locality"
    )
    found = await _rows(sql, start, end, query.locality, query.locality)
    counts = {r["locality"]: int(r["n"]) for r in found}
    shown = [s for s in LOCALITIES if not query.locality or s == query.locality]
    return Measure(
        key="derby-vcm-submissions",
        title="Requests to the Vulnerable Children's Meeting",
        rows=tuple(MeasureRow(LOCALITIES[s], counts.get(s, 0)) for s in shown),
        note="Requests sent to a locality's SPA clerk (or The Lighthouse) in the period.",
    )


async def outcomes(query: ReportQuery, start: datetime, end: datetime) -> Measure:
    sql = (
        "SELECT outcome_label AS label, COUNT(*) AS n"
        + DECIDED_IN
        + " GROUP BY outcome_label ORDER BY 2 DESC, 1"
    )
    found = await _rows(sql, start, end, query.locality, query.locality)
    return Measure(
        key="derby-vcm-outcomes",
        title="Vulnerable Children's Meeting decisions by outcome",
        rows=tuple(MeasureRow(str(r["label"]) or "Not recorded", int(r["n"])) for r in found),
        note="Decisions minuted at the meeting in the period.",
    )


async def time_to_decision(query: ReportQuery, start: datetime, end: datetime) -> Measure:
    decided = "SELECT " + _days("decided_at", "submitted_at") + " AS d" + DECIDED_IN
    args = (start, end, query.locality, query.locality)
    summary = await _rows(f"SELECT COUNT(*) AS n, AVG(d) AS mean FROM ({decided}) t", *args)  # noqa: S608
    count = int(summary[0]["n"] or 0)
    rows: tuple[MeasureRow, ...] = ()
    if count:
        # the median: the middle value, or the mean of the middle two
        middle = await _rows(
            f"SELECT AVG(d) AS median FROM ({decided} ORDER BY d LIMIT {{}} OFFSET {{}}) t",  # noqa: S608
            *args,
            2 - count % 2,
            (count - 1) // 2,
        )
        rows = (
            MeasureRow("Median", round(float(middle[0]["median"]), 1)),
            MeasureRow("Mean", round(float(summary[0]["mean"]), 1)),
        )
    return Measure(
        key="derby-vcm-time-to-decision",
        title="Days from request to the meeting's decision",
        unit="days",
        rows=rows,
        note=f"Calendar days from the request to the decision, over {count} decisions in the period.",
    )


async def measures(query: ReportQuery) -> Sequence[Measure]:
    start, end = _bounds(query)
    return [
        await submissions(query, start, end),
        await outcomes(query, start, end),
        await time_to_decision(query, start, end),
    ]
