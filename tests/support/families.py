"""Form-filling helpers for the family record tests (integration and browser)."""

from __future__ import annotations

from datetime import date
from typing import Any


def date_fields(name: str, value: date | None) -> dict[str, str]:
    if value is None:
        return {f"{name}-day": "", f"{name}-month": "", f"{name}-year": ""}
    return {
        f"{name}-day": str(value.day),
        f"{name}-month": str(value.month),
        f"{name}-year": str(value.year),
    }


def new_family_form(
    given: str = "Elizabeth",
    family: str = "Smith-Jones",
    born: date | None = date(2016, 3, 4),
    place: str = "derby:north",
    postcode: str = "DE22 1HF",
    **extra: Any,
) -> dict[str, Any]:
    return {
        "place": place,
        "address_line_1": "12 Larch Road",
        "town": "Derby",
        "postcode": postcode,
        "given_names": given,
        "family_name": family,
        "gender": "female",
        **date_fields("dob", born),
        **extra,
    }


def person_form(
    given: str, family: str, role: str, born: date | None = None, **extra: Any
) -> dict[str, Any]:
    return {
        "given_names": given,
        "family_name": family,
        "role": role,
        "gender": "not_known",
        **date_fields("dob", born),
        **extra,
    }


def consent_form(person_id: int, purpose: str, **extra: Any) -> dict[str, Any]:
    return {
        "person": str(person_id),
        "purpose": purpose,
        "decision": "given",
        "given_by": "parent_carer",
        "given_by_name": "Sarah Smith-Jones",
        "method": "written",
        **date_fields("given_on", date(2026, 11, 2)),
        **extra,
    }


def search_form(given: str, family: str, born: date | None = None, **extra: Any) -> dict[str, Any]:
    return {"given_names": given, "family_name": family, **date_fields("dob", born), **extra}
