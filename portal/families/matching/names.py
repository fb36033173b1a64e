"""How well two people's names agree: agreement levels, their weights and reasons."""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import lru_cache
from typing import NamedTuple

from portal.families.matching.normalise import _forms, _Names, _Prepared
from portal.families.matching.similarity import (
    _first_sound,
    damerau_levenshtein,
    jaro_winkler,
    phonetic_key,
)
from portal.families.name_frequencies import (
    UNLISTED,
    family_name_frequency,
    given_name_frequency,
)
from portal.families.nicknames import is_known_name, name_groups, same_name

# Log-odds weights of the names (the prior and the other fields' are in ``scoring``).
W_SWAPPED = -0.5  # given and family names the other way round
W_MIDDLE = -0.8  # matched on a middle name, not the first name
W_ALIAS = -0.5  # matched on another name recorded
W_MIDDLE_DIFFERS = -2.0  # first names agree, middle names clearly do not

# How common a name is (``name_frequencies``). In a Fellegi-Sunter model the
# weight of agreeing on a value is log(m / u), u being the chance two different
# people share it, which for a name is about how common it is. So agreeing on a
# name listed as having frequency f counts log(f / UNLISTED) less than agreeing
# on a name too rare to be listed: "Oliver Smith" and the same date of birth
# is far weaker than "Ottilie Brackenbury" and the same date. The discount
# never takes an agreeing name below W_NAME_FLOOR: agreeing on the commonest
# names says next to nothing (the candidates were fetched for sharing a name
# sound), but agreement is never evidence against. It is not made at the same
# postcode: different people who share a home and a family name are a
# household, and brothers and sisters are not given the same first name
# however common it is, so there the address, not the rarity of the name, is
# what tells them apart.
W_NAME_FLOOR = 0.0

# Name agreement levels, best first.
EXACT, NICKNAME, TYPO, SOUNDS, PREFIX, INITIAL, NONE, DIFFERENT = range(8)
W_GIVEN = {
    EXACT: 3.5,
    NICKNAME: 3.0,
    TYPO: 2.2,
    SOUNDS: 2.0,
    PREFIX: 1.2,
    INITIAL: 0.0,
    NONE: -6.0,
    DIFFERENT: -7.0,
}
W_FAMILY = {EXACT: 3.0, NICKNAME: 2.5, TYPO: 2.0, SOUNDS: 1.8, PREFIX: 1.0, NONE: -3.0}
GIVEN_REASONS = {
    EXACT: "first name matches",
    NICKNAME: "first name is a short form or other spelling",
    TYPO: "first name differs by a typing slip",
    SOUNDS: "first name sounds the same",
    PREFIX: "first name is shortened",
    INITIAL: "only an initial to compare",
    NONE: "first names differ",
    DIFFERENT: "first names differ",
}
FAMILY_REASONS = {
    EXACT: "family name matches",
    NICKNAME: "part of a double-barrelled or prefixed family name matches",
    TYPO: "family name differs by a typing slip",
    SOUNDS: "family name sounds the same",
    PREFIX: "family name is shortened",
    NONE: "family names differ",
}


def _gender_pair(a: str, b: str) -> bool:
    """ "Louis"/"Louise", "Eric"/"Erica", "Roberto"/"Roberta": one edit apart,
    but a boy's and a girl's name, so not a typing slip."""
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if long_ in (short + "a", short + "e"):
        return True
    return len(a) == len(b) and a[:-1] == b[:-1] and {a[-1], b[-1]} <= {"a", "o", "e"}


# Letters written differently when a name is brought into English from another
# alphabet: Kurdish and Persian ژ as "zh" or "j" ("Rozhin", "Rojin"), Cyrillic
# Ж and Arabic ج as "zh", "dzh", "dj" or "j" ("Zhanna", "Djamila").
_TRANSLITERATIONS = (("dzh", "j"), ("zh", "j"), ("dj", "j"))


def _transliterated(word: str) -> str:
    for written, plain in _TRANSLITERATIONS:
        word = word.replace(written, plain)
    return word


@lru_cache(maxsize=131072)
def given_level(a: str, b: str) -> int:
    """How well two folded given names agree (EXACT ... DIFFERENT)."""
    if a == b:
        return EXACT
    if len(a) == 1 or len(b) == 1:
        return INITIAL if a[0] == b[0] else NONE
    if same_name(a, b) or _transliterated(a) == _transliterated(b):
        return NICKNAME
    if is_known_name(a) and is_known_name(b):
        # Two different real names: twins, siblings, or a different child.
        return DIFFERENT
    if _gender_pair(a, b):
        return DIFFERENT
    shortest = min(len(a), len(b))
    edits = damerau_levenshtein(a, b, 2)
    if edits == 1 and shortest >= 4:
        return TYPO
    if edits == 2 and shortest >= 7 and jaro_winkler(a, b) >= 0.92:
        return TYPO
    if _first_sound(a) == _first_sound(b) and phonetic_key(a) == phonetic_key(b):
        return SOUNDS
    if shortest >= 3 and (a.startswith(b) or b.startswith(a)):
        return PREFIX
    return NONE


