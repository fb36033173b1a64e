"""Audited writes under contention, against a plain INSERT in the same run.

32 writers (two processes of 16 tasks, each task on its own pooled
connection) append events through the portal's own `audit.record` for a few
seconds while a sealer runs (`portal audit seal`), then the same writers make a
plain INSERT of the same row into a table of the same shape with no hashing:
the ceiling. Prints writes/s for both, and the seal lag (sealed_at - at) of the
events written.

    uv run --frozen python bench/audit_writes.py --database-url URL
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import asyncpg

ROOT = Path(__file__).resolve().parents[1]
ACTION = "bench_write"
PLAIN_TABLE = "bench_plain_insert"
PLAIN_INSERT = f"""
INSERT INTO {PLAIN_TABLE} (
    id, scheme, at, actor_user_id, actor_identity, actor_label, actor_organisation,
    action, outcome, record_type, record_id, family_id, page, detail, prev_hash, row_hash
)
VALUES (nextval('{PLAIN_TABLE}_seq'), 2, {{}}::timestamptz, {{}}::integer, {{}}::text,
        {{}}::text, {{}}::text, {{}}::text, {{}}::text, {{}}::text, {{}}::text,
        {{}}::integer, {{}}::text, {{}}::text, '', '')
"""  # noqa: S608 constant table name
SEAL_LAG_SQL = """
SELECT count(*) AS events,
       percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (
           ORDER BY extract(epoch FROM s.sealed_at - e.at)
       ) AS lag
FROM audit_event e
JOIN audit_seal s ON e.id BETWEEN s.first_event_id AND s.last_event_id
WHERE e.at >= $1 AND ($2::text IS NULL OR e.action = $2)
"""


def writer_process(url: str, tasks: int, start_at: float, seconds: float, plain: bool) -> int:
    """One process's writers; returns how many events they wrote."""
    return asyncio.run(_writers(url, tasks, start_at, seconds, plain))


async def _writers(url: str, tasks: int, start_at: float, seconds: float, plain: bool) -> int:
    from portal.audit import service as audit
    from portal.audit.hashing import CONTENT_FIELDS
    from portal.audit.tables import AuditEvent
    from portal.db import bind_tables, engine_from_url
    from portal.kernel.clock import now_utc
    from portal.tables import CORE_TABLES

    engine = engine_from_url(url)
    bind_tables(engine, CORE_TABLES)
    await engine.start_connection_pool(min_size=tasks, max_size=tasks)
    await asyncio.sleep(max(0.0, start_at - time.time()))
    deadline = start_at + seconds

    async def one(n: int) -> int:
        written = 0
        while time.time() < deadline:
            if plain:
                values = {
                    "at": now_utc(),
                    "actor_user_id": n,
                    "actor_identity": "",
                    "actor_label": "Bench writer",
                    "actor_organisation": "",
                    "action": ACTION,
                    "outcome": "success",
                    "record_type": "family",
                    "record_id": str(written),
                    "family_id": None,
                    "page": "",
                    "detail": "",
                }
                await AuditEvent.raw(PLAIN_INSERT, *(values[f] for f in CONTENT_FIELDS))
            else:
                await audit.record(
                    ACTION,
                    "success",
                    actor_label="Bench writer",
                    record_type="family",
                    record_id=written,
                )
            written += 1
        return written

    try:
        return sum(await asyncio.gather(*(one(n) for n in range(tasks))))
    finally:
        await engine.close_connection_pool()


def run_writers(url: str, writers: int, seconds: float, plain: bool) -> float:
    processes = 2
    start_at = time.time() + 3  # every process connected before the clock starts
    with ProcessPoolExecutor(processes) as pool:
        futures = [
            pool.submit(writer_process, url, writers // processes, start_at, seconds, plain)
            for _ in range(processes)
        ]
        return sum(f.result() for f in futures) / seconds


async def _prepare_plain(url: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(f"DROP TABLE IF EXISTS {PLAIN_TABLE}")
        await conn.execute(f"DROP SEQUENCE IF EXISTS {PLAIN_TABLE}_seq")
        await conn.execute(f"CREATE TABLE {PLAIN_TABLE} (LIKE audit_event INCLUDING INDEXES)")
        await conn.execute(f"CREATE SEQUENCE {PLAIN_TABLE}_seq")
    finally:
        await conn.close()


async def _drop_plain(url: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(f"DROP TABLE IF EXISTS {PLAIN_TABLE}")
        await conn.execute(f"DROP SEQUENCE IF EXISTS {PLAIN_TABLE}_seq")
    finally:
        await conn.close()


async def _seal_lag(url: str, since: Any, action: str | None) -> asyncpg.Record:
    conn = await asyncpg.connect(url)
    try:
        return await conn.fetchrow(SEAL_LAG_SQL, since, action)
    finally:
        await conn.close()


def seal_lag_line(url: str, since: Any, action: str | None = None) -> str:
    """The seal lag (sealed_at - at) of the events written since then."""
    lag = asyncio.run(_seal_lag(url, since, action))
    p50, p95, p99 = lag["lag"] or (0.0, 0.0, 0.0)
    return (
        f"seal lag of the {lag['events']:,} events sealed: p50 {p50:.2f} s, "
        f"p95 {p95:.2f} s, p99 {p99:.2f} s; target p95 <= 2 s: "
        f"{'reached' if lag['events'] and p95 <= 2 else 'NOT reached'}"
    )


def portal_command(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PORTAL_DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    return subprocess.run(  # noqa: S603 our own command
        [sys.executable, "-m", "portal.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def measure(url: str, writers: int = 32, seconds: float = 10) -> list[str]:
    """The lines `make bench` prints for the audit trail."""
    from datetime import UTC, datetime

    env = {**os.environ, "PORTAL_DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    portal_command(url, "audit", "seal", "--once")  # start from a sealed trail
    sealer = subprocess.Popen(
        [sys.executable, "-m", "portal.cli", "audit", "seal", "--interval", "0.5"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    since = datetime.now(UTC)
    try:
        audited = run_writers(url, writers, seconds, plain=False)
        time.sleep(2.5)  # the sealer's last passes
    finally:
        sealer.terminate()
        sealer.wait(20)
    lag = seal_lag_line(url, since, ACTION)
    asyncio.run(_prepare_plain(url))
    try:
        plain = run_writers(url, writers, seconds, plain=True)
    finally:
        asyncio.run(_drop_plain(url))
    return [
        f"Audited writes at {writers} concurrent writers ({seconds:.0f} s each, sealer running):",
        f"  portal audit.record (one INSERT): {audited:8.0f} writes/s",
        f"  plain INSERT of the same row:     {plain:8.0f} writes/s (ceiling)",
        f"  ratio {audited / plain:.0%}; target >= 2,000 writes/s: "
        f"{'reached' if audited >= 2000 else 'NOT reached'}",
        f"  {lag}",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", default="postgresql://postgres@127.0.0.1:5432/portal_bench"
    )
    parser.add_argument("--writers", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args(argv)
    print("\n".join(measure(args.database_url, args.writers, args.seconds)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
