"""The retention schedule: its date arithmetic and its settings."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from portal.kernel.errors import ConfigError
from portal.retention.service import family_anchor
from portal.retention_schedule import (
    DEFAULT_RULES,
    EARLY_HELP_RECORD,
    SIGN_IN_ATTEMPT,
    add_years,
    rules_from_env,
    subtract_years,
)
from portal.settings import Settings
from tests.unit.test_settings import GOOD

RULES = {rule.record_type: rule for rule in DEFAULT_RULES}
FAMILY_RULE = RULES[EARLY_HELP_RECORD]


def test_the_default_for_early_help_records_is_25_years_from_the_youngest_child() -> None:
    assert (FAMILY_RULE.years, FAMILY_RULE.days) == (25, 0)
    assert FAMILY_RULE.period == "25 years"
    assert FAMILY_RULE.due_on(date(2001, 6, 15)) == date(2026, 6, 15)


@pytest.mark.parametrize(
    ("born", "years", "anniversary"),
    [
        (date(2004, 2, 29), 25, date(2029, 3, 1)),  # a common year: 1 March, never 28 February
        (date(2004, 2, 29), 24, date(2028, 2, 29)),  # a leap year keeps 29 February
        (date(2004, 2, 28), 25, date(2029, 2, 28)),
        (date(2004, 3, 1), 25, date(2029, 3, 1)),
        (date(2003, 12, 31), 25, date(2028, 12, 31)),
    ],
)
def test_anniversaries_of_29_february(born: date, years: int, anniversary: date) -> None:
    assert add_years(born, years) == anniversary


def test_a_29_february_birth_is_due_on_1_march_in_a_common_year() -> None:
    born = date(2004, 2, 29)
    assert FAMILY_RULE.due_on(born) == date(2029, 3, 1)
    assert born > FAMILY_RULE.cutoff(date(2029, 2, 28))  # not due on 28 February
    assert born <= FAMILY_RULE.cutoff(date(2029, 3, 1))


@pytest.mark.parametrize(
    "today",
    [date(2029, 2, 28), date(2029, 3, 1), date(2028, 2, 29), date(2028, 3, 1), date(2026, 1, 1)],
)
def test_the_cutoff_is_exactly_the_latest_anchor_due(today: date) -> None:
    """Every anchor on or before the cutoff is due; the day after it is not."""
    for years in (1, 4, 24, 25):
        cutoff = subtract_years(today, years)
        assert add_years(cutoff, years) <= today
        assert add_years(cutoff + timedelta(days=1), years) > today


def test_a_day_rule_counts_days() -> None:
    rule = RULES[SIGN_IN_ATTEMPT]
    assert rule.due_on(date(2026, 1, 31)) == date(2026, 2, 1)
    assert rule.cutoff(date(2026, 3, 1)) == date(2026, 2, 28)


def _family(closed: datetime | None, updated: datetime) -> dict[str, object]:
    return {"closed_at": closed, "updated_at": updated}


def _child(born: date | None = None, expected: date | None = None) -> dict[str, object]:
    return {"date_of_birth": born, "expected_date": expected}


def test_the_youngest_child_sets_the_anchor() -> None:
    family = _family(datetime(2010, 5, 1, tzinfo=UTC), datetime(2010, 5, 1, tzinfo=UTC))
    children = [_child(date(1999, 1, 1)), _child(date(2003, 7, 9)), _child(date(2001, 2, 2))]
    assert family_anchor(family, children) == date(2003, 7, 9)
    assert family_anchor(family, [_child(expected=date(2011, 1, 5))]) == date(2011, 1, 5)


def test_a_child_with_no_date_counts_from_the_familys_last_activity() -> None:
    closed = datetime(2012, 3, 31, 23, 30, tzinfo=UTC)  # 1 April in the UK (summer time)
    family = _family(closed, datetime(2011, 1, 1, tzinfo=UTC))
    assert family_anchor(family, [_child(date(1999, 1, 1)), _child()]) == date(2012, 4, 1)
    assert family_anchor(family, []) == date(2012, 4, 1)  # no child at all
    later_update = _family(closed, datetime(2013, 6, 1, tzinfo=UTC))
    assert family_anchor(later_update, []) == date(2013, 6, 1)


def test_each_council_sets_its_own_periods() -> None:
    rules = {
        r.record_type: r
        for r in rules_from_env(
            {"PORTAL_RETENTION_EARLY_HELP_RECORD": "30 years", "PORTAL_RETENTION_SENT_EMAIL": "7d"}
        )
    }
    assert (rules[EARLY_HELP_RECORD].years, rules[EARLY_HELP_RECORD].days) == (30, 0)
    assert (rules["sent_email"].years, rules["sent_email"].days) == (0, 7)
    assert rules["notification"] == RULES["notification"]  # the others keep their defaults
    settings = Settings.from_env({**GOOD, "PORTAL_RETENTION_NOTIFICATION": "1 year"})
    assert [r.period for r in settings.retention_rules if r.record_type == "notification"] == [
        "1 year"
    ]


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("PORTAL_RETENTION_EARLY_HELP_RECORD", "twenty", "must be a number of years or days"),
        ("PORTAL_RETENTION_EARLY_HELP_RECORD", "0 years", "between 1 and 200 years"),
        ("PORTAL_RETENTION_EARLY_HELP_RECORD", "-5 years", "must be a number of years or days"),
        ("PORTAL_RETENTION_SIGN_IN_ATTEMPT", "0d", "between 1 and"),
        ("PORTAL_RETENTION_FAMILYS", "25 years", "is not a retention rule"),
    ],
)
def test_a_bad_retention_setting_stops_the_portal_naming_it(
    name: str, value: str, message: str
) -> None:
    with pytest.raises(ConfigError, match=message) as raised:
        Settings.from_env({**GOOD, name: value})
    assert name in str(raised.value)
