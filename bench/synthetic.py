"""A clearly fictional partnership at scale, bulk-loaded into PostgreSQL for `make bench`.

    uv run --frozen python bench/synthetic.py --scale 1 \
        --database-url postgresql://postgres@127.0.0.1:5432/portal_bench

Drops and re-creates the database, runs `portal migrate`, then loads every
table with COPY (asyncpg copy_records_to_table): no ORM call per row. At
--scale 1: 200,000 families and about 600,000 people in both areas and every
locality, 50,000 assessments, 20,000 TAFs, 10,000 open queue requests,
2,000,000 audit events and several thousand practitioners.

Everything is made up: postcodes are in the unused districts DE99 and S99
(sector 9), accounts come from the issuer https://bench-idp.invalid, and the
names are drawn from the matcher's own frequency tables, with nicknames,
spelling variants and double-barrelled names. The audit events are hashed
and sealed as the portal does, so `portal audit verify` passes on bench data.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from multiprocessing import Pool
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from portal.assessments.sections import SECTIONS
from portal.audit.hashing import CONTENT_FIELDS, SEALED, bound_to_id, content_hash
from portal.families.matching import PersonDetails, search_keys
from portal.families.name_frequencies import FAMILY_NAMES, GIVEN_NAMES
from portal.families.nicknames import NICKNAMES

ROOT = Path(__file__).resolve().parents[1]
ISSUER = "https://bench-idp.invalid"
DERBY = ("north", "south", "east", "west")
DERBYSHIRE = (
    "amber-valley",
    "bolsover",
    "chesterfield",
    "derbyshire-dales",
    "erewash",
    "high-peak",
    "north-east-derbyshire",
    "south-derbyshire",
)
STREETS = (
    "Chapel Lane",
    "Meadow Close",
    "Station Terrace",
    "Brook Street",
    "Mill Road",
    "Church Walk",
    "Park View",
    "Victoria Street",
    "Oak Avenue",
    "Willow Grove",
)
# Role mix of the practitioner accounts (weights), per area.
ROLE_MIX = {
    "derby": (
        ("derby.practitioner", 80),
        ("derby.spa_clerk", 8),
        ("derby.vcm_chair", 4),
        ("derby.area_manager", 3),
    ),
    "derbyshire": (
        ("derbyshire.practitioner", 80),
        ("derbyshire.starting_point", 8),
        ("derbyshire.senior_practitioner", 4),
        ("derbyshire.advisor", 4),
        ("derbyshire.vcm_chair", 2),
        ("derbyshire.area_manager", 2),
    ),
}
AUDIT_ACTIONS = (
    ("family_viewed", 60),
    ("family_search", 12),
    ("assessment_section_saved", 10),
    ("person_added", 4),
    ("consent_recorded", 4),
    ("sign_in", 6),
    ("family_created", 2),
    ("lead_assigned", 2),
)
ANSWER = {
    "household": {"household_confirmed": "yes", "others_important": "A grandparent helps"},
    "child_voice": {"wishes_feelings": "Wants things at home to be calmer"},
    "parents_views": {"views": "Would like help with routines"},
    "strengths": {"strengths": "A warm relationship; the family ask for help"},
    "needs": {"children_needs": "Support with attendance and friendships"},
    "vulnerabilities": {"factors": ["none"]},
}


@dataclass
class Sizes:
    families: int
    assessments: int
    tafs: int
    requests: int
    audit: int
    users: int

    @classmethod
    def at(cls, scale: float) -> Sizes:
        def n(full: int, least: int) -> int:
            return max(least, round(full * scale))

        return cls(
            n(200_000, 200),
            n(50_000, 50),
            n(20_000, 20),
            n(10_000, 20),
            n(2_000_000, 1000),
            n(4_000, 120),
        )


@dataclass
class Data:
    """Rows per table, as tuples in the column order of COLUMNS."""

    rows: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)

    def add(self, table: str, row: tuple[Any, ...]) -> None:
        self.rows.setdefault(table, []).append(row)


COLUMNS = {
    "portal_user": (
        "id",
        "identity_key",
        "issuer",
        "subject",
        "display_name",
        "email",
        "organisation",
        "roles",
        "created_at",
    ),
    "family": (
        "id",
        "area",
        "locality",
        "address_line_1",
        "town",
        "postcode",
        "created_by",
        "created_at",
        "updated_at",
        "lead_practitioner",
        "status",
        "closed_at",
        "closure_reason",
    ),
    "person": (
        "id",
        "family",
        "given_names",
        "family_name",
        "other_names",
        "date_of_birth",
        "gender",
        "role",
        "created_by",
        "created_at",
        "updated_at",
    ),
    "lead_spell": ("family", "practitioner", "agency", "started_at", "how"),
    "person_search_key": ("person", "key"),
    "assessment": (
        "id",
        "family",
        "child",
        "started_by",
        "started_on",
        "due_on",
        "status",
        "completed_at",
        "frozen_versions",
    ),
    "assessment_section": (
        "assessment",
        "section",
        "content",
        "status",
        "updated_by",
        "updated_at",
    ),
    "assessment_version": ("assessment", "number", "snapshot", "completed_by", "completed_at"),
    "taf_member": ("id", "family", "kind", "user", "person", "name", "agency", "role", "added_at"),
    "family_goal": ("id", "family", "text", "how_we_will_know", "created_by"),
    "plan_action": ("family", "goal", "what", "owner", "due_on", "status", "created_by"),
    "taf_meeting": ("id", "family", "kind", "held_on", "chair", "next_review_on", "recorded_by"),
    "family_goal_score": ("meeting", "goal", "score", "comment"),
    "queue_entry": (
        "id",
        "family",
        "area",
        "queue",
        "roles",
        "team",
        "kind",
        "record_id",
        "opened_at",
    ),
    "derbyshire_sp_request": (
        "id",
        "family",
        "referrer",
        "referrer_agency",
        "request_type",
        "child",
        "district",
        "details",
        "consent_basis",
        "status",
        "submitted_at",
    ),
    "derby_vcm_submission": (
        "id",
        "family",
        "assessment_id",
        "locality",
        "inbox",
        "request",
        "consent_given_by",
        "consent_method",
        "consent_given_on",
        "status",
        "submitted_by",
        "submitted_at",
        "queue_entry_id",
    ),
    "audit_event": ("id", *CONTENT_FIELDS, "scheme", "row_hash"),
}


@contextmanager
def step(name: str, timings: list[tuple[str, float]]) -> Iterator[None]:
    start = time.perf_counter()
    print(f"  {name}...", flush=True)
    yield
    took = time.perf_counter() - start
    timings.append((name, took))
    print(f"  {name}: {took:.1f} s", flush=True)


def weighted(table: dict[str, float]) -> tuple[list[str], list[float]]:
    names = sorted(table)
    return names, [table[n] for n in names]


class Names:
    """Realistic names: common ones often, with the variations matching must handle."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.given, given_w = weighted(GIVEN_NAMES)
        self.family, family_w = weighted(FAMILY_NAMES)
        self.given_cum = list(_cumulative(given_w))
        self.family_cum = list(_cumulative(family_w))

    def given_name(self) -> str:
        name = self.rng.choices(self.given, cum_weights=self.given_cum)[0]
        variants = NICKNAMES.get(name)
        if variants and self.rng.random() < 0.08:  # a nickname or another spelling
            name = self.rng.choice(sorted(variants))
        return name.capitalize()

    def family_name(self) -> str:
        name = self.rng.choices(self.family, cum_weights=self.family_cum)[0].capitalize()
        if self.rng.random() < 0.04:  # double-barrelled
            other = self.rng.choices(self.family, cum_weights=self.family_cum)[0].capitalize()
            name = f"{name}-{other}" if other != name else name
        return name


