"""Blocking keys: search_keys stored for every person, query_keys looked up for a search."""

from __future__ import annotations

import re
from functools import lru_cache

from portal.families.matching.normalise import (
    _ALIAS_NOISE,
    PersonDetails,
    _forms,
    _prepare,
    _swap_day_month,
    fold,
)
from portal.families.matching.similarity import phonetic_key
from portal.families.nicknames import name_groups

MAX_QUERY_KEYS = 60
MAX_FAMILY_CODES = 3
_SEPARATORS = re.compile(r"[,;/\n]+")


@lru_cache(maxsize=65536)
def _name_codes(word: str) -> tuple[str, ...]:
    """The codes a given name is indexed under: the canonical names it can
    stand for (so "Liz" meets "Elizabeth") and its sound key (for spellings
    not listed). Canonical names are lower case, sound keys upper case."""
    codes = sorted(name_groups(word))
    sound = phonetic_key(word)
    if sound:
        codes.append(sound)
    return tuple(codes)


def _family_codes(parts: tuple[str, ...]) -> list[str]:
    """Sound keys of a family name's forms, the most telling first: the whole
    name, the first and last parts of a double-barrelled one, then the rest."""
    if not parts:
        return []
    forms = _forms(parts)
    ordered = ["".join(parts), parts[0], parts[-1], *sorted(forms)]
    codes: list[str] = []
    for form in ordered:
        code = phonetic_key(form) if form in forms else ""
        if code and code not in codes:
            codes.append(code)
    return codes[:MAX_FAMILY_CODES]


def _alias_entries(person: PersonDetails) -> list[tuple[str, ...]]:
    """Up to three other names, each as its words."""
    entries = [
        tuple(w for w in fold(entry).split() if w not in _ALIAS_NOISE)
        for entry in _SEPARATORS.split(person.other_names)
    ]
    return [entry for entry in entries if entry][:3]


def _keys(person: PersonDetails, *, query: bool) -> list[str]:
    """The keys of a person, the most telling first."""
    p = _prepare(person)
    given, family_parts = p.names.given, p.names.family
    keys: list[str] = []
    if p.nhs:
        keys.append(f"nhs:{p.nhs}")
    if p.dob is not None:
        keys.append(f"dob:{p.dob.isoformat()}")
        swapped = _swap_day_month(p.dob)
        if query and swapped is not None:
            keys.append(f"dob:{swapped.isoformat()}")
    family = _family_codes(family_parts)
    first = _name_codes(given[0]) if given else ()
    # Given name with family name: the key most searches meet on. Middle names
    # too, for a middle name used as the first name.
    keys += [f"n:{g}|{f}" for g in first for f in family]
    if family:
        keys += [f"n:{g}|{family[0]}" for word in given[1:3] for g in _name_codes(word)]
    if query and given and family_parts:
        # Given and family names typed the other way round.
        as_family = phonetic_key(given[0])
        keys += [f"n:{g}|{as_family}" for g in _name_codes(family_parts[0])]
    # Family name with birth year: finds a mistyped or unlisted first name.
    if p.dob is not None:
        keys += [f"fy:{f}|{p.dob.year}" for f in family]
    # Postcode with each name: finds a mistyped date of birth, or none given.
    if p.postcode:
        compact = p.postcode.replace(" ", "")
        keys += [f"pf:{compact}|{f}" for f in family]
        keys += [f"pg:{compact}|{g}" for g in first]
    # Other names: "Liz Smith" is a whole name, "Smith" a previous family name
    # or another first name.
    for entry in _alias_entries(person):
        if len(entry) > 1:
            keys += [f"n:{g}|{phonetic_key(entry[-1])}" for g in _name_codes(entry[0])]
        else:
            keys += [f"n:{g}|{phonetic_key(entry[0])}" for g in first]
            keys += [f"n:{g}|{family[0]}" for g in _name_codes(entry[0]) if family]
    return list(dict.fromkeys(keys))


def search_keys(person: PersonDetails) -> set[str]:
    """The blocking keys to store, indexed, for a person."""
    return set(_keys(person, query=False))


def query_keys(query: PersonDetails) -> set[str]:
    """The keys to look up for a search: everyone sharing one is scored.

    They add to a person's own keys the date of birth with day and month
    swapped and the names read the other way round. However many names are
    typed, a search looks up at most ``MAX_QUERY_KEYS``, the most telling."""
    return set(_keys(query, query=True)[:MAX_QUERY_KEYS])
