"""Person matching for "find before create": is this child already recorded?

Pure functions, no database and no I/O, so the rules can be tested on their own.

Two steps, as in any record-linkage system:

* **Blocking.** ``search_keys`` are stored (indexed) for every person, and a
  search fetches the people sharing at least one of its ``query_keys``. Keys
  pair two facts (a name sound with a family-name sound, a family-name sound
  with a birth year, ...) so that each key holds few of the 600,000 people,
  and there are enough of them that one typo does not lose the record.
* **Scoring.** ``score`` weighs the evidence field by field, in log-odds like
  a Fellegi-Sunter model with hand-set weights: agreement adds, disagreement
  subtracts, a missing field says nothing. The sum goes through a logistic
  curve to give 0.0 .. 1.0, and each weight that counted gives a plain-English
  reason the searcher can check.

Agreeing on a name counts for more the rarer the name (``name_frequencies``):
two different children called Oliver Smith born on the same day are not rare,
two called Ottilie Brackenbury are.

The hardest look-alikes are twins: same family name, date of birth and
postcode. What tells them apart is that their first names are two different
real names ("Jack" and "Jake"), not one name mistyped ("Jack" and "Jakc"), so
two different names known to ``nicknames`` count strongly against a match.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import NamedTuple

from portal.families.name_frequencies import (
    UNLISTED,
    family_name_frequency,
    given_name_frequency,
)
from portal.families.nicknames import is_known_name, name_groups, same_name


@dataclass(frozen=True)
class PersonDetails:
    given_names: str  # first and middle names as typed
    family_name: str
    other_names: str = ""  # aliases / previous names, comma-separated free text
    date_of_birth: date | None = None
    postcode: str = ""
    nhs_number: str = ""  # digits, may contain spaces


@dataclass(frozen=True)
class Match:
    score: float  # 0.0 .. 1.0
    reasons: tuple[str, ...]  # short plain English, e.g. ("date of birth matches", ...)


# A likely match: worth showing to the searcher, and warning about on create.
MATCH_THRESHOLD: float = 0.5

# Log-odds weights. Candidates have already shared a blocking key, so the
# prior is only mildly against; full names alone (uncommon ones) just pass.
PRIOR = -6.0
W_NHS_SAME = 12.0
W_NHS_DIFFERENT = -12.0
W_DOB = {"same": 5.0, "swapped": 3.5, "typo": 2.0, "different": -9.0}
W_POSTCODE = {"same": 1.5, "sector": 0.8, "district": 0.3, "different": -0.7}
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
# Both names near misses (a slip, a spelling or a short form in the first name
# AND a slip or a sound-alike in the family name) at different addresses: more
# often two look-alike children in one area (Lilly Hill and Lily Hall) than one
# child with two slips in one record, so it counts less than the two apart.
W_NEAR_MISS_BOTH = -2.0
# A baby recorded before being named ("Baby", "Unborn", "Infant of ...", "Twin
# 1") carries the expected date of delivery, and most babies are born within a
# few weeks of it: within EXPECTED_DATE_DAYS counts for, if less than, a date
# that agrees.
W_DOB_EXPECTED = 2.5
EXPECTED_DATE_DAYS = 42

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

# Family-name prefixes written joined, apart or with an apostrophe ("O'Brien",
# "O Brien", "OBrien"; "Mc Donald"; "Al-Hassan"): joined to the next word.
_PARTICLES = frozenset(
    [
        "o",
        "mc",
        "mac",
        "st",
        "de",
        "da",
        "di",
        "du",
        "van",
        "von",
        "der",
        "den",
        "le",
        "la",
        "al",
        "el",
        "bin",
        "ibn",
        "abu",
        "ben",
        "dos",
        "das",
        "del",
    ]
)
# Of those, the ones also left off at times ("Hassan" for "Al-Hassan").
_DROPPABLE = ("al", "el", "van", "von", "de", "da", "di", "du", "le", "la", "der", "den", "del")

# Given "names" that stand in until a baby is named ("Baby Boy", "Twin 1",
# "Not known", "Infant of Sarah"): not names, so never evidence either way.
_PLACEHOLDERS = frozenset(
    {"baby", "babe", "unborn", "infant", "newborn", "unnamed", "unknown", "not", "known", "nk"}
    | {"boy", "girl", "male", "female", "twin", "triplet", "one", "two", "three", "child"}
)

# Words around the other names ("previously Walsh", "known as Ty", "nee Price").
_ALIAS_NOISE = frozenset(
    {"previously", "formerly", "previous", "prev", "known", "as", "aka", "nee", "born", "was"}
    | {"also", "called", "name", "names", "surname", "maiden", "birth", "and", "or", "the"}
)

# Letters NFKD does not take apart.
_FOLD_TABLE = str.maketrans(
    {
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "þ": "th",
        "Þ": "TH",
        "\u0131": "i",  # dotless i
        "\u2010": "-",  # hyphen
        "\u2013": "-",  # en dash
        "\u2014": "-",  # em dash
    }
)
_NOT_LETTERS = re.compile(r"[^a-z]+")
_NOT_ALNUM = re.compile(r"[^A-Z0-9]")
_SEPARATORS = re.compile(r"[,;/\n]+")


# --- normalising ------------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower case, accents off, apostrophes closed up, other punctuation as spaces:
    "  Zoë  O'Brien-Smith " -> "zoe obrien smith"."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text.translate(_FOLD_TABLE))
        # Accents are separate combining marks after NFKD: dropping what is not
        # ASCII drops them (and curly apostrophes, closing up the name).
        text = text.encode("ascii", "ignore").decode("ascii")
    text = text.lower().replace("'", "")
    return " ".join(_NOT_LETTERS.sub(" ", text).split())


def _family_parts(text: str) -> tuple[str, ...]:
    """The words of a family name, with prefixes joined on and Mac written Mc."""
    words = fold(text).split()
    parts: list[str] = []
    carry = ""
    for word in words:
        if word == "saint":
            word = "st"
        if word in _PARTICLES:
            carry += word
            continue
        word = carry + word
        carry = ""
        if word.startswith("mac") and len(word) > 5:
            word = "mc" + word[3:]
        parts.append(word)
    if carry:
        parts.append(carry)
    return tuple(parts)


def normalise_nhs_number(value: str) -> str:
    """Digits only: "943 476 5919" -> "9434765919"."""
    return "".join(ch for ch in value if "0" <= ch <= "9")


def valid_nhs_number(value: str) -> bool:
    """Ten digits (spaces and hyphens allowed) with a good modulus 11 check digit.

    A check digit that works out as 10 is never issued, so it is invalid. Ten of
    one digit ("0000000000", "1111111111") pass the arithmetic but are
    placeholders, not numbers, so they are refused too."""
    digits = value.replace(" ", "").replace("-", "")
    if len(digits) != 10 or not digits.isascii() or not digits.isdigit():
        return False
    if len(set(digits)) == 1:
        return False
    total = sum(int(digits[i]) * (10 - i) for i in range(9))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def normalise_postcode(value: str) -> str:
    """Upper case with one space before the inward code: " de221ab " -> "DE22 1AB".

    Anything too short to hold an inward code (an outward code alone, "DE22")
    is returned squeezed and upper case."""
    compact = _NOT_ALNUM.sub("", value.upper())
    if len(compact) < 5:
        return compact
    return f"{compact[:-3]} {compact[-3:]}"


# --- string similarity ------------------------------------------------------------------------


def damerau_levenshtein(a: str, b: str, limit: int = 3) -> int:
    """Edits (insert, delete, substitute, swap two neighbours) from a to b.

    Optimal string alignment, stopping early: anything over ``limit`` is
    returned as ``limit + 1``, which is all matching ever needs. Most pairs of
    names are nowhere near, and two cheap bounds say so before the table: the
    lengths, and the letters in one name but not the other (one edit changes
    that set by at most two)."""
    if a == b:
        return 0
    la, lb = len(a), len(b)
    if abs(la - lb) > limit:
        return limit + 1
    if la == 0 or lb == 0:
        return min(max(la, lb), limit + 1)
    if len(set(a).symmetric_difference(b)) > 2 * limit:
        return limit + 1
    before: list[int] = []
    previous = list(range(lb + 1))
    for i in range(1, la + 1):
        ca = a[i - 1]
        current = [i]
        row_min = i
        for j in range(1, lb + 1):
            cb = b[j - 1]
            value = previous[j - 1] + (ca != cb)
            if previous[j] + 1 < value:
                value = previous[j] + 1
            if current[j - 1] + 1 < value:
                value = current[j - 1] + 1
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb and before[j - 2] + 1 < value:
                value = before[j - 2] + 1
            current.append(value)
            if value < row_min:
                row_min = value
        if row_min > limit:
            return limit + 1
        before, previous = previous, current
    return min(previous[lb], limit + 1)


def jaro_winkler(a: str, b: str) -> float:
    """Jaro-Winkler similarity, 0.0 .. 1.0; agreement at the start counts extra,
    which suits names (typing slips are rarer in the first letters)."""
    if a == b:
        return 1.0
    la, lb = len(a), len(b)
    if la == 0 or lb == 0:
        return 0.0
    window = max(max(la, lb) // 2 - 1, 0)
    matched_b = [False] * lb
    matches_a: list[str] = []
    for i, ch in enumerate(a):
        for j in range(max(0, i - window), min(lb, i + window + 1)):
            if not matched_b[j] and b[j] == ch:
                matched_b[j] = True
                matches_a.append(ch)
                break
    m = len(matches_a)
    if m == 0:
        return 0.0
    matches_b = [b[j] for j in range(lb) if matched_b[j]]
    transpositions = sum(x != y for x, y in zip(matches_a, matches_b, strict=True)) / 2
    jaro = (m / la + m / lb + (m - transpositions) / m) / 3
    prefix = 0
    for x, y in zip(a[:4], b[:4], strict=False):
        if x != y:
            break
        prefix += 1
    return jaro + prefix * 0.1 * (1 - jaro)


_VOWELS = frozenset("AEIOU")


@lru_cache(maxsize=65536)
def phonetic_key(name: str) -> str:
    """A NYSIIS sound key for one folded word: "smith" and "smyth" -> "SNAT".

    NYSIIS (New York State Identification and Intelligence System, 1970) keeps
    the first letter and reduces the rest to how it sounds, so it suits
    blocking: spellings that sound alike share a key."""
    word = "".join(ch for ch in name.upper() if "A" <= ch <= "Z")
    if not word:
        return ""
    for old, new in (("MAC", "MCC"), ("KN", "NN"), ("K", "C"), ("PH", "FF"), ("PF", "FF")):
        if word.startswith(old):
            word = new + word[len(old) :]
            break
    if word.startswith("SCH"):
        word = "SSS" + word[3:]
    for old, new in (("EE", "Y"), ("IE", "Y"), ("DT", "D"), ("RT", "D"), ("RD", "D")):
        if word.endswith(old):
            word = word[: -len(old)] + new
            break
    else:
        if word.endswith(("NT", "ND")):
            word = word[:-2] + "D"
    letters = list(word)
    key = [letters[0]]
    i = 1
    n = len(letters)
    while i < n:
        ch = letters[i]
        nxt = letters[i + 1] if i + 1 < n else ""
        if ch == "E" and nxt == "V":
            letters[i : i + 2] = ["A", "F"]
        elif ch in _VOWELS or (ch == "Y" and nxt):
            letters[i] = "A"
        elif ch == "Q":
            letters[i] = "G"
        elif ch == "Z":
            letters[i] = "S"
        elif ch == "M":
            letters[i] = "N"
        elif ch == "K":
            if nxt == "N":
                letters[i] = "N"
            else:
                letters[i] = "C"
        elif ch == "S" and letters[i + 1 : i + 3] == ["C", "H"]:
            letters[i : i + 3] = ["S", "S", "S"]
        elif ch == "P" and nxt == "H":
            letters[i : i + 2] = ["F", "F"]
        elif ch == "H":
            prev = letters[i - 1]
            if prev not in _VOWELS or nxt not in _VOWELS:
                letters[i] = prev
        elif ch == "W" and letters[i - 1] in _VOWELS:
            letters[i] = letters[i - 1]
        if letters[i] != key[-1]:
            key.append(letters[i])
        i += 1
    if len(key) > 1 and key[-1] == "S":
        key.pop()
    if len(key) > 2 and key[-2:] == ["A", "Y"]:
        key[-2:] = ["Y"]
    if len(key) > 1 and key[-1] == "A":
        key.pop()
    return "".join(key)


# --- comparing names --------------------------------------------------------------------------


def _first_sound(word: str) -> str:
    """The first letter as NYSIIS keeps it: a cheap test before the whole key."""
    if word.startswith(("ph", "pf")):
        return "f"
    if word.startswith("kn"):
        return "n"
    return "c" if word[0] == "k" else word[0]


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


class _Names(NamedTuple):
    """One way of reading a person's names, folded."""

    given: tuple[str, ...]  # first name, then middle names
    family: tuple[str, ...]  # the parts of the family name ("smith", "jones")
    aliases: tuple[str, ...]  # words of the other names