def _cumulative(weights: Sequence[float]) -> Iterator[float]:
    total = 0.0
    for w in weights:
        total += w
        yield total


def postcode(rng: random.Random, area: str) -> str:
    """A made-up postcode about as specific as a real one (a real postcode
    holds some 15 addresses; these hold one or two families), so "postcode
    matches" tells families apart here as it does in life."""
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    outward = f"DE{rng.randrange(1, 75)}" if area == "derby" or rng.random() < 0.6 else "S"
    if outward == "S":
        outward = f"S{rng.randrange(1, 45)}"
    inward = f"{rng.randrange(10)}" + "".join(rng.choice(letters) for _ in range(2))
    return f"{outward} {inward}"


def when(rng: random.Random, now: datetime, days_back: int) -> datetime:
    return now - timedelta(seconds=rng.randrange(days_back * 86400))


def make_users(
    data: Data, sizes: Sizes, rng: random.Random, names: Names, now: datetime
) -> dict[str, dict[str, list[int]]]:
    """Practitioner accounts, 30% Derby and 70% Derbyshire; returns ids by area and role."""
    by_role: dict[str, dict[str, list[int]]] = {"derby": {}, "derbyshire": {}}
    made = {"derby": 0, "derbyshire": 0}
    for uid in range(1, sizes.users + 1):
        area = "derby" if uid % 10 < 3 else "derbyshire"
        roles, weights = zip(*ROLE_MIX[area], strict=True)
        # Each area's first accounts hold one role each, so every page has a user.
        role = roles[made[area]] if made[area] < len(roles) else rng.choices(roles, weights)[0]
        made[area] += 1
        by_role[area].setdefault(role, []).append(uid)
        given, family = names.given_name(), names.family_name()
        subject = f"bench-{uid:05d}"
        org = (
            "Derby City Council (bench)" if area == "derby" else "Derbyshire County Council (bench)"
        )
        data.add(
            "portal_user",
            (
                uid,
                f"{ISSUER} {subject}",
                ISSUER,
                subject,
                f"{given} {family}",
                f"{subject}@bench.invalid",
                org,
                role,
                when(rng, now, 900),
            ),
        )
    return by_role


