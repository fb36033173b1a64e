"""Find before create: the people likely to be the searched-for child, fetched
by their indexed blocking keys and scored in full; keeping those keys; and
the per-user search limit."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from piccolo.query import OrderByRaw

from portal.audit import service as audit
from portal.db import rows_from_json, write_transaction
from portal.families import matching
from portal.families.tables import Family, Person, PersonSearchKey
from portal.kernel.clock import now_utc
from portal.kernel.errors import SearchLimitReached
from portal.kernel.users import CurrentUser

MAX_MATCHES = 20
SEARCH_WINDOW = timedelta(minutes=10)  # PORTAL_SEARCH_LIMIT searches per user in this long
MAX_CANDIDATES = 2000  # scored in full per search
SCORED_COLUMNS = (
    Person.id,
    Person.given_names,
    Person.family_name,
    Person.other_names,
    Person.date_of_birth,
    Person.expected_date,
    Person.nhs_number,
)


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


async def find_candidates(
    query: matching.PersonDetails, exclude_family: int | None = None
) -> list[tuple[dict[str, Any], dict[str, Any], matching.Match]]:
    """People likely to be the searched-for child, best first: fetch by the
    indexed blocking keys, then score each candidate in full."""
    keys = sorted(matching.query_keys(query))
    if not keys:
        return []
    # The people sharing the most keys with the query, ranked in the database.
    ranked = (
        PersonSearchKey.select(PersonSearchKey.person)
        .where(PersonSearchKey.key.is_in(keys))
        .group_by(PersonSearchKey.person)
        .order_by(OrderByRaw("COUNT(*)"), ascending=False)
        .limit(MAX_CANDIDATES)
    )
    # Only what scoring reads: a common name fetches a thousand candidates.
    candidates = await Person.select(
        *SCORED_COLUMNS, Person.family.postcode.as_alias("family_postcode")
    ).where(Person.id.is_in(ranked) & (Person.family != (exclude_family or 0)))
    scored = []
    for candidate in candidates:
        details = details_of(candidate, candidate["family_postcode"])
        if matching.cannot_match(query, details):
            continue
        match = matching.score(query, details)
        if match.score >= matching.MATCH_THRESHOLD:
            scored.append((candidate["id"], match))
    scored.sort(key=lambda item: (-item[1].score, item[0]))
    scored = scored[:MAX_MATCHES]
    if not scored:
        return []
    (row,) = await Person.raw(CANDIDATES_SQL, [person_id for person_id, _ in scored])
    people = {p["id"]: p for p in rows_from_json(Person, row["people"])}
    families = {f["id"]: f for f in rows_from_json(Family, row["families"])}
    return [
        (people[person_id], families[people[person_id]["family"]], match)
        for person_id, match in scored
    ]


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