class _Prepared(NamedTuple):
    """A person made ready to compare (named tuples: quick to make)."""

    names: _Names
    swapped: _Names  # given and family names the other way round
    dob: date | None
    postcode: str  # "DE22 1AB", or "" when missing
    nhs: str  # the number when valid, else ""
    placeholder: bool  # given names stand in for a baby not yet named ("Baby", "Unborn")
    marks: tuple[str, str]  # of a baby not yet named: birth order ("1") and sex ("f")


@lru_cache(maxsize=65536)
def _forms(parts: tuple[str, ...]) -> frozenset[str]:
    """A family name's forms: joined, each part of a double-barrelled name, and
    without a prefix that is often left off ("alhassan" also as "hassan")."""
    joined = "".join(parts)
    forms = {joined} if joined else set()
    if len(parts) > 1:
        forms.update(p for p in parts if len(p) > 1)
    for part in (joined, *parts) if len(parts) > 1 else (joined,):
        for prefix in _DROPPABLE:
            if part.startswith(prefix) and len(part) - len(prefix) >= 3:
                forms.add(part[len(prefix) :])
                break
    return frozenset(forms)


def _given_words(text: str) -> tuple[tuple[str, ...], bool]:
    """The given names as folded words, and whether they are a placeholder for
    a baby not yet named. After a placeholder word, what follows is no name of
    the child's: "Twin A", "Baby Girl", "Infant of Sarah" (the mother)."""
    words = fold(text).split()
    if not words or words[0] not in _PLACEHOLDERS:
        return tuple(w for w in words if w not in _PLACEHOLDERS), False
    if "of" in words:
        return (), True
    return tuple(w for w in words if w not in _PLACEHOLDERS and len(w) > 1), True