def make_families(
    data: Data,
    sizes: Sizes,
    rng: random.Random,
    names: Names,
    now: datetime,
    users: dict[str, dict[str, list[int]]],
) -> list[dict[str, Any]]:
    families: list[dict[str, Any]] = []
    person_id = 0
    today = now.date()
    for fid in range(1, sizes.families + 1):
        area = "derby" if rng.random() < 0.3 else "derbyshire"
        locality = rng.choice(DERBY if area == "derby" else DERBYSHIRE)
        lead = rng.choice(users[area][f"{area}.practitioner"])
        created = when(rng, now, 1500)
        is_open = rng.random() < 0.25
        pc = postcode(rng, area)
        family_name = names.family_name()
        data.add(
            "family",
            (
                fid,
                area,
                locality,
                f"{rng.randrange(1, 200)} {rng.choice(STREETS)}",
                "Derby" if area == "derby" else locality.replace("-", " ").title(),
                pc,
                lead,
                created,
                created + timedelta(days=rng.randrange(30)),
                lead,
                "open" if is_open else "closed",
                None if is_open else created + timedelta(days=200),
                "" if is_open else "needs_met",
            ),
        )
        data.add("lead_spell", (fid, lead, "", created, "took the lead"))
        children, parents = [], []
        for _ in range(rng.choice((1, 1, 2, 2, 3))):
            person_id += 1
            born = today - timedelta(days=rng.randrange(18 * 365))
            given = names.given_name()
            if rng.random() < 0.3:
                given += " " + names.given_name()  # a middle name
            other = names.given_name() if rng.random() < 0.03 else ""
            data.add(
                "person",
                (
                    person_id,
                    fid,
                    given,
                    family_name,
                    other,
                    born,
                    rng.choice(("female", "male")),
                    "child",
                    lead,
                    created,
                    created,
                ),
            )
            children.append(person_id)
        for _ in range(rng.choice((1, 1, 1, 1, 2))):
            person_id += 1
            surname = family_name if rng.random() < 0.7 else names.family_name()
            born = today - timedelta(days=rng.randrange(20 * 365, 50 * 365))
            data.add(
                "person",
                (
                    person_id,
                    fid,
                    names.given_name(),
                    surname,
                    "",
                    born,
                    "not_known",
                    "parent_carer",
                    lead,
                    created,
                    created,
                ),
            )
            parents.append(person_id)
        families.append(
            {
                "id": fid,
                "area": area,
                "locality": locality,
                "lead": lead,
                "open": is_open,
                "postcode": pc,
                "children": children,
                "parents": parents,
                "created": created,
            }
        )
    return families


