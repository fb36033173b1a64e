"""The period's bounds as instants, and the UK calendar day of a timestamp.
Every figure is one aggregate query: no loops over rows in Python, so a
report stays fast at full scale."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")


def day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The period's days (UK time) as [from, to) instants: timestamps are stored in UTC."""
    return (
        datetime.combine(start, time(0), tzinfo=UK),
        datetime.combine(end + timedelta(days=1), time(0), tzinfo=UK),
    )


def uk_day(column: str) -> str:
    """SQL for a timestamp column's calendar day in UK time (``column`` is
    always a literal column name from this package, never user input)."""
    return f"(({column}) AT TIME ZONE 'Europe/London')::date"


async def rows(table: Any, sql: str, *args: Any) -> list[dict[str, Any]]:
    """Run one read query written with ``{}`` placeholders."""
    return list(await table.raw(sql, *args))