_ORDINALS = {"one": "1", "first": "1", "a": "1", "two": "2", "second": "2", "b": "2"}
_ORDINALS |= {"three": "3", "third": "3", "c": "3"}
_SEXES = {"boy": "m", "male": "m", "girl": "f", "female": "f"}
_DIGITS = re.compile(r"[0-9]+")


def _placeholder_marks(text: str) -> tuple[str, str]:
    """What tells unnamed babies apart, when written: the order of birth of
    twins or triplets ("Twin 1", "Twin B", "Triplet Two") and the sex ("Baby
    Boy", "Baby Girl"), each "" when not given."""
    words = fold(text).split()
    digits = _DIGITS.findall(text)
    order = digits[0].lstrip("0") if digits else ""
    order = order or next((_ORDINALS[w] for w in words[1:] if w in _ORDINALS), "")
    sex = next((_SEXES[w] for w in words if w in _SEXES), "")
    return order, sex


@lru_cache(maxsize=65536)
def _prepare(person: PersonDetails) -> _Prepared:
    given, placeholder = _given_words(person.given_names)
    family = _family_parts(person.family_name)
    aliases = tuple(w for w in fold(person.other_names).split() if w not in _ALIAS_NOISE)
    postcode = normalise_postcode(person.postcode) if person.postcode.strip() else ""
    nhs = normalise_nhs_number(person.nhs_number)
    return _Prepared(
        names=_Names(given, family, aliases),
        swapped=_Names(family, given[:1], aliases),
        dob=person.date_of_birth,
        postcode=postcode,
        nhs=nhs if nhs and valid_nhs_number(nhs) else "",
        placeholder=placeholder,
        marks=_placeholder_marks(person.given_names) if placeholder else ("", ""),
    )


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
    level = min(family_level(a, b) for a in q_forms for b in c_forms)
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