@lru_cache(maxsize=131072)
def family_level(a: str, b: str) -> int:
    """How well two folded one-word family names agree (EXACT ... NONE)."""
    if a == b:
        return EXACT
    shortest = min(len(a), len(b))
    edits = damerau_levenshtein(a, b, 2)
    if edits == 1 and shortest >= 3:
        return TYPO
    if edits == 2 and shortest >= 6 and jaro_winkler(a, b) >= 0.9:
        return TYPO
    if _first_sound(a) == _first_sound(b) and phonetic_key(a) == phonetic_key(b):
        return SOUNDS
    return NONE


def _rarity_discount(weight: float, frequency: float) -> float:
    """How much less agreeing on a name this common counts (see W_NAME_FLOOR)."""
    if frequency <= UNLISTED or weight <= W_NAME_FLOOR:
        return 0.0
    return min(math.log(frequency / UNLISTED), weight - W_NAME_FLOOR)


class _Agreement(NamedTuple):
    """How one part of the names (given or family) agrees."""

    weight: float
    reason: str
    level: int  # EXACT ... DIFFERENT, as read directly (not through other names)
    discount: float  # taken off ``weight`` unless the postcode matches (a common name)


_NO_NAMES = _Agreement(0.0, "", EXACT, 0.0)


@lru_cache(maxsize=131072)
def _given_agreement(q: tuple[str, ...], c: tuple[str, ...]) -> _Agreement:
    """How two people's given names (first, then middles) agree."""
    if not q or not c:
        return _NO_NAMES
    level = given_level(q[0], c[0])
    weight = W_GIVEN[level]
    reason = GIVEN_REASONS[level]
    if level <= NICKNAME:
        # The same name, or one group's names: as telling as the commoner is rare.
        frequency = max(given_name_frequency(q[0]), given_name_frequency(c[0]))
        if len(q) > 1 and len(c) > 1 and given_level(q[1], c[1]) >= NONE:
            if "muhammad" in name_groups(q[0]):
                # Many boys in a family are Muhammad first, known by the next
                # name: twins "Muhammad Ayaan" and "Muhammad Zayan".
                middle = W_GIVEN[given_level(q[1], c[1])]
                return _Agreement(middle, "the names after Muhammad differ", level, 0.0)
            weight += W_MIDDLE_DIFFERS
            return _Agreement(weight, f"{reason}, middle names differ", level, 0.0)
        return _Agreement(weight, reason, level, _rarity_discount(weight, frequency))
    # "Mary Jane" and "Maryjane" or "Mary-Jane".
    if (len(q) > 1 or len(c) > 1) and "".join(q) == "".join(c):
        return _Agreement(W_GIVEN[EXACT], "given names match", EXACT, 0.0)
    # A middle name used as the first name. When both have more than one given
    # name and share only one, that is how twins are often named: no match.
    if len(q) == 1 or len(c) == 1 or len(set(q) & set(c)) >= 2:
        pairs = [(q[0], m) for m in c[1:]] + [(m, c[0]) for m in q[1:]]
        for a, b in pairs:
            middle = given_level(a, b)
            if middle <= TYPO and W_GIVEN[middle] + W_MIDDLE > weight:
                weight, reason = W_GIVEN[middle] + W_MIDDLE, "a middle name is used as first name"
    return _Agreement(weight, reason, level, 0.0)


def _masculine(word: str) -> str:
    """The form of a Slavic family name that men and boys have: women's and
    girls' forms add -ová (Czech, Slovak: "Horváthová", "Gažiová") or end in
    -ska, -cka (Polish: "Kowalska"). Sisters and brothers, mothers and sons,
    and one girl in two records, may be written either way."""
    if word.endswith("ova") and len(word) >= 6:
        return word[:-3]
    if word.endswith(("ska", "cka")) and len(word) >= 6:
        return word[:-1] + "i"
    return word


@lru_cache(maxsize=131072)
def _family_agreement(q: tuple[str, ...], c: tuple[str, ...]) -> _Agreement:
    """How two family names (as their parts) agree."""
    if not q or not c:
        return _NO_NAMES  # nothing to compare, so nothing to look for in other names
    q_joined, c_joined = "".join(q), "".join(c)
    if q == c or q_joined == c_joined:
        weight = W_FAMILY[EXACT]
        discount = _rarity_discount(weight, family_name_frequency(q_joined))
        return _Agreement(weight, FAMILY_REASONS[EXACT], EXACT, discount)
    q_forms, c_forms = _forms(q), _forms(c)
    if not q_forms.isdisjoint(c_forms):
        return _Agreement(W_FAMILY[NICKNAME], FAMILY_REASONS[NICKNAME], NICKNAME, 0.0)
    # A slip or a sound is looked for between names as written (joined, or a
    # double-barrelled name's parts), never in what is left once a prefix is
    # dropped: "le|wis" and "da|vis" leave "wis" and "vis", a letter apart.
    level = min(family_level(a, b) for a in _written(q) for b in _written(c))
    if level > EXACT:
        q_male = {_masculine(f) for f in q_forms}
        c_male = {_masculine(f) for f in c_forms}
        if q_male != q_forms or c_male != c_forms:
            male = min(family_level(a, b) for a in q_male for b in c_male)
            if male == EXACT:
                reason = "family name matches in its other form (-ová, -ska)"
                return _Agreement(W_FAMILY[NICKNAME], reason, NICKNAME, 0.0)
            level = min(level, male)
    weight = W_FAMILY[level]
    discount = 0.0
    if level in (TYPO, SOUNDS):
        # Two spellings that are each a common name in their own right (Hill
        # and Hall, Davis and Davies) are as likely two families as one slip:
        # the likeness counts as little as agreeing on the rarer of the two.
        frequency = min(family_name_frequency(q_joined), family_name_frequency(c_joined))
        discount = _rarity_discount(weight, frequency)
    return _Agreement(weight, FAMILY_REASONS[level], level, discount)


