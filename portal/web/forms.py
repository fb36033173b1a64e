"""Reading and checking submitted forms, GOV.UK style.

A ``Form`` keeps what the user typed (so a page with errors shows it back)
and one plain-English error per field, in the order the fields appear.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from litestar import Request


class Form:
    def __init__(self, values: Mapping[str, Any] | None = None) -> None:
        self.values: dict[str, Any] = dict(values or {})
        self.errors: dict[str, str] = {}
        self.first_input: dict[str, str] = {}  # field -> id of its first input, for the summary

    @classmethod
    async def read(cls, request: Request[Any, Any, Any]) -> Form:
        data = await request.form()
        values: dict[str, Any] = {}
        for key in data:
            items = [str(v) for v in data.getall(key)]
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
        try:
            value = datetime.date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
        except ValueError:
            self.error(name, f"{subject} must be a real date", f"{name}-day")
            return None
        if len(parts["year"]) != 4:
            self.error(name, "Year must include 4 numbers", f"{name}-year")
            return None
        today = today or datetime.date.today()
        if when == "past" and value > today:
            self.error(name, f"{subject} must be today or in the past", f"{name}-day")
        elif when == "future" and value < today:
            self.error(name, f"{subject} must be today or in the future", f"{name}-day")
        elif value.year < 1900:
            self.error(name, f"{subject} must be after 1900", f"{name}-year")
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
