"""The retention schedule: how long each kind of record is kept, defined once.

Each council sets its own schedule. The defaults below follow common practice
for early help records; a deployment changes any of them with an environment
variable named after the rule, e.g. ``PORTAL_RETENTION_EARLY_HELP_RECORD=30 years``
or ``PORTAL_RETENTION_SIGN_IN_ATTEMPT=2 days``. A bad value stops the portal at
start-up with a message naming the variable.
"""

from __future__ import annotations

import calendar
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta

from portal.kernel.errors import ConfigError

ENV_PREFIX = "PORTAL_RETENTION_"
MAX_YEARS = 200
_PERIOD = re.compile(r"(\d{1,5})\s*(y|years?|d|days?)", re.IGNORECASE)


@dataclass(frozen=True)
class RetentionRule:
    record_type: str  # also names the setting: PORTAL_RETENTION_<RECORD_TYPE>
    description: str
    years: int  # kept this many years and ``days`` from the anchor date
    days: int
    measured_from: str  # what the anchor date is, in words

    @property
    def variable(self) -> str:
        return ENV_PREFIX + self.record_type.upper()

    @property
    def period(self) -> str:
        return format_period(self.years, self.days)

    def due_on(self, anchor: date) -> date:
        """The first day on which a record anchored at ``anchor`` is due for disposal."""
        return add_years(anchor, self.years) + timedelta(days=self.days)

    def cutoff(self, today: date) -> date:
        """Records whose anchor is on or before this date are due today."""
        return subtract_years(today - timedelta(days=self.days), self.years)


EARLY_HELP_RECORD = "early_help_record"
SIGN_IN_ATTEMPT = "sign_in_attempt"
ENDED_SESSION = "ended_session"
SENT_EMAIL = "sent_email"
NOTIFICATION = "notification"
KEPT_FORM = "kept_form"

DEFAULT_RULES: tuple[RetentionRule, ...] = (
    RetentionRule(
        EARLY_HELP_RECORD,
        "A family's early help record and everything in it: people, consent, "
        "sharing, assessments and appendices, the TAF and plan, and the areas' own records",
        years=25,
        days=0,
        # An unborn child counts from the expected date; a child with no date
        # recorded (or a family with no child) from the family's last activity.
        measured_from="the youngest child's date of birth",
    ),
    RetentionRule(
        SIGN_IN_ATTEMPT,
        "A sign-in started but never finished",
        years=0,
        days=1,
        measured_from="when the sign-in started",
    ),
    RetentionRule(
        ENDED_SESSION,
        "A signed-in session that has ended (sessions end after at most 12 hours)",
        years=0,
        days=1,
        measured_from="when the session was last used",
    ),
    RetentionRule(
        SENT_EMAIL,
        "A notification email sent (or given up on), with its address and text",
        years=0,
        days=90,
        measured_from="when it was sent or last tried",
    ),
    RetentionRule(
        NOTIFICATION,
        "An in-app notification, and any email for it",
        years=2,
        days=0,
        measured_from="when it was made",
    ),
    RetentionRule(
        KEPT_FORM,
        "What someone typed into a form that arrived after their session ended, "
        "kept for them to send again (sessions end after at most 12 hours)",
        years=0,
        days=1,
        measured_from="when it was kept",
    ),
)


def rules_from_env(env: Mapping[str, str] | None = None) -> tuple[RetentionRule, ...]:
    """The defaults, with each council's own periods from the environment."""
    env = os.environ if env is None else env
    known = {rule.variable for rule in DEFAULT_RULES}
    for name in env:
        if name.startswith(ENV_PREFIX) and name not in known:
            raise ConfigError(f"{name} is not a retention rule (known: {', '.join(sorted(known))})")
    rules = []
    for rule in DEFAULT_RULES:
        raw = env.get(rule.variable, "").strip()
        if raw:
            years, days = parse_period(rule.variable, raw)
            rule = replace(rule, years=years, days=days)
        rules.append(rule)
    return tuple(rules)


def parse_period(variable: str, raw: str) -> tuple[int, int]:
    """ "25 years" / "25y" -> (25, 0); "90 days" / "90d" -> (0, 90)."""
    match = _PERIOD.fullmatch(raw.strip())
    if not match:
        raise ConfigError(f"{variable} must be a number of years or days, such as 25 years")
    number, unit = int(match[1]), match[2].lower()
    if unit.startswith("y"):
        if not 1 <= number <= MAX_YEARS:
            raise ConfigError(f"{variable} must be between 1 and {MAX_YEARS} years")
        return number, 0
    if not 1 <= number <= MAX_YEARS * 365:
        raise ConfigError(f"{variable} must be between 1 and {MAX_YEARS * 365} days")
    return 0, number


def format_period(years: int, days: int) -> str:
    parts = [f"{years} year{'s' * (years != 1)}"] if years else []
    parts += [f"{days} day{'s' * (days != 1)}"] if days or not years else []
    return " and ".join(parts)


def add_years(day: date, years: int) -> date:
    """The anniversary ``years`` on. A 29 February anniversary in a year without
    one falls on 1 March: in English law someone born on 29 February attains an
    age on 1 March in common years, so nothing is disposed of a day early."""
    year = day.year + years
    if day.month == 2 and day.day == 29 and not calendar.isleap(year):
        return date(year, 3, 1)
    return day.replace(year=year)


def subtract_years(day: date, years: int) -> date:
    """The latest anchor whose anniversary ``years`` on is on or before ``day``
    (the inverse of add_years)."""
    year = day.year - years
    if day.month == 2 and day.day == 29 and not calendar.isleap(year):
        return date(year, 2, 28)
    return day.replace(year=year)