def _written(parts: tuple[str, ...]) -> set[str]:
    return {"".join(parts), *(p for p in parts if len(p) > 1)} if len(parts) > 1 else {parts[0]}


def _alias_weight(
    words: tuple[str, ...], others: tuple[str, ...], compare: Callable[[str, str], int]
) -> int:
    """The best level between any of ``words`` and the other names recorded."""
    return min((compare(w, o) for w in words for o in others), default=NONE)


def _given_weight(q: _Names, c: _Names) -> _Agreement:
    agreement = _given_agreement(q.given, c.given)
    if agreement.weight < W_GIVEN[NICKNAME] and q.given and c.given and (q.aliases or c.aliases):
        # A name recorded among the other names ("known as Precious").
        for first, others in ((q.given[:1], c.aliases), (c.given[:1], q.aliases)):
            level = _alias_weight(first, others, given_level)
            if level <= TYPO and W_GIVEN[level] + W_ALIAS > agreement.weight:
                weight, reason = W_GIVEN[level] + W_ALIAS, "first name is one of the other names"
                agreement = _Agreement(weight, reason, agreement.level, 0.0)
    return agreement


def _family_weight(q: _Names, c: _Names) -> _Agreement:
    agreement = _family_agreement(q.family, c.family)
    if agreement.level > TYPO and q.family and c.family and (q.aliases or c.aliases):
        # A previous family name, recorded among the other names.
        for forms, others in ((_forms(q.family), c.aliases), (_forms(c.family), q.aliases)):
            alias = _alias_weight(tuple(forms), others, family_level)
            if alias <= TYPO and W_FAMILY[alias] + W_ALIAS > agreement.weight:
                weight, reason = W_FAMILY[alias] + W_ALIAS, "family name is one of the other names"
                agreement = _Agreement(weight, reason, agreement.level, 0.0)
    return agreement


def _could_be_swapped(q: _Prepared, c: _Prepared) -> bool:
    """A cheap test before comparing names crosswise: does either name start
    with the sound the other person's other name starts with?"""
    q_given, q_family = q.names.given, q.names.family
    c_given, c_family = c.names.given, c.names.family
    if not (q_given and q_family and c_given and c_family):
        return False
    return _first_sound(q_given[0]) == _first_sound(c_family[0]) or _first_sound(
        q_family[0]
    ) == _first_sound(c_given[0])


class _NamesWeight(NamedTuple):
    weight: float
    reasons: list[str]
    discount: float  # taken off unless the postcode matches: the names are common ones
    near_misses: bool  # neither name agrees exactly: a near miss in each
    given_level: int  # EXACT .. DIFFERENT, as compared (after any swap)
    family_level: int


def _names_weight(q: _Prepared, c: _Prepared) -> _NamesWeight:
    given = _given_weight(q.names, c.names)
    family = _family_weight(q.names, c.names)
    weight = given.weight + family.weight
    levels = (given.level, family.level)
    reasons = [r for r in (given.reason, family.reason) if r]
    discount = given.discount + family.discount
    near_misses = (
        bool(q.names.given and c.names.given)
        and NICKNAME <= given.level <= PREFIX
        and TYPO <= family.level <= PREFIX
    )
    if (
        given.weight < W_GIVEN[PREFIX]
        and family.weight < W_FAMILY[SOUNDS]
        and _could_be_swapped(q, c)
    ):
        # Neither name agrees: perhaps they were typed the other way round.
        # Either side may be the one swapped; the given name is compared as a
        # given name, so both readings are tried.
        for left, right in ((q.swapped, c.names), (q.names, c.swapped)):
            s_given = _given_weight(left, right)
            s_family = _family_weight(left, right)
            swapped = s_given.weight + s_family.weight + W_SWAPPED
            if swapped > weight:
                weight = swapped
                reasons = ["given and family names are swapped"]
                reasons += [r for r in (s_given.reason, s_family.reason) if r]
                discount = s_given.discount + s_family.discount
                near_misses = False
                levels = (s_given.level, s_family.level)
    return _NamesWeight(weight, reasons, discount, near_misses, *levels)
