"""Reading what was typed: PersonDetails, folded names, postcodes, NHS numbers, dates."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import NamedTuple


@dataclass(frozen=True)
class PersonDetails:
    given_names: str  # first and middle names as typed
    family_name: str
    other_names: str = ""  # aliases / previous names, comma-separated free text
    date_of_birth: date | None = None
    postcode: str = ""
    nhs_number: str = ""  # digits, may contain spaces


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
_NOT_A_DIGIT = re.compile(r"[^0-9]+")


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
    return _NOT_A_DIGIT.sub("", value) if value else ""


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


# --- a person made ready to compare ---------------------------------------------------------


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


def _swap_day_month(d: date) -> date | None:
    """The date with day and month swapped (4 March as 3 April), if that is another date."""
    if d.day > 12 or d.day == d.month:
        return None
    return date(d.year, d.day, d.month)