def _names_weight(q: _Prepared, c: _Prepared) -> _NamesWeight:
    given = _given_weight(q.names, c.names)
    family = _family_weight(q.names, c.names)
    weight = given.weight + family.weight
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
    return _NamesWeight(weight, reasons, discount, near_misses)


# --- dates, postcodes, NHS numbers ------------------------------------------------------------


def _swap_day_month(d: date) -> date | None:
    if d.day > 12 or d.day == d.month:
        return None
    return date(d.year, d.day, d.month)


def _one_slip(a: str, b: str) -> bool:
    """Equal-length strings that differ in one place, or by two neighbours swapped."""
    diffs = [i for i in range(len(a)) if a[i] != b[i]]
    if len(diffs) == 1:
        return True
    return (
        len(diffs) == 2
        and diffs[1] == diffs[0] + 1
        and a[diffs[0]] == b[diffs[1]]
        and a[diffs[1]] == b[diffs[0]]
    )


def _digits(d: date) -> str:
    return f"{d.year:04d}{d.month:02d}{d.day:02d}"


@lru_cache(maxsize=65536)
def dob_level(a: date, b: date) -> str:
    """ "same", "swapped" (04/03 and 03/04), "typo" (one digit) or "different"."""
    if a == b:
        return "same"
    if _swap_day_month(a) == b:
        return "swapped"
    if _one_slip(_digits(a), _digits(b)):
        return "typo"
    return "different"


