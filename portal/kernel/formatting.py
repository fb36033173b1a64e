"""One way to write dates, times and stored values, for core and plugin pages,
PDFs and CSVs alike (GOV.UK style: "27 March 2016 at 2:05pm", UK time)."""

from __future__ import annotations

from datetime import date, datetime, time
from functools import lru_cache
from typing import Any

from portal.kernel.clock import UK


# Pure, and a page formats the same few days and times many times over (a
# queue's rows, every request): remembered rather than worked out again.
@lru_cache(maxsize=8192)
def format_day(value: date | str | None) -> str:
    """27 March 2016: GOV.UK date style."""
    if not value:
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return f"{value.day} {value:%B %Y}"


def format_weekday(value: date | datetime) -> str:
    """Tuesday 3 March 2026 (a datetime is read in UK time)."""
    if isinstance(value, datetime):
        value = value.astimezone(UK).date()
    return f"{value:%A} {format_day(value)}"


@lru_cache(maxsize=8192)
def format_clock(value: datetime | time | str) -> str:
    """2:05pm, 10am, midday or midnight (the GOV.UK style guide): a moment in
    UK time, or a time of day as stored ("10:00" for a weekly meeting)."""
    if isinstance(value, str):
        value = time.fromisoformat(value)
    local = value.astimezone(UK) if isinstance(value, datetime) else value
    if local.minute == 0 and local.hour in (0, 12):
        return "midnight" if local.hour == 0 else "midday"
    hour = local.hour % 12 or 12
    minutes = f":{local:%M}" if local.minute else ""
    return f"{hour}{minutes}{'am' if local.hour < 12 else 'pm'}"


@lru_cache(maxsize=8192)
def format_when(value: datetime | str | None) -> str:
    """27 March 2016 at 2:05pm, in UK time."""
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return f"{format_day(value.astimezone(UK).date())} at {format_clock(value)}"


def format_slot(value: datetime) -> str:
    """Tuesday 3 March 2026 at 10am: a meeting or appointment, in UK time."""
    return f"{format_weekday(value)} at {format_clock(value)}"


def spaced_nhs_number(value: str) -> str:
    """943 476 5919: an NHS number as the NHS writes it (3, 3 and 4 digits)."""
    return f"{value[:3]} {value[3:6]} {value[6:]}" if len(value) == 10 else value


def in_words(value: Any) -> str:
    """A stored value in words: dates GOV.UK style, yes/no, blanks as 'Not recorded'."""
    if value is None or value == "":
        return "Not recorded"
    if isinstance(value, datetime):
        return format_when(value)
    if isinstance(value, date):
        return format_day(value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)
