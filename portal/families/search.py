"""Find before create: the people likely to be the searched-for child, fetched
by their indexed blocking keys and scored in full; keeping those keys; and
the per-user search limit."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from portal.audit import service as audit
from portal.db import rows_from_json, write_transaction
from portal.families import matching
from portal.families.tables import Family, Person, PersonSearchKey
from portal.kernel.clock import now_utc
from portal.kernel.errors import SearchLimitReached
from portal.kernel.users import CurrentUser

LIKELY, POSSIBLE = "likely", "possible"  # the bands
MAX_MATCHES = 20  # in the likely band
MAX_POSSIBLE = 5  # in the possible band
SEARCH_WINDOW = timedelta(minutes=10)  # PORTAL_SEARCH_LIMIT searches per user in this long
MAX_CANDIDATES = 2000  # scored in full per search
# Raw SQL, not the query builder: this runs on every search, and building it
# in Piccolo cost more Python than scoring the candidates.
CANDIDATE_KEYS_SQL = """
SELECT p.id, p.given_names, p.family_name, p.other_names, p.date_of_birth,
       p.expected_date, p.nhs_number, f.postcode AS family_postcode
FROM (SELECT k.person FROM person_search_key k WHERE k.key = ANY({}::text[])
      GROUP BY k.person ORDER BY count(*) DESC LIMIT {}) AS ranked
JOIN person p ON p.id = ranked.person
JOIN family f ON f.id = p.family
WHERE p.family <> {}
"""


def details_of(person: dict[str, Any] | Person, postcode: str = "") -> matching.PersonDetails:
    values = person if isinstance(person, dict) else person.to_dict()
    get = values.get
    return matching.PersonDetails(
        given_names=str(get("given_names")),
        family_name=str(get("family_name")),
        other_names=get("other_names") or "",
        date_of_birth=get("date_of_birth") or get("expected_date"),
        postcode=postcode,
        nhs_number=get("nhs_number") or "",
    )


# The scored candidates' full rows and their families, each family with its
# lead practitioner's contact ("lead_contact": the search shows it even where
# the user may see nothing else), in one statement.
CANDIDATES_SQL = """
WITH people AS (SELECT * FROM person WHERE id = ANY({}::integer[]))
SELECT
    (SELECT jsonb_agg(to_jsonb(p)) FROM people p) AS people,
    (SELECT jsonb_agg(to_jsonb(f) || jsonb_build_object('lead_contact', CASE
                WHEN u.id IS NULL THEN NULL
                ELSE jsonb_build_object('id', f.id, 'name', u.display_name,
                                        'organisation', u.organisation, 'email', u.email)
            END))
     FROM family f LEFT JOIN portal_user u ON u.id = f.lead_practitioner
     WHERE f.id IN (SELECT family FROM people)) AS families
"""


Found = tuple[dict[str, Any], dict[str, Any], matching.Match]  # person, family, match


@dataclass(frozen=True)
class Bands:
    """A search's candidates in two bands, each best first: ``likely`` (the
    same child, most probably) and ``possible`` (check before recording a new
    family), at most MAX_POSSIBLE; ``more_possible`` says others were left
    out, so the searcher is asked for more to tell them apart."""

    likely: list[Found] = field(default_factory=list)
    possible: list[Found] = field(default_factory=list)
    more_possible: bool = False

    @property
    def shown(self) -> list[Found]:
        return self.likely + self.possible


def always_shown(query: matching.PersonDetails, candidate: matching.PersonDetails) -> bool:
    """The same full name and date of birth, or the same full name when the
    search has no date of birth: never "No match found" while such a child is
    known, whatever the score says (the score may take them for a twin)."""
    same_day = query.date_of_birth is None or query.date_of_birth == candidate.date_of_birth
    return same_day and matching.same_full_name(query, candidate)


async def find_candidates(
    query: matching.PersonDetails, exclude_family: int | None = None
) -> list[Found]:
    """People likely to be the searched-for child, best first (the likely band)."""
    return (await find_in_bands(query, exclude_family, possible=False)).likely


async def find_in_bands(
    query: matching.PersonDetails, exclude_family: int | None = None, possible: bool = True
) -> Bands:
    """The searched-for child's candidates in bands: fetch by the indexed
    blocking keys, then score each candidate in full."""
    keys = sorted(matching.query_keys(query))
    if not keys:
        return Bands()
    # The people sharing the most keys with the query, ranked in the database,
    # with only what scoring reads (a common name fetches a thousand candidates).
    candidates = await Person.raw(CANDIDATE_KEYS_SQL, keys, MAX_CANDIDATES, exclude_family or 0)
    floor = matching.POSSIBLE_THRESHOLD if possible else matching.MATCH_THRESHOLD
    likely, maybe = [], []
    for candidate in candidates:
        details = details_of(candidate, candidate["family_postcode"])
        forced = possible and always_shown(query, details)
        if not forced and matching.cannot_match(query, details, floor):
            continue
        match = matching.score(query, details)
        if match.score >= matching.MATCH_THRESHOLD:
            likely.append((candidate["id"], match))
        elif forced or match.score >= floor:
            maybe.append((candidate["id"], match))
    for band in (likely, maybe):
        band.sort(key=lambda item: (-item[1].score, item[0]))
    likely, more = likely[:MAX_MATCHES], len(maybe) > MAX_POSSIBLE
    maybe = maybe[:MAX_POSSIBLE]
    if not likely and not maybe:
        return Bands()
    (row,) = await Person.raw(CANDIDATES_SQL, [person_id for person_id, _ in likely + maybe])
    people = {p["id"]: p for p in rows_from_json(Person, row["people"])}
    families = {f["id"]: f for f in rows_from_json(Family, row["families"])}

    def rows(band: list[tuple[int, matching.Match]]) -> list[Found]:
        return [(people[i], families[people[i]["family"]], match) for i, match in band]

    return Bands(rows(likely), rows(maybe), more)


async def rebuild_search_keys(batch_size: int = 1000) -> int:
    """Recompute every person's blocking keys (after the matching rules change)."""
    done, last_id = 0, 0
    while True:
        people = await (
            Person.select(*Person.all_columns(), Person.family.postcode.as_alias("postcode"))
            .where(Person.id > last_id)
            .order_by(Person.id)
            .limit(batch_size)
        )
        if not people:
            return done
        async with write_transaction(Person._meta.db):
            for person in people:
                await save_search_keys(person["id"], details_of(person, person["postcode"]))
        done += len(people)
        last_id = people[-1]["id"]


async def save_search_keys(person_id: int, details: matching.PersonDetails) -> None:
    await PersonSearchKey.delete().where(PersonSearchKey.person == person_id)
    keys = sorted(matching.search_keys(details))
    if keys:
        await PersonSearchKey.insert(
            *[PersonSearchKey(person=person_id, key=key[:120]) for key in keys]
        )


async def check_search_rate(user: CurrentUser, limit: int, via: str = "search") -> None:
    """At most ``limit`` searches per user in SEARCH_WINDOW (PORTAL_SEARCH_LIMIT):
    over it, the refusal is audited and SearchLimitReached raised."""
    recent = await audit.count_recent(user.id, "family_search", now_utc() - SEARCH_WINDOW)
    if recent >= limit:
        await audit.record("family_search", "refused", actor=user, reason="rate limit", via=via)
        raise SearchLimitReached(
            f"You have searched {limit} times in the last 10 minutes. "
            "Wait a few minutes, then try again. If you need to search more often, "
            "contact your portal administrator."
        )
