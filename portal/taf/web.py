"""Helpers shared by the Team Around the Family pages."""

from __future__ import annotations

from typing import Any

from portal.families.service import people_of
from portal.families.tables import Family
from portal.kernel.forms import whole_number


async def family_name(family: Family) -> str:
    """How the pages name the family: after its first child, as the record does."""
    people = await people_of(family.id)
    first = next((p for p in people if p.role == "child"), people[0] if people else None)
    return f"{first.given_names} {first.family_name}'s family" if first else "Family"


def member_label(member: dict[str, Any]) -> str:
    extra = ", ".join(x for x in (member["role"], member["agency"]) if x)
    return f"{member['name']} ({extra})" if extra else member["name"]


def number(value: str) -> int | None:
    return whole_number(value)
