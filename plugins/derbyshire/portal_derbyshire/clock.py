"""The 24-hour standards: a Senior Practitioner screens each Initial Contact,
and the referrer is told the outcome, within 24 hours (seed 001).

Every function takes ``now``: pages pass the app's clock
(``app.state.derbyshire_clock``, the real time unless a test sets it), so tests
move time without sleeping.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from portal.plugin_api import now_utc

STANDARD = timedelta(hours=24)
DUE_SOON = timedelta(hours=4)  # highlight an Initial Contact this close to breach

Clock = Callable[[], datetime]


def clock_of(app_state: Any) -> Clock:
    """The app's clock: ``derbyshire_clock`` in its state if set (tests), else real time."""
    clock = getattr(app_state, "derbyshire_clock", None) if app_state is not None else None
    return clock if callable(clock) else now_utc


def duration_text(span: timedelta) -> str:
    """ "23 hours 10 minutes", "1 hour", "45 minutes", "less than a minute"."""
    minutes = int(span.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if minutes:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(parts) or "less than a minute"


@dataclass(frozen=True)
class ScreeningClock:
    """Where an Initial Contact stands against its 24 hours."""

    started_at: datetime
    due_at: datetime
    left: timedelta  # negative once overdue

    @property
    def overdue(self) -> bool:
        return self.left < timedelta(0)

    @property
    def due_soon(self) -> bool:
        return not self.overdue and self.left <= DUE_SOON

    @property
    def text(self) -> str:
        if self.overdue:
            return f"Overdue by {duration_text(-self.left)}"
        return f"{duration_text(self.left)} left"

    @property
    def tag(self) -> tuple[str, str]:
        """A GOV.UK tag (text, colour class) for the queue."""
        if self.overdue:
            return "Overdue", "govuk-tag--red"
        if self.due_soon:
            return "Due soon", "govuk-tag--orange"
        return "On time", "govuk-tag--green"


def screening_clock(started_at: datetime, now: datetime) -> ScreeningClock:
    due = started_at + STANDARD
    return ScreeningClock(started_at=started_at, due_at=due, left=due - now)


def told_by(row: dict[str, Any]) -> datetime:
    """When the referrer should be told the outcome: 24 hours from the Initial
    Contact, or from the request's arrival while Starting Point has not made
    one (as the 24-hour report measures it)."""
    start: datetime = row["initial_contact_at"] or row["submitted_at"]
    return start + STANDARD


def within_standard(start: datetime | None, done: datetime | None) -> bool:
    return start is not None and done is not None and done - start <= STANDARD