DOB_REASONS = {
    "same": "date of birth matches",
    "swapped": "date of birth matches with day and month swapped",
    "typo": "date of birth differs by one digit",
    "different": "dates of birth differ",
}


@lru_cache(maxsize=65536)
def postcode_level(a: str, b: str) -> str:
    """ "same", "sector" (same street area, or one character out), "district", "different"."""
    if a == b:
        return "same"
    outward_a, _, inward_a = a.partition(" ")
    outward_b, _, inward_b = b.partition(" ")
    if not inward_a or not inward_b:
        return "district" if outward_a == outward_b else "different"
    if outward_a == outward_b and inward_a[0] == inward_b[0]:
        return "sector"
    if damerau_levenshtein(a, b, 1) <= 1:
        return "sector"
    if outward_a == outward_b:
        return "district"
    return "different"


POSTCODE_REASONS = {
    "same": "postcode matches",
    "sector": "postcode is close",
    "district": "postcode is in the same district",
    "different": "postcodes differ",
}


# --- the public API ---------------------------------------------------------------------------


def _told_apart(a: tuple[str, str], b: tuple[str, str]) -> bool:
    return any(x and y and x != y for x, y in zip(a, b, strict=True))


def score(query: PersonDetails, candidate: PersonDetails) -> Match:
    """How likely ``candidate`` is the person searched for, with the reasons."""
    q, c = _prepare(query), _prepare(candidate)
    total = PRIOR
    reasons: list[str] = []
    if q.nhs and c.nhs:
        if q.nhs == c.nhs:
            total += W_NHS_SAME
            reasons.append("NHS number matches")
        else:
            total += W_NHS_DIFFERENT
            reasons.append("NHS numbers differ")
    level = ""
    if q.dob is not None and c.dob is not None:
        level = dob_level(q.dob, c.dob)
        if (
            W_DOB[level] < W_DOB_EXPECTED
            and (q.placeholder or c.placeholder)
            and abs((q.dob - c.dob).days) <= EXPECTED_DATE_DAYS
        ):
            total += W_DOB_EXPECTED
            reasons.append("date of birth is close to the expected date of a baby not yet named")
        else:
            total += W_DOB[level]
            reasons.append(DOB_REASONS[level])
    postcode = postcode_level(q.postcode, c.postcode) if q.postcode and c.postcode else ""
    names = _names_weight(q, c)
    total += names.weight
    reasons.extend(names.reasons)
    if q.placeholder and c.placeholder and _told_apart(q.marks, c.marks):
        # "Twin 1" and "Twin 2", "Baby Boy" and "Baby Girl": two babies.
        total += W_GIVEN[DIFFERENT]
        reasons.append("babies not yet named, told apart as twins or by sex")
    # A common name counts for less unless the address agrees, or the address
    # is unknown and the date of birth agrees: a search seldom has a postcode,
    # and the same full name and birthday must never come back "No match".
    if postcode != "same" and (postcode or level not in ("same", "swapped")):
        if names.discount >= 1.0:
            reasons.append("a common name, so it counts for less")
        total -= names.discount
    # Only at addresses known to differ: a search usually has no postcode, and a
    # nickname plus a slip in a rare surname must still find the child.
    if names.near_misses and postcode and postcode != "same":
        total += W_NEAR_MISS_BOTH
        reasons.append("both names differ a little")
    if postcode:
        total += W_POSTCODE[postcode]
        reasons.append(POSTCODE_REASONS[postcode])
    probability = 1.0 / (1.0 + math.exp(-max(min(total, 30.0), -30.0)))
    return Match(round(probability, 4), tuple(reasons))


