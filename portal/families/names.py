"""How a list names a family in a line: its children's first names and family
name ("Amy and Ben Smith"; "Amy Smith and Ben Jones" when their family names
differ). The caller decides whether the reader may know the family."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from portal.families.tables import Person

NO_CHILDREN = "Family with no children recorded"


def in_a_list(words: Sequence[str]) -> str:
    """ "Amy", "Amy and Ben", "Amy, Ben and Cara"."""
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def household_name(people: Sequence[dict[str, Any]]) -> str:
    """A family's name from its people (``given_names``, ``family_name``, ``role``),
    in the order they were recorded: the children's first names, each group of
    them followed by their family name. A family with no child recorded is
    called after its adults ("The Smith family")."""
    children = [p for p in people if p["role"] == "child"]
    if not children:
        surnames = [p["family_name"].strip() for p in people if p["family_name"].strip()]
        return f"The {surnames[0]} family" if surnames else NO_CHILDREN
    groups: dict[str, list[str]] = {}
    for child in children:
        firsts = groups.setdefault(child["family_name"].strip(), [])
        if child["given_names"].strip():
            firsts.append(" ".join(child["given_names"].split()))
    parts = [" ".join(w for w in (in_a_list(f), s) if w) for s, f in groups.items()]
    return in_a_list([p for p in parts if p]) or NO_CHILDREN


async def household_names(family_ids: Collection[int]) -> dict[int, str]:
    """Each family's ``household_name``, in one statement however many families."""
    if not family_ids:
        return {}
    people: dict[int, list[dict[str, Any]]] = {f: [] for f in family_ids}
    rows = await (
        Person.select(Person.family, Person.given_names, Person.family_name, Person.role)
        .where(Person.family.is_in(sorted(family_ids)))
        .order_by(Person.id)
    )
    for row in rows:
        people.setdefault(row["family"], []).append(row)
    return {family_id: household_name(found) for family_id, found in people.items()}
