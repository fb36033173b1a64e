"""The few places where PostgreSQL and SQLite spell a query differently, and the
period's bounds as instants. Every figure is one aggregate query: no loops
over rows in Python, so a report stays fast at full scale."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from piccolo.engine.postgres import PostgresEngine

UK = ZoneInfo("Europe/London")


def on_postgres(table: Any) -> bool:
    return isinstance(table._meta.db, PostgresEngine)


def day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The period's days (UK time) as [from, to) instants: timestamps are stored in UTC."""
    return (
        datetime.combine(start, time(0), tzinfo=UK),
        datetime.combine(end + timedelta(days=1), time(0), tzinfo=UK),
    )


def uk_day(table: Any, column: str) -> str:
    """A timestamp column's calendar day. PostgreSQL counts it in UK time;
    SQLite (development and demo only) has no time zones and uses UTC."""
    if on_postgres(table):
        return f"(({column}) AT TIME ZONE 'Europe/London')::date"
    return f"date({column})"


async def rows(table: Any, sql: str, *args: Any) -> list[dict[str, Any]]:
    """Run one read query written with ``{}`` placeholders."""
    return list(await table.raw(sql, *args))
