"""The time: always timezone-aware UTC inside the portal, UK time on the page."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")


def now_utc() -> datetime:
    """Now, timezone-aware, in UTC (as every timestamp is stored)."""
    return datetime.now(UTC)
