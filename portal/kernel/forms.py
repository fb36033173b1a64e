"""Reading and checking submitted forms, GOV.UK style: the one strict input
layer that core and plugin pages share.

A ``Form`` keeps what the user typed (so a page with errors shows it back)
and one plain-English error per field, in the order the fields appear.

- Text: control characters other than tab and line breaks, and lone
  surrogates, are removed as the form is read: a NUL cannot reach the
  database (PostgreSQL refuses it) and invisible controls cannot hide in a
  record. Everything else a person can type, emoji and right-to-left text
  included, is kept.
- Numbers are ASCII digits only (``str.isdigit`` accepts "²", which ``int``
  refuses) and within the column's range.
- Dates are GOV.UK date inputs, years 1900 to 2100.
"""

from __future__ import annotations

import datetime
import re
import secrets
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

ID_MAX = 2**31 - 1  # PostgreSQL's integer: every id and version column
MAX_INT = ID_MAX  # a larger number is no row or version of ours
DIGITS = re.compile(r"[0-9]{1,10}")
# C0 controls except tab, line feed and carriage return; DEL; lone surrogates.
UNWANTED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
EARLIEST_YEAR, LATEST_YEAR = 1900, 2100


def clean_text(value: str) -> str:
    """What was typed, without control characters or lone surrogates."""
    return UNWANTED.sub("", value)


def whole_number(text: str, maximum: int = MAX_INT) -> int | None:
    """``text`` as a whole number from 0 to ``maximum``, or None (for query
    strings and hidden fields: ASCII digits only)."""
    text = text.strip()
    if not DIGITS.fullmatch(text):
        return None
    value = int(text)
    return value if value <= maximum else None


class SubmittedForm(Protocol):
    """What ``Form.read`` needs of a request (Litestar's ``Request`` has it)."""

    async def form(self) -> Any: ...


class Form:
    """What a user typed into a form, and one plain-English error per field."""

    def __init__(self, values: Mapping[str, Any] | None = None) -> None:
        self.values: dict[str, Any] = dict(values or {})
        self.errors: dict[str, str] = {}
        self.first_input: dict[str, str] = {}  # field -> id of its first input, for the summary

    @classmethod
    async def read(cls, request: SubmittedForm) -> Form:
        data = await request.form()
        values: dict[str, Any] = {}
        for key in data:
            items = [clean_text(str(v)) for v in data.getall(key)]
            values[key] = [i.strip() for i in items] if len(items) > 1 else items[0].strip()
        return cls(values)

    @property
    def ok(self) -> bool:
        return not self.errors

    def get(self, name: str, default: str = "") -> str:
        value = self.values.get(name, default)
        return value[0] if isinstance(value, list) else str(value)

    def get_all(self, name: str) -> list[str]:
        value = self.values.get(name, [])
        return value if isinstance(value, list) else [value] if value else []

    def error(self, name: str, message: str, input_id: str = "") -> None:
        self.errors.setdefault(name, message)
        self.first_input.setdefault(name, input_id or name)

    def text(
        self, name: str, missing: str | None = None, *, max_length: int = 200, label: str = ""
    ) -> str:
        value = self.get(name)
        if not value and missing:
            self.error(name, missing)
        elif len(value) > max_length:
            self.error(
                name, f"{label or name.capitalize()} must be {max_length} characters or fewer"
            )
        return value

    def number(
        self, name: str, missing: str, *, label: str, minimum: int = 0, maximum: int = MAX_INT
    ) -> int | None:
        """A whole number typed into a field, between ``minimum`` and ``maximum``."""
        text = self.get(name)
        if not text:
            self.error(name, missing)
            return None
        value = whole_number(text)
        if value is None and DIGITS.fullmatch(text.lstrip("-")) is None:
            self.error(name, f"{label} must be a whole number")
            return None
        if value is None or not minimum <= value <= maximum:
            self.error(name, f"{label} must be between {minimum} and {maximum}")
            return None
        return value

    def version(self, name: str = "version") -> int:
        """The record version a form was made from (a hidden field). A missing
        or garbled one is 0, which no record has: the save is then refused as
        stale and shows the conflict page, never a crash."""
        return whole_number(self.get(name)) or 0

    def choice(self, name: str, allowed: Iterable[str], missing: str) -> str:
        value = self.get(name)
        if value not in set(allowed):
            self.error(name, missing)
            return ""
        return value

    def date(
        self,
        name: str,
        label: str,
        *,
        required: bool = True,
        when: str = "past",  # past / future / any
        today: datetime.date | None = None,
    ) -> datetime.date | None:
        """A GOV.UK date input: fields <name>-day, <name>-month, <name>-year."""
        parts = {p: self.get(f"{name}-{p}") for p in ("day", "month", "year")}
        if not any(parts.values()):
            if required:
                self.error(name, f"Enter {label}", f"{name}-day")
            return None
        lower = label.removeprefix("the ").removeprefix("a ").removeprefix("an ")
        subject = lower[0].upper() + lower[1:]
        missing = [p for p in ("day", "month", "year") if not parts[p]]
        if missing:
            self.error(name, f"{subject} must include a {missing[0]}", f"{name}-{missing[0]}")
            return None
        for part, longest in (("day", 2), ("month", 2)):
            if not re.fullmatch(f"[0-9]{{1,{longest}}}", parts[part]):
                self.error(name, f"{subject} must be a real date", f"{name}-{part}")
                return None
        if not re.fullmatch("[0-9]{4}", parts["year"]):
            self.error(name, "Year must include 4 numbers", f"{name}-year")
            return None
        try:
            value = datetime.date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
        except ValueError:
            self.error(name, f"{subject} must be a real date", f"{name}-day")
            return None
        if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
            self.error(
                name,
                f"{subject} must be between {EARLIEST_YEAR} and {LATEST_YEAR}",
                f"{name}-year",
            )
            return None
        today = today or datetime.date.today()
        if when == "past" and value > today:
            self.error(name, f"{subject} must be today or in the past", f"{name}-day")
        elif when == "future" and value < today:
            self.error(name, f"{subject} must be today or in the future", f"{name}-day")
        return value

    def summary(self) -> list[dict[str, str]]:
        return [
            {"text": message, "href": f"#{self.first_input.get(name, name)}"}
            for name, message in self.errors.items()
        ]

    def set_date(self, name: str, value: datetime.date | None) -> None:
        """Fill a date input's three fields (editing a saved record)."""
        if value is not None:
            self.values.update({f"{name}-day": str(value.day), f"{name}-month": str(value.month)})
            self.values[f"{name}-year"] = str(value.year)


def new_form_key() -> str:
    """A one-use key for a create form: a double submission makes one record."""
    return secrets.token_urlsafe(24)
