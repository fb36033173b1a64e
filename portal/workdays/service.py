"""Working days in England: weekends and bank holidays excluded.

The ``holidays`` package knows the regular bank holidays and those announced
before its release; ``BankHolidayOverride`` lets an administrator add a
newly announced one-off holiday (or remove one) without a new release.
The arithmetic itself is pure, so it is unit-tested without a database.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta

import holidays

from portal.workdays.tables import BankHolidayOverride


def england_bank_holidays(years: range) -> dict[date, str]:
    return dict(holidays.country_holidays("GB", subdiv="ENG", years=list(years)))


def is_working_day(day: date, closed: Collection[date]) -> bool:
    return day.weekday() < 5 and day not in closed


def add_working_days(start: date, count: int, closed: Collection[date]) -> date:
    """The ``count``-th working day after ``start`` (the start day itself is day 0)."""
    day = start
    remaining = count
    while remaining > 0:
        day += timedelta(days=1)
        if is_working_day(day, closed):
            remaining -= 1
    return day


def working_days_between(start: date, end: date, closed: Collection[date]) -> int:
    """Working days after ``start`` up to and including ``end``; negative when ``end`` is earlier."""
    if end < start:
        return -working_days_between(end, start, closed)
    return sum(
        1
        for offset in range(1, (end - start).days + 1)
        if is_working_day(start + timedelta(days=offset), closed)
    )


async def closed_days(first: date, last: date) -> set[date]:
    """Bank holidays between two dates, with the administrator's overrides applied."""
    days = {
        d for d in england_bank_holidays(range(first.year, last.year + 1)) if first <= d <= last
    }
    for override in await BankHolidayOverride.select(
        BankHolidayOverride.day, BankHolidayOverride.kind
    ).where((BankHolidayOverride.day >= first) & (BankHolidayOverride.day <= last)):
        if override["kind"] == "add":
            days.add(override["day"])
        else:
            days.discard(override["day"])
    return days


async def working_days_after(start: date, count: int) -> date:
    # 10 working days never span more than a few weeks; a generous window keeps it one query
    closed = await closed_days(start, start + timedelta(days=count * 3 + 21))
    return add_working_days(start, count, closed)


async def working_days_left(today: date, due: date) -> int:
    """Working days from today until the due date (0 on the day, negative once overdue)."""
    closed = await closed_days(min(today, due), max(today, due))
    return working_days_between(today, due, closed)
