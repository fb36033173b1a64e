"""Working days in England: weekends and bank holidays excluded.

The ``holidays`` package knows the regular bank holidays and those announced
before its release; ``BankHolidayOverride`` lets an administrator add a
newly announced one-off holiday (or remove one) without a new release.
The arithmetic itself is pure, so it is unit-tested without a database.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

import holidays

from portal.audit import service as audit
from portal.db import write_transaction
from portal.kernel.clock import now_utc
from portal.kernel.users import CurrentUser
from portal.workdays.tables import BankHolidayOverride


def england_bank_holidays(years: range) -> dict[date, str]:
    return dict(_england_bank_holidays(years.start, years.stop))


@lru_cache(maxsize=64)
def _england_bank_holidays(first_year: int, stop_year: int) -> tuple[tuple[date, str], ...]:
    # Worked out once per span of years: every caseload and assessment page asks.
    found = holidays.country_holidays("GB", subdiv="ENG", years=list(range(first_year, stop_year)))
    return tuple(sorted(found.items()))


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
    # Weekdays by arithmetic (an overdue assessment may be months old), then
    # the bank holidays that fall on one of them.
    days = (end - start).days
    weeks, rest = divmod(days, 7)
    weekdays = weeks * 5 + sum(
        1 for offset in range(1, rest + 1) if (start + timedelta(days=offset)).weekday() < 5
    )
    holidays_off = sum(1 for day in set(closed) if start < day <= end and day.weekday() < 5)
    return weekdays - holidays_off


# The administrator's overrides are a handful of rows: a signed-in request
# brings them with its session's one read (portal.request_facts), so pages
# need no statement of their own and never see a stale list, whichever
# process served the change. Elsewhere (the worker, the CLI) they are read.
_request_overrides: ContextVar[tuple[tuple[date, str], ...] | None] = ContextVar(
    "bank_holiday_overrides", default=None
)


def use_overrides(rows: Iterable[Mapping[str, Any]]) -> None:
    """This request's overrides, as its session read found them: (day, kind) rows."""
    _request_overrides.set(tuple((date.fromisoformat(str(r["day"])), str(r["kind"])) for r in rows))


async def _overrides_between(first: date, last: date) -> list[tuple[date, str]]:
    known = _request_overrides.get()
    if known is None:
        rows = await BankHolidayOverride.select(
            BankHolidayOverride.day, BankHolidayOverride.kind
        ).where((BankHolidayOverride.day >= first) & (BankHolidayOverride.day <= last))
        return [(r["day"], r["kind"]) for r in rows]
    return [(day, kind) for day, kind in known if first <= day <= last]


async def closed_days(first: date, last: date) -> set[date]:
    """Bank holidays between two dates, with the administrator's overrides applied."""
    days = {
        d for d in england_bank_holidays(range(first.year, last.year + 1)) if first <= d <= last
    }
    for day, kind in await _overrides_between(first, last):
        if kind == "add":
            days.add(day)
        else:
            days.discard(day)
    return days


async def working_days_after(start: date, count: int) -> date:
    # 10 working days never span more than a few weeks; a generous window keeps it one query
    closed = await closed_days(start, start + timedelta(days=count * 3 + 21))
    return add_working_days(start, count, closed)


async def working_days_left(today: date, due: date) -> int:
    """Working days from today until the due date (0 on the day, negative once overdue)."""
    closed = await closed_days(min(today, due), max(today, due))
    return working_days_between(today, due, closed)


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


# The administrators' page ------------------------------------------------------------------


@dataclass(frozen=True)
class BankHoliday:
    day: date
    name: str
    override_id: int | None = None  # set when an administrator added it


class OverrideRefused(Exception):
    """The date cannot be added; the message says why, GOV.UK style."""


async def upcoming_bank_holidays(today: date) -> list[BankHoliday]:
    """England's bank holidays from today to the end of next year, overrides applied.

    Only weekdays: a holiday falling at a weekend is replaced by its substitute day."""
    last = date(today.year + 1, 12, 31)
    names = england_bank_holidays(range(today.year, today.year + 2))
    listed = {d: BankHoliday(d, n) for d, n in names.items() if today <= d <= last}
    for row in await BankHolidayOverride.select(
        BankHolidayOverride.id,
        BankHolidayOverride.day,
        BankHolidayOverride.name,
        BankHolidayOverride.kind,
    ).where((BankHolidayOverride.day >= today) & (BankHolidayOverride.day <= last)):
        if row["kind"] == "add":
            listed[row["day"]] = BankHoliday(row["day"], row["name"], row["id"])
        else:
            listed.pop(row["day"], None)
    return sorted((h for h in listed.values() if h.day.weekday() < 5), key=lambda h: h.day)


async def overrides() -> list[dict[str, Any]]:
    """Every change an administrator has made, newest date first."""
    return await BankHolidayOverride.select(
        *BankHolidayOverride.all_columns(),
        BankHolidayOverride.created_by.display_name.as_alias("by_name"),
    ).order_by(BankHolidayOverride.day, ascending=False)


async def add_bank_holiday(admin: CurrentUser, day: date, name: str) -> int:
    """Make a weekday a bank holiday (a newly announced one-off); audited.

    Adding the same date with the same name again (a double submission) changes nothing."""
    if day.weekday() >= 5:
        raise OverrideRefused("Date of the bank holiday must be a weekday")
    known = england_bank_holidays(range(day.year, day.year + 1)).get(day)
    _request_overrides.set(None)  # the rest of this request reads the new list
    async with write_transaction(BankHolidayOverride._meta.db):
        existing = await BankHolidayOverride.objects().get(BankHolidayOverride.day == day)
        if existing is not None and existing.kind == "add":
            if existing.name == name:
                return int(existing.id)
            raise OverrideRefused(f"{_day(day)} is already a bank holiday ({existing.name})")
        if existing is None and known:
            raise OverrideRefused(f"{_day(day)} is already a bank holiday ({known})")
        if existing is not None:  # a "remove" override: drop it, the listed holiday returns
            await BankHolidayOverride.delete().where(BankHolidayOverride.id == existing.id)
        rows = await BankHolidayOverride.insert(
            BankHolidayOverride(
                day=day, name=name, kind="add", created_by=admin.id, created_at=now_utc()
            )
        ).returning(BankHolidayOverride.id)
        override_id = int(rows[0]["id"])
        await audit.record(
            "bank_holiday_added",
            "success",
            actor=admin,
            record_type="bank_holiday_override",
            record_id=override_id,
            day=day.isoformat(),
            name=name,
        )
        return override_id


async def remove_override(admin: CurrentUser, override_id: int) -> bool:
    """Undo an administrator's change; audited. False when it was already gone."""
    _request_overrides.set(None)  # the rest of this request reads the new list
    async with write_transaction(BankHolidayOverride._meta.db):
        row = await BankHolidayOverride.objects().get(BankHolidayOverride.id == override_id)
        if row is None:
            return False
        await BankHolidayOverride.delete().where(BankHolidayOverride.id == override_id)
        await audit.record(
            "bank_holiday_override_removed",
            "success",
            actor=admin,
            record_type="bank_holiday_override",
            record_id=override_id,
            day=row.day.isoformat(),
            kind=row.kind,
            name=row.name,
        )
        return True