def make_assessments(
    data: Data, sizes: Sizes, rng: random.Random, now: datetime, families: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Every state: in progress (untouched, part done, overdue) and completed."""
    chosen = rng.sample(families, sizes.assessments)
    out = []
    for aid, fam in enumerate(chosen, start=1):
        state = "in_progress" if fam["open"] and rng.random() < 0.6 else "completed"
        started = (fam["created"] + timedelta(days=rng.randrange(20))).date()
        due = started + timedelta(days=rng.choice((30, 45, 60)))
        done_at = datetime.combine(due, datetime.min.time(), UTC) if state == "completed" else None
        data.add(
            "assessment",
            (
                aid,
                fam["id"],
                fam["children"][0],
                fam["lead"],
                started,
                due,
                state,
                done_at,
                1 if state == "completed" else 0,
            ),
        )
        answered = len(SECTIONS) if state == "completed" else rng.randrange(0, 8)
        for i, section in enumerate(SECTIONS):
            filled = i < answered and section.slug in ANSWER
            status = (
                "completed"
                if filled or (state == "completed" and section.required)
                else ("not_started")
            )
            content = json.dumps(ANSWER.get(section.slug, {})) if status == "completed" else "{}"
            data.add(
                "assessment_section",
                (
                    aid,
                    section.slug,
                    content,
                    status,
                    fam["lead"] if status != "not_started" else None,
                    done_at or fam["created"],
                ),
            )
        if state == "completed":
            data.add("assessment_version", (aid, 1, json.dumps(ANSWER), fam["lead"], done_at))
        out.append({"id": aid, "family": fam, "state": state})
    return out


def make_tafs(
    data: Data,
    sizes: Sizes,
    rng: random.Random,
    now: datetime,
    families: list[dict[str, Any]],
    users: dict[str, dict[str, list[int]]],
) -> None:
    """TAFs with members (practitioners and a parent), goals, actions and scored reviews."""
    open_families = [f for f in families if f["open"]] or families
    member_id = goal_id = meeting_id = 0
    for fam in rng.sample(open_families, min(sizes.tafs, len(open_families))):
        area, fid, lead = fam["area"], fam["id"], fam["lead"]
        colleagues = {lead, *rng.sample(users[area][f"{area}.practitioner"], 2)}
        members = []
        for uid in sorted(colleagues):
            member_id += 1
            data.add(
                "taf_member",
                (
                    member_id,
                    fid,
                    "practitioner",
                    uid,
                    None,
                    f"Practitioner {uid}",
                    "Bench agency",
                    "Lead" if uid == lead else "",
                    fam["created"],
                ),
            )
            members.append(member_id)
        member_id += 1
        data.add(
            "taf_member",
            (
                member_id,
                fid,
                "family_member",
                None,
                fam["parents"][0],
                "Parent",
                "",
                "Parent",
                fam["created"],
            ),
        )
        members.append(member_id)
        goals = []
        for g in range(rng.randrange(2, 4)):
            goal_id += 1
            data.add(
                "family_goal",
                (
                    goal_id,
                    fid,
                    f"Goal {g + 1}: mornings are calmer",
                    "School says attendance is above 90%",
                    lead,
                ),
            )
            goals.append(goal_id)
        for a in range(rng.randrange(3, 6)):
            due = now.date() + timedelta(days=rng.randrange(-30, 60))
            data.add(
                "plan_action",
                (
                    fid,
                    rng.choice(goals),
                    f"Action {a + 1}",
                    rng.choice(members),
                    due,
                    rng.choice(("not_started", "in_progress", "done")),
                    lead,
                ),
            )
        held = fam["created"].date()
        for m in range(rng.randrange(1, 4)):
            meeting_id += 1
            held += timedelta(days=42)
            data.add(
                "taf_meeting",
                (
                    meeting_id,
                    fid,
                    "taf" if m == 0 else "review",
                    held,
                    "Bench chair",
                    held + timedelta(days=42),
                    lead,
                ),
            )
            for goal in goals:
                data.add("family_goal_score", (meeting_id, goal, rng.randrange(1, 11), ""))


def make_requests(
    data: Data,
    sizes: Sizes,
    rng: random.Random,
    now: datetime,
    families: list[dict[str, Any]],
    assessments: list[dict[str, Any]],
) -> None:
    """Open requests: Starting Point (Derbyshire) and the SPA inboxes (Derby)."""
    done = [a for a in assessments if a["state"] == "completed"]
    derby = [a for a in done if a["family"]["area"] == "derby"]
    shire = [f for f in families if f["area"] == "derbyshire" and f["open"]]
    n_derby = min(len(derby), sizes.requests * 2 // 5)
    entry = 0
    for rid, fam in enumerate(rng.sample(shire, sizes.requests - n_derby), start=1):
        entry += 1
        at = when(rng, now, 20)
        data.add(
            "derbyshire_sp_request",
            (
                rid,
                fam["id"],
                fam["lead"],
                "Bench school",
                "service",
                fam["children"][0],
                fam["locality"],
                "Attendance has fallen this term",
                "not_sought",
                rng.choice(("with_starting_point", "initial_contact")),
                at,
            ),
        )
        data.add(
            "queue_entry",
            (
                entry,
                fam["id"],
                "derbyshire",
                "starting_point",
                "derbyshire.starting_point derbyshire.senior_practitioner",
                "",
                "sp_request",
                rid,
                at,
            ),
        )
    for sid, assessment in enumerate(rng.sample(derby, n_derby), start=1):
        entry += 1
        fam, at = assessment["family"], when(rng, now, 20)
        inbox = f"spa:{fam['locality']}"
        data.add(
            "derby_vcm_submission",
            (
                sid,
                fam["id"],
                assessment["id"],
                fam["locality"],
                inbox,
                "Help from the Multi-Agency Team",
                "parent_carer",
                "written",
                at.date(),
                "with_clerk",
                fam["lead"],
                at,
                entry,
            ),
        )
        data.add(
            "queue_entry",
            (
                entry,
                fam["id"],
                "derby",
                inbox,
                "derby.spa_clerk",
                inbox,
                "derby_vcm_submission",
                sid,
                at,
            ),
        )


def make_audit(
    data: Data,
    sizes: Sizes,
    rng: random.Random,
    now: datetime,
    families: list[dict[str, Any]],
    n_users: int,
) -> None:
    """Events over the last two years, oldest first, hashed as the portal does
    (sealed by `portal audit seal --once` after loading).
    All are over a day old, so they never count towards a search rate limit."""
    actions, weights = zip(*AUDIT_ACTIONS, strict=True)
    start = now - timedelta(days=730)
    span = (timedelta(days=729) / sizes.audit).total_seconds()
    for eid in range(1, sizes.audit + 1):
        action = rng.choices(actions, weights)[0]
        fam = rng.choice(families)
        actor = rng.randrange(1, n_users + 1)
        event = {
            "id": eid,
            "at": start + timedelta(seconds=eid * span),
            "actor_user_id": actor,
            "actor_identity": f"{ISSUER} bench-{actor:05d}",
            "actor_label": f"Bench user {actor}",
            "actor_organisation": "",
            "action": action,
            "outcome": "success",
            "record_type": "family",
            "record_id": str(fam["id"]),
            "family_id": None if action == "family_search" else fam["id"],
            "page": "",
            "detail": "",
            "scheme": SEALED,
        }
        row_hash = bound_to_id(content_hash(event), eid)
        data.add("audit_event", (*(event[c] for c in COLUMNS["audit_event"][:-1]), row_hash))


def keys_of(chunk: list[tuple[int, str, str, str, date, str]]) -> list[tuple[int, str]]:
    """Find-before-create keys for a chunk of people (run in worker processes)."""
    out = []
    for pid, given, family, other, born, pc in chunk:
        details = PersonDetails(
            given_names=given,
            family_name=family,
            other_names=other,
            date_of_birth=born,
            postcode=pc,
        )
        out += [(pid, key) for key in sorted(search_keys(details))]
    return out


def make_search_keys(data: Data, families: list[dict[str, Any]], processes: int) -> None:
    postcodes = {f["id"]: f["postcode"] for f in families}
    people = [(p[0], p[2], p[3], p[4], p[5], postcodes[p[1]]) for p in data.rows["person"]]
    chunks = [people[i : i + 5000] for i in range(0, len(people), 5000)]
    with Pool(processes) as pool:
        for keys in pool.imap(keys_of, chunks):
            data.rows.setdefault("person_search_key", []).extend(keys)


def portal_command(url: str, *args: str) -> None:
    env = {**os.environ, "PORTAL_DATABASE_URL": url}
    subprocess.run(  # noqa: S603 our own command
        [sys.executable, "-m", "portal.cli", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def reset_database(url: str) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))

    async def run() -> None:
        conn = await asyncpg.connect(admin)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()

    asyncio.run(run())
    portal_command(url, "migrate")


# Indexes not behind a constraint: dropped for the load, built again after it,
# which is much faster than updating them row by row.
PLAIN_INDEXES = """
    SELECT indexname, indexdef FROM pg_indexes i
    WHERE schemaname = 'public' AND tablename = ANY($1::text[])
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
"""


async def copy_all(url: str, data: Data) -> list[str]:
    """COPY every table; returns the definitions of the indexes it dropped."""
    conn = await asyncpg.connect(url)
    try:
        indexes = await conn.fetch(PLAIN_INDEXES, list(COLUMNS))
        for index in indexes:
            await conn.execute(f'DROP INDEX "{index["indexname"]}"')
        for table, columns in COLUMNS.items():
            rows = data.rows.get(table, [])
            await conn.copy_records_to_table(table, records=rows, columns=list(columns))
            print(f"    {table}: {len(rows):,} rows", flush=True)
        # Explicit ids were given: move each sequence past them.
        for table in COLUMNS:  # our own constant table names, not input
            sql = f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), GREATEST((SELECT MAX(id) FROM {table}), 1))"  # noqa: S608
            await conn.execute(sql)
        return [index["indexdef"] for index in indexes]
    finally:
        await conn.close()


async def build_indexes(url: str, definitions: list[str]) -> None:
    """Two connections, one a core, building the dropped indexes again."""
    todo = list(definitions)

    async def worker() -> None:
        conn = await asyncpg.connect(url)
        try:
            await conn.execute("SET maintenance_work_mem = '256MB'")
            while todo:
                await conn.execute(todo.pop())
        finally:
            await conn.close()

    await asyncio.gather(worker(), worker())


async def analyse(url: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute("VACUUM ANALYZE")
    finally:
        await conn.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args(argv)
    if not args.database_url.startswith(("postgresql://", "postgres://")):
        parser.error("--database-url must be a PostgreSQL URL")
    sizes = Sizes.at(args.scale)
    rng, data, now = random.Random(args.seed), Data(), datetime.now(UTC)  # noqa: S311 fictional data
    names = Names(rng)
    timings: list[tuple[str, float]] = []
    started = time.perf_counter()
    print(f"Synthetic partnership at scale {args.scale}: {sizes}")
    with step("reset database and migrate", timings):
        reset_database(args.database_url)
    with step("users", timings):
        users = make_users(data, sizes, rng, names, now)
    with step("families and people", timings):
        families = make_families(data, sizes, rng, names, now, users)
    with step("search keys", timings):
        make_search_keys(data, families, args.processes)
    with step("assessments", timings):
        assessments = make_assessments(data, sizes, rng, now, families)
    with step("TAFs", timings):
        make_tafs(data, sizes, rng, now, families, users)
    with step("queue requests", timings):
        make_requests(data, sizes, rng, now, families, assessments)
    with step("audit events (hashed)", timings):
        make_audit(data, sizes, rng, now, families, sizes.users)
    with step("COPY into PostgreSQL (plain indexes dropped)", timings):
        indexes = asyncio.run(copy_all(args.database_url, data))
    with step(f"build {len(indexes)} indexes", timings):
        asyncio.run(build_indexes(args.database_url, indexes))
    with step("seal the audit trail", timings):
        portal_command(args.database_url, "audit", "seal", "--once")
    with step("VACUUM ANALYZE", timings):
        asyncio.run(analyse(args.database_url))
    total = time.perf_counter() - started
    print("\nLoad timings:")
    for name, took in timings:
        print(f"  {name:<44} {took:8.1f} s")
    print(f"  {'total':<44} {total:8.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