# The most everything but the dates of birth and NHS numbers can add to a
# score: both names agreeing exactly at the same address (every other name
# term only takes away).
_BEST_OF_THE_REST = (
    PRIOR + max(W_GIVEN.values()) + max(W_FAMILY.values()) + max(W_POSTCODE.values())
)


def cannot_match(query: PersonDetails, candidate: PersonDetails) -> bool:
    """True only when ``score`` is certainly below MATCH_THRESHOLD whatever the
    names say, judged from NHS numbers and dates of birth alone: a quick test
    before the costly name work. A common family name with a birth year fetches
    hundreds of children born on other days, and a different date of birth
    (-9) outweighs the best the names and address can do."""
    q = _prepare(query)
    nhs = normalise_nhs_number(candidate.nhs_number)
    total = _BEST_OF_THE_REST
    if q.nhs and nhs and valid_nhs_number(nhs):
        total += W_NHS_SAME if nhs == q.nhs else W_NHS_DIFFERENT
    dob = candidate.date_of_birth
    if q.dob is not None and dob is not None:
        weight = W_DOB[dob_level(q.dob, dob)]
        unnamed = q.placeholder or _given_words(candidate.given_names)[1]
        if unnamed and abs((q.dob - dob).days) <= EXPECTED_DATE_DAYS:
            weight = max(weight, W_DOB_EXPECTED)
        total += weight
    # A score is rounded to 4 places before the threshold: keep a margin.
    return total < -0.01


def is_likely_match(query: PersonDetails, candidate: PersonDetails) -> bool:
    return score(query, candidate).score >= MATCH_THRESHOLD


# --- blocking keys ----------------------------------------------------------------------------

MAX_QUERY_KEYS = 60
MAX_FAMILY_CODES = 3


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
