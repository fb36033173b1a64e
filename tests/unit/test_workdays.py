"""Working-day arithmetic in England: weekends, Christmas with its substitute
days, Easter, and one-off bank holidays (known to the ``holidays`` package, or
added by an administrator before it knows)."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from portal.workdays.service import (
    add_working_days,
    england_bank_holidays,
    is_working_day,
    working_days_between,
)


def closed(*years: int) -> set[date]:
    return set(england_bank_holidays(range(min(years), max(years) + 1)))


def test_the_start_day_is_day_zero_and_weekends_are_skipped() -> None:
    none: set[date] = set()
    monday = date(2026, 3, 2)
    assert add_working_days(monday, 0, none) == monday
    assert add_working_days(monday, 4, none) == date(2026, 3, 6)  # Friday
    assert add_working_days(monday, 5, none) == date(2026, 3, 9)  # next Monday
    assert add_working_days(monday, 10, none) == date(2026, 3, 16)
    assert add_working_days(date(2026, 3, 7), 1, none) == date(2026, 3, 9)  # Saturday + 1


def test_christmas_with_boxing_day_substituted_on_the_monday() -> None:
    days = closed(2026, 2027)
    # Christmas Day Friday 25th, Boxing Day Saturday, substitute Monday 28th; New Year's Day Friday.
    assert {date(2026, 12, 25), date(2026, 12, 28), date(2027, 1, 1)} <= days
    assert not is_working_day(date(2026, 12, 28), days)
    assert add_working_days(date(2026, 12, 24), 1, days) == date(2026, 12, 29)
    # An assessment started on 23 December is due on 11 January, not 6 January.
    assert add_working_days(date(2026, 12, 23), 10, days) == date(2027, 1, 11)
    assert add_working_days(date(2026, 12, 23), 10, set()) == date(2027, 1, 6)


def test_christmas_at_a_weekend_substitutes_both_days_and_new_year() -> None:
    days = closed(2021, 2022)
    # 25 and 26 December 2021 were a weekend: 27 and 28 were the bank holidays,
    # and New Year's Day (a Saturday) moved to Monday 3 January.
    assert add_working_days(date(2021, 12, 24), 1, days) == date(2021, 12, 29)
    assert add_working_days(date(2021, 12, 24), 3, days) == date(2021, 12, 31)
    assert add_working_days(date(2021, 12, 24), 4, days) == date(2022, 1, 4)
    assert working_days_between(date(2021, 12, 24), date(2022, 1, 4), days) == 4


def test_easter_skips_good_friday_and_easter_monday() -> None:
    days = closed(2026)
    assert add_working_days(date(2026, 4, 2), 1, days) == date(2026, 4, 7)  # Thursday -> Tuesday
    assert add_working_days(date(2026, 4, 1), 10, days) == date(2026, 4, 17)
    assert working_days_between(date(2026, 4, 2), date(2026, 4, 7), days) == 1
    # Easter moves: in 2027 Good Friday is 26 March.
    days_2027 = closed(2027)
    assert add_working_days(date(2027, 3, 25), 1, days_2027) == date(2027, 3, 30)


def test_one_off_bank_holidays_the_package_already_knows() -> None:
    # The Queen's state funeral (Monday 19 September 2022).
    assert add_working_days(date(2022, 9, 16), 1, closed(2022)) == date(2022, 9, 20)
    # The King's coronation (Monday 8 May 2023), the week after the early May bank holiday.
    days = closed(2023)
    assert add_working_days(date(2023, 5, 5), 1, days) == date(2023, 5, 9)
    assert add_working_days(date(2023, 4, 28), 10, days) == date(2023, 5, 16)
    # The Platinum Jubilee: Thursday 2 and Friday 3 June 2022.
    assert add_working_days(date(2022, 6, 1), 1, closed(2022)) == date(2022, 6, 6)


def test_a_one_off_added_by_an_administrator_moves_the_due_date() -> None:
    # As if the package predated the coronation's announcement: the override adds it.
    before_announcement = closed(2023) - {date(2023, 5, 8)}
    assert add_working_days(date(2023, 4, 28), 10, before_announcement) == date(2023, 5, 15)
    with_override = before_announcement | {date(2023, 5, 8)}
    assert add_working_days(date(2023, 4, 28), 10, with_override) == date(2023, 5, 16)
    # A made-up extra day in a future year works the same way.
    extra = closed(2026) | {date(2026, 11, 18)}  # a Wednesday
    assert add_working_days(date(2026, 11, 16), 3, closed(2026)) == date(2026, 11, 19)
    assert add_working_days(date(2026, 11, 16), 3, extra) == date(2026, 11, 20)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 3, 4), date(2026, 3, 4), 0),  # the same day
        (date(2026, 3, 6), date(2026, 3, 9), 1),  # Friday to Monday
        (date(2026, 3, 7), date(2026, 3, 8), 0),  # Saturday to Sunday
        (date(2026, 3, 7), date(2026, 3, 9), 1),  # Saturday to Monday
        (date(2026, 3, 9), date(2026, 3, 6), -1),  # Monday back to Friday: one day overdue
        (date(2026, 3, 16), date(2026, 3, 2), -10),
        (date(2026, 12, 24), date(2026, 12, 29), 1),  # over Christmas
        (date(2026, 12, 29), date(2026, 12, 24), -1),
        (date(2026, 4, 3), date(2026, 4, 6), 0),  # Good Friday to Easter Monday
    ],
)
def test_working_days_between(start: date, end: date, expected: int) -> None:
    assert working_days_between(start, end, closed(2026)) == expected


def test_adding_then_counting_round_trips_across_years() -> None:
    days = closed(2020, 2030)
    picker = random.Random(4)
    for _ in range(500):
        start = date(2020, 1, 1) + timedelta(days=picker.randrange(3600))
        count = picker.randrange(0, 40)
        due = add_working_days(start, count, days)
        assert working_days_between(start, due, days) == count
        assert working_days_between(due, start, days) == -count
        assert count == 0 or is_working_day(due, days)
