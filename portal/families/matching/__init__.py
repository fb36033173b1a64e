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

The modules, each importing only those above it:

* ``normalise``: ``PersonDetails``, folding, postcodes, NHS numbers;
* ``similarity``: edit distance, Jaro-Winkler, the NYSIIS sound key;
* ``names``: how well two people's names agree, with the names' weights;
* ``scoring``: ``score``, ``cannot_match`` and the other fields' weights;
* ``blocking``: ``search_keys`` and ``query_keys``.
"""

from __future__ import annotations

from portal.families.matching.blocking import (
    MAX_FAMILY_CODES,
    MAX_QUERY_KEYS,
    query_keys,
    search_keys,
)
from portal.families.matching.blocking import _name_codes as _name_codes
from portal.families.matching.names import (
    DIFFERENT,
    EXACT,
    FAMILY_REASONS,
    GIVEN_REASONS,
    INITIAL,
    NICKNAME,
    NONE,
    PREFIX,
    SOUNDS,
    TYPO,
    W_ALIAS,
    W_FAMILY,
    W_GIVEN,
    W_MIDDLE,
    W_MIDDLE_DIFFERS,
    W_NAME_FLOOR,
    W_SWAPPED,
    family_level,
    given_level,
)
from portal.families.matching.names import _family_agreement as _family_agreement
from portal.families.matching.names import _given_agreement as _given_agreement
from portal.families.matching.normalise import (
    PersonDetails,
    fold,
    normalise_nhs_number,
    normalise_postcode,
    valid_nhs_number,
)
from portal.families.matching.normalise import _forms as _forms
from portal.families.matching.normalise import _prepare as _prepare
from portal.families.matching.scoring import (
    DOB_REASONS,
    EXPECTED_DATE_DAYS,
    MATCH_THRESHOLD,
    POSSIBLE_THRESHOLD,
    POSTCODE_REASONS,
    PRIOR,
    TWIN_REASON,
    W_DOB,
    W_DOB_EXPECTED,
    W_NEAR_MISS_BOTH,
    W_NHS_DIFFERENT,
    W_NHS_SAME,
    W_POSTCODE,
    Match,
    cannot_match,
    dob_level,
    is_likely_match,
    postcode_level,
    same_full_name,
    score,
)
from portal.families.matching.similarity import damerau_levenshtein, jaro_winkler, phonetic_key

# The private memoised functions (_name_codes, _forms, _prepare, _given_agreement,
# _family_agreement) are imported "as" themselves above, not for use but so that
# calling every ``cache_clear`` found in ``vars(matching)`` still forgets all the
# package's caches, as bench/matching_quality.py does.
__all__ = [
    "DIFFERENT",
    "DOB_REASONS",
    "EXACT",
    "EXPECTED_DATE_DAYS",
    "FAMILY_REASONS",
    "GIVEN_REASONS",
    "INITIAL",
    "MATCH_THRESHOLD",
    "MAX_FAMILY_CODES",
    "MAX_QUERY_KEYS",
    "NICKNAME",
    "NONE",
    "POSSIBLE_THRESHOLD",
    "POSTCODE_REASONS",
    "PREFIX",
    "PRIOR",
    "SOUNDS",
    "TWIN_REASON",
    "TYPO",
    "W_ALIAS",
    "W_DOB",
    "W_DOB_EXPECTED",
    "W_FAMILY",
    "W_GIVEN",
    "W_MIDDLE",
    "W_MIDDLE_DIFFERS",
    "W_NAME_FLOOR",
    "W_NEAR_MISS_BOTH",
    "W_NHS_DIFFERENT",
    "W_NHS_SAME",
    "W_POSTCODE",
    "W_SWAPPED",
    "Match",
    "PersonDetails",
    "cannot_match",
    "damerau_levenshtein",
    "dob_level",
    "family_level",
    "fold",
    "given_level",
    "is_likely_match",
    "jaro_winkler",
    "normalise_nhs_number",
    "normalise_postcode",
    "phonetic_key",
    "postcode_level",
    "query_keys",
    "same_full_name",
    "score",
    "search_keys",
    "valid_nhs_number",
]
