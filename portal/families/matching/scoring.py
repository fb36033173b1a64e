"""The score: weights for NHS numbers, dates of birth and postcodes; score, cannot_match."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from portal.families.matching.names import (
    DIFFERENT,
    NICKNAME,
    W_FAMILY,
    W_GIVEN,
    _names_weight,
)
from portal.families.matching.normalise import (
    PersonDetails,
    _given_words,
    _prepare,
    _swap_day_month,
    fold,
    normalise_nhs_number,
    valid_nhs_number,
)
from portal.families.matching.similarity import damerau_levenshtein


@dataclass(frozen=True)
class Match:
    score: float  # 0.0 .. 1.0
    reasons: tuple[str, ...]  # short plain English, e.g. ("date of birth matches", ...)


# A likely match: shown first ("Likely the same child"), and warned about on create.
MATCH_THRESHOLD: float = 0.5
# A possible match: shown after the likely ones, at most a few, to check before
# recording a new family. Low on purpose: in the labelled sets it keeps all
# but one of 551 same-child pairs (a moved family with a common name, a slip
# read as a twin's name, a baby not yet named), and in the synthetic
# partnership a slip in a three-letter name ("Iy" for "Ivy", 0.018) too;
# a practitioner would rather look at a record than miss a child already
# known (bench/matching_population.py measures what it costs).
POSSIBLE_THRESHOLD: float = 0.01
TWIN_REASON = "same date of birth and address, different first name: could be a twin"

# Log-odds weights (the names' are in ``names``). Candidates have already
# shared a blocking key, so the prior is only mildly against; full names alone
# (uncommon ones) just pass.
PRIOR = -6.0
W_NHS_SAME = 12.0
W_NHS_DIFFERENT = -12.0
W_DOB = {"same": 5.0, "swapped": 3.5, "typo": 2.0, "different": -9.0}
W_POSTCODE = {"same": 1.5, "sector": 0.8, "district": 0.3, "different": -0.7}
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
W_DOB_UNNAMED = 3.5  # the most a date can count for a baby not yet named
EXPECTED_DATE_DAYS = 42


# --- dates, postcodes, NHS numbers ------------------------------------------------------------


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
        elif q.placeholder or c.placeholder:
            # Without a first name, a family name and a birthday are shared by
            # more babies than one (twins, cousins, a common name on a busy day).
            total += min(W_DOB[level], W_DOB_UNNAMED)
            reasons.append(DOB_REASONS[level])
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
    # and the same full name and birthday must never come back "No match". A
    # baby not yet named has no full name: its family name and a date near its
    # expected one are shared by many babies, so the discount stands.
    unnamed = q.placeholder or c.placeholder
    if postcode != "same" and (postcode or level not in ("same", "swapped") or unnamed):
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
    if (
        level == "same"
        and postcode == "same"
        and names.family_level <= NICKNAME < names.given_level
    ):
        # Said, not used to hide the child: it may as well be one name mistyped.
        reasons.append(TWIN_REASON)
    probability = 1.0 / (1.0 + math.exp(-max(min(total, 30.0), -30.0)))
    return Match(round(probability, 4), tuple(reasons))


# The most everything but the dates of birth and NHS numbers can add to a
# score: both names agreeing exactly at the same address (every other name
# term only takes away).
_BEST_OF_THE_REST = (
    PRIOR + max(W_GIVEN.values()) + max(W_FAMILY.values()) + max(W_POSTCODE.values())
)


def cannot_match(
    query: PersonDetails, candidate: PersonDetails, threshold: float = MATCH_THRESHOLD
) -> bool:
    """True only when ``score`` is certainly below ``threshold`` whatever the
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
    return total < math.log(threshold / (1.0 - threshold)) - 0.01


def is_likely_match(query: PersonDetails, candidate: PersonDetails) -> bool:
    return score(query, candidate).score >= MATCH_THRESHOLD


def same_full_name(query: PersonDetails, candidate: PersonDetails) -> bool:
    """The same given and family names, letter for letter once folded (case,
    accents, spacing): such a child is always shown, whatever the score, when
    the date of birth agrees or the search has none."""
    return fold(query.given_names) == fold(candidate.given_names) and fold(
        query.family_name
    ) == fold(candidate.family_name)
