"""How well find-before-create matching does on the labelled pairs, and how fast.

Run: ``uv run python bench/matching_quality.py [PAIRS.csv]``

Reads tests/matching/pairs.csv, or the file given (pairs of fictional
children labelled ``same`` or ``different``), judges each pair with
``is_likely_match`` and prints the confusion counts, precision, recall, F1,
blocking recall (did the search keys fetch the true duplicate at all), recall
per variation, the pairs judged wrong, and how many candidates a search can
score per second. With no file given it then prints the same figures for
the two held-out sets, each written by someone who had not seen the matcher:
tests/matching/holdout.csv (since used to improve the matcher, so no longer
truly held out) and tests/matching/holdout2.csv (never seen by the matcher's
developers: the honest figure).
"""

from __future__ import annotations

import csv
import random
import statistics
import sys
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

from portal.families import matching, nicknames
from portal.families.matching import (
    MATCH_THRESHOLD,
    PersonDetails,
    is_likely_match,
    query_keys,
    score,
    search_keys,
)

PAIRS = Path(__file__).resolve().parent.parent / "tests" / "matching" / "pairs.csv"
HOLDOUT = PAIRS.with_name("holdout.csv")
HOLDOUT2 = PAIRS.with_name("holdout2.csv")


def person(row: dict[str, str], side: str) -> PersonDetails:
    dob = row[f"{side}_dob"]
    return PersonDetails(
        given_names=row[f"{side}_given"],
        family_name=row[f"{side}_family"],
        other_names=row[f"{side}_other"],
        date_of_birth=date.fromisoformat(dob) if dob else None,
        postcode=row[f"{side}_postcode"],
        nhs_number=row[f"{side}_nhs"],
    )


def load(path: Path = PAIRS) -> list[tuple[dict[str, str], PersonDetails, PersonDetails]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return [(row, person(row, "a"), person(row, "b")) for row in csv.DictReader(fh)]


def ratio(top: int, bottom: int) -> float:
    return top / bottom if bottom else 0.0


def quality(
    pairs: list[tuple[dict[str, str], PersonDetails, PersonDetails]], name: str = PAIRS.name
) -> None:
    tp = fp = fn = tn = 0
    blocked = same_pairs = 0
    wrong: list[str] = []
    by_variation: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # [judged right, pairs]
    largest_query = 0
    for row, a, b in pairs:
        same = row["label"] == "same"
        predicted = is_likely_match(a, b)
        largest_query = max(largest_query, len(query_keys(a)), len(query_keys(b)))
        if same:
            same_pairs += 1
            found = bool(query_keys(a) & search_keys(b)) and bool(query_keys(b) & search_keys(a))
            blocked += found
        if predicted and same:
            tp += 1
        elif predicted:
            fp += 1
        elif same:
            fn += 1
        else:
            tn += 1
        tally = by_variation[f"{row['label']:9} {row['variation']}"]
        tally[1] += 1
        if predicted == same:
            tally[0] += 1
        else:
            found_score = score(a, b).score
            wrong.append(f"{row['pair_id']} {row['label']} {row['variation']} score={found_score}")
    precision = ratio(tp, tp + fp)
    recall = ratio(tp, tp + fn)
    f1 = ratio(2 * tp, 2 * tp + fp + fn)
    print(f"{name}: {len(pairs)} pairs ({same_pairs} same, {len(pairs) - same_pairs} different)")
    print(f"threshold           {MATCH_THRESHOLD}")
    print(f"true positives      {tp}")
    print(f"false positives     {fp}")
    print(f"false negatives     {fn}")
    print(f"true negatives      {tn}")
    print(f"precision           {precision:.3f}")
    print(f"recall              {recall:.3f}")
    print(f"F1                  {f1:.3f}")
    print(
        f"blocking recall     {ratio(blocked, same_pairs):.3f}  ({blocked}/{same_pairs}, both ways)"
    )
    print(f"largest query_keys  {largest_query}")
    print()
    print("judged right by variation (for 'same' rows this is recall)")
    for name in sorted(by_variation):
        right, total = by_variation[name]
        print(f"  {name:50} {right:3}/{total:<3} {ratio(right, total):.2f}")
    print()
    print("misclassified pairs")
    for line in wrong or ["  none"]:
        print(f"  {line}")


def clear_caches() -> None:
    """Forget every memoised name, date and person, as a fresh process would."""
    for value in vars(matching).values():
        if hasattr(value, "cache_clear"):
            value.cache_clear()
    for value in vars(nicknames).values():
        if hasattr(value, "cache_clear"):
            value.cache_clear()


def candidates(people: list[PersonDetails], count: int, seed: int) -> list[PersonDetails]:
    """``count`` different people mixed from the pairs: one person's given
    names, another's family name, a third's date of birth and postcode."""
    rng = random.Random(seed)  # noqa: S311 - repeatable test data, not secrets
    made = []
    for _ in range(count):
        a, b, c = rng.choice(people), rng.choice(people), rng.choice(people)
        made.append(
            PersonDetails(
                given_names=a.given_names,
                family_name=b.family_name,
                other_names=a.other_names,
                date_of_birth=c.date_of_birth,
                postcode=c.postcode,
                nhs_number=c.nhs_number,
            )
        )
    return made


def speed(pairs: list[tuple[dict[str, str], PersonDetails, PersonDetails]]) -> None:
    """Score 1,000 candidates against one query, as one search does: from
    cold (every cache emptied first, the worst case) and warm (the same
    search again, when names seen before are remembered)."""
    people = [p for _, a, b in pairs for p in (a, b)]
    cold, warm = [], []
    for run in range(7):
        query = people[run * 17 % len(people)]
        batch = candidates(people, 1000, seed=run)
        clear_caches()
        start = time.perf_counter()
        for candidate in batch:
            score(query, candidate)
        cold.append(time.perf_counter() - start)
        start = time.perf_counter()
        for candidate in batch:
            score(query, candidate)
        warm.append(time.perf_counter() - start)
    print()
    print("scoring speed (one core; one query against 1,000 candidates; 7 runs)")
    for name, timings in (("cold", cold), ("warm", warm)):
        median = statistics.median(timings)
        print(
            f"  {name}  {median * 1000:6.1f} ms per 1,000 (median; best {min(timings) * 1000:.1f}),"
            f" {1 / median * 1000:,.0f} candidates/s"
        )


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv else PAIRS
    pairs = load(path)
    quality(pairs, path.name)
    speed(pairs)
    if not argv:
        for heading, held_out in (
            ("first blind set (written blind, since used to tune the matcher)", HOLDOUT),
            ("second blind set (never seen by the matcher's developers)", HOLDOUT2),
        ):
            print()
            print(heading)
            print()
            quality(load(held_out), held_out.name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
