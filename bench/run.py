"""`make bench`: the portal's main pages under load, against two ceilings (a bare
page, and TechEmpower's Fortunes), then audited writes and `portal audit verify`.

Starts `portal serve` (production settings) on the bench database and the
ceiling app (bench/ceiling_app.py) the same way, signs in synthetic
practitioners by writing server-side sessions straight into the database (no
identity provider: the token's SHA-256 is what portal_session stores, and the
CSRF token is the HMAC the portal derives from it), then drives each page with
wrk and bench/wrk/rotate.lua, and finally a mixed workload at a steady rate.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import random
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import asyncpg
import audit_writes  # its sibling: run.py runs as a script, from bench/

from portal.web.security import csrf_token_for

ROOT = Path(__file__).resolve().parents[1]
LUA = ROOT / "bench" / "wrk" / "rotate.lua"
BENCH_ISSUER = "https://bench-idp.invalid"
TODAY = datetime.now(UTC).date()


@dataclass(frozen=True)
class Page:
    name: str
    lines: list[str]  # rotate.lua request lines
    expect: int


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def line(method: str, path: str, token: str, secret: str, body: str = "") -> str:
    csrf = csrf_token_for(hashlib.sha256(token.encode()).hexdigest(), secret)
    return "\t".join((method, path, f"portal_session={token}", csrf, body))


async def has_data(url: str) -> bool:
    try:
        conn = await asyncpg.connect(url)
    except (OSError, asyncpg.InvalidCatalogNameError):
        return False
    try:
        return bool(await conn.fetchval("SELECT to_regclass('family') IS NOT NULL")) and bool(
            await conn.fetchval("SELECT EXISTS (SELECT 1 FROM family)")
        )
    finally:
        await conn.close()


async def sign_in(conn: asyncpg.Connection, user_ids: list[int]) -> dict[int, str]:
    """A fresh session per user, written as the portal's start_session writes it."""
    now = datetime.now(UTC)
    tokens = {uid: secrets.token_urlsafe(32) for uid in user_ids}
    await conn.execute("DELETE FROM portal_session WHERE id_token = 'bench'")
    await conn.copy_records_to_table(
        "portal_session",
        records=[
            (hashlib.sha256(t.encode()).hexdigest(), uid, now, now, "bench")
            for uid, t in tokens.items()
        ],
        columns=["token_hash", "user", "created_at", "last_seen_at", "id_token"],
    )
    return tokens


async def build_pages(url: str, secret: str, users: int) -> dict[str, Page]:
    """Request lines for each page, each signed-in user on their own families."""
    rng = random.Random(11)  # noqa: S311 picking fictional records, not security
    conn = await asyncpg.connect(url)
    try:
        leads = await conn.fetch(
            """SELECT DISTINCT ON (f.lead_practitioner) f.lead_practitioner AS uid,
                      f.id AS family, a.id AS assessment
               FROM family f JOIN assessment a ON a.family = f.id AND a.status = 'in_progress'
               JOIN portal_user u ON u.id = f.lead_practitioner AND u.issuer = $1
               WHERE f.status = 'open' ORDER BY f.lead_practitioner, f.id LIMIT $2""",
            BENCH_ISSUER,
            users,
        )
        queue_users = [
            r["id"]
            for r in await conn.fetch(
                "SELECT id FROM portal_user WHERE issuer = $1 AND roles = "
                "'derbyshire.starting_point' LIMIT 200",
                BENCH_ISSUER,
            )
        ]
        children = await conn.fetch(
            "SELECT p.given_names, p.family_name, p.date_of_birth, f.postcode FROM person p "
            "JOIN family f ON f.id = p.family WHERE p.role = 'child' ORDER BY random() LIMIT 2000"
        )
        tokens = await sign_in(conn, [r["uid"] for r in leads] + queue_users)
    finally:
        await conn.close()
    if not leads or not queue_users:
        raise SystemExit("bench: no practitioners with in-progress assessments in the bench data")
    caseload, family, find, save = [], [], [], []
    for row in leads:
        token = tokens[row["uid"]]
        caseload.append(line("GET", "/", token, secret))
        family.append(line("GET", f"/families/{row['family']}", token, secret))
        child = rng.choice(children)
        born = child["date_of_birth"]
        query = {
            "given_names": child["given_names"].split()[0],
            "family_name": child["family_name"],
            "dob-day": born.day,
            "dob-month": born.month,
            "dob-year": born.year,
        }
        find.append(line("POST", "/families/find", token, secret, urlencode(query)))
        answer = {"children_needs": f"Support with attendance (bench {rng.randrange(10**6)})"}
        path = f"/families/{row['family']}/assessments/{row['assessment']}/sections/needs"
        save.append(line("POST", path, token, secret, urlencode(answer)))
    queue = [line("GET", "/derbyshire/starting-point", tokens[u], secret) for u in queue_users]
    return {
        "caseload (home)": Page("caseload (home)", caseload, 200),
        "family record": Page("family record", family, 200),
        "find-before-create": Page("find-before-create", find, 200),
        "Starting Point queue": Page("Starting Point queue", queue, 200),
        "assessment section save": Page("assessment section save", save, 303),
    }


def start(cmd: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    out = log.open("wb")
    return subprocess.Popen(  # noqa: S603 our own commands
        cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
    )


def wait_ready(port: int, path: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"bench: nothing answered on port {port}")


def check(port: int, page: Page, index: int = 0) -> int:
    """One request by hand: a page that is fast because it fails would mislead."""
    method, path, cookie, csrf, body = [*page.lines[index % len(page.lines)].split("\t"), ""][:5]
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=body.encode() if method == "POST" else None,
        headers={"Cookie": cookie, "X-CSRFToken": csrf} if cookie else {},
        method=method,
    )

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            status, size = response.status, len(response.read())
    except urllib.error.HTTPError as error:
        status, size = error.code, 0
    if status != page.expect:
        raise SystemExit(f"bench: {page.name} answered {status}, expected {page.expect}")
    return size


def queries_per_request(url: str, port: int, page: Page, n: int = 10) -> float:
    """Committed transactions per request, from pg_stat_database: Piccolo runs each
    query outside a transaction in its own, so this counts queries (a rough guide:
    another client of the same database would add to it)."""

    async def committed() -> int:
        await asyncio.sleep(1.2)  # PostgreSQL flushes a backend's counts within a second
        conn = await asyncpg.connect(url)
        try:
            await conn.execute("SELECT pg_stat_clear_snapshot()")
            return int(
                await conn.fetchval(
                    "SELECT xact_commit + xact_rollback FROM pg_stat_database "
                    "WHERE datname = current_database()"
                )
            )
        finally:
            await conn.close()

    before = asyncio.run(committed())
    for i in range(n):
        check(port, page, i + 1)
    return round((asyncio.run(committed()) - before - 1) / n, 1)


def wrk(
    port: int, page: Page, seconds: int, connections: int, threads: int, rate: int | None = None
) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("\n".join(page.lines) + "\n")
    env = {**os.environ, "BENCH_REQUESTS": f.name, "BENCH_THREADS": str(threads)}
    if page.expect:
        env["BENCH_EXPECT"] = str(page.expect)
    if rate:
        env["BENCH_RATE"] = str(rate)
    cmd = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA),
        f"http://127.0.0.1:{port}",
    ]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout  # noqa: S603
    os.unlink(f.name)
    result = json.loads(out.split("BENCH_RESULT", 1)[1].strip().splitlines()[0])
    result["rps"] = result["requests"] / result["seconds"]
    result["errors"] = result["socket_errors"] + result["http_errors"] + result["unexpected_status"]
    return dict(result)


HEADER = (
    "| page                       |    req/s |  p50 ms |  p95 ms |  p99 ms | "
    "errors |    bare | fortunes |"
)


def row(name: str, r: dict[str, Any], bare: float | None, fortunes: float | None) -> str:
    """One page's figures, with its rate as a share of each ceiling's."""
    to_bare = f"{r['rps'] / bare:7.0%}" if bare else "      -"
    to_fortunes = f"{r['rps'] / fortunes:8.0%}" if fortunes else "       -"
    return (
        f"| {name:<26} | {r['rps']:8.1f} | {r['p50']:7.1f} | {r['p95']:7.1f} | "
        f"{r['p99']:7.1f} | {r['errors']:6d} | {to_bare} | {to_fortunes} |"
    )


def print_header() -> None:
    print(HEADER)
    print("|" + "|".join("-" * (len(c)) for c in HEADER.split("|")[1:-1]) + "|")


async def ensure_fortunes(url: str) -> None:
    """The Fortunes ceiling's table: 1,000 rows, 20 to each indexed bucket."""
    from ceiling_app import FORTUNE_BUCKETS

    conn = await asyncpg.connect(url)
    try:
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS bench_fortune ("
            " id integer PRIMARY KEY, bucket integer NOT NULL, message text NOT NULL)"
        )
        await conn.execute(
            "CREATE INDEX IF NOT EXISTS bench_fortune_bucket ON bench_fortune (bucket)"
        )
        if not await conn.fetchval("SELECT count(*) FROM bench_fortune"):
            rows = [
                (n, n % FORTUNE_BUCKETS, f"Fortune {n:04d}: <script>alert('{n}')</script> & more")
                for n in range(1, FORTUNE_BUCKETS * 20 + 1)
            ]
            await conn.copy_records_to_table("bench_fortune", records=rows)
            await conn.execute("ANALYZE bench_fortune")
    finally:
        await conn.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="make bench")
    parser.add_argument(
        "--database-url", default="postgresql://postgres@127.0.0.1:5432/portal_bench"
    )
    parser.add_argument("--scale", type=float, default=float(os.environ.get("BENCH_SCALE", 1)))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", 2)))
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("BENCH_SECONDS", 15)))
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--users", type=int, default=1000, help="signed-in practitioners")
    parser.add_argument("--rate", type=int, default=300, help="mixed workload, requests/s")
    parser.add_argument("--mixed-seconds", type=int, default=60, help="0: no mixed workload")
    parser.add_argument(
        "--compare-seconds", type=int, default=10, help="uvicorn against granian; 0: none"
    )
    parser.add_argument(
        "--audit-seconds", type=int, default=10, help="audited writes, seconds; 0: none"
    )
    parser.add_argument("--only", default="", help="only the pages whose name contains this")
    parser.add_argument(
        "--quiet-seconds", type=int, default=8, help="one connection at a time, seconds a page"
    )
    args = parser.parse_args(argv)

    if not asyncio.run(has_data(args.database_url)):
        print(f"No bench data in {args.database_url}: loading it at scale {args.scale}.")
        subprocess.run(  # noqa: S603 our own command
            [
                sys.executable,
                "bench/synthetic.py",
                "--scale",
                str(args.scale),
                "--database-url",
                args.database_url,
            ],
            cwd=ROOT,
            check=True,
        )
    secret = secrets.token_urlsafe(48)
    portal_port, ceiling_port = free_port(), free_port()
    env = {
        **os.environ,
        "PORTAL_ENVIRONMENT": "production",
        "PORTAL_DATABASE_URL": args.database_url,
        "PORTAL_BASE_URL": f"http://127.0.0.1:{portal_port}",
        # Never contacted: the bench signs in by writing sessions, not through OIDC.
        "PORTAL_OIDC_ISSUER": "http://127.0.0.1:9",
        "PORTAL_OIDC_CLIENT_ID": "bench",
        "PORTAL_OIDC_CLIENT_SECRET": "bench-not-a-secret",
        "PORTAL_SESSION_SECRET": secret,
        "PYTHONPATH": str(ROOT),
        # The data is fictional, so the server log may say why a request failed.
        "PORTAL_LOG_TRACEBACKS": "true",
    }
    logs = ROOT / "var" / "bench"
    logs.mkdir(parents=True, exist_ok=True)
    pages = asyncio.run(build_pages(args.database_url, secret, args.users))
    asyncio.run(ensure_fortunes(args.database_url))
    servers = [
        start(
            [
                sys.executable,
                "-m",
                "portal.cli",
                "serve",
                "--port",
                str(portal_port),
                "--workers",
                str(args.workers),
            ],
            env,
            logs / "portal.log",
        ),
        start(
            [sys.executable, "-m", "bench.ceiling_app", str(ceiling_port), str(args.workers)],
            env,
            logs / "ceiling.log",
        ),
        # The audit sealer, as production runs it beside the servers.
        start([sys.executable, "-m", "portal.cli", "audit", "seal"], env, logs / "sealer.log"),
    ]
    try:
        wait_ready(portal_port, "/healthz")
        wait_ready(ceiling_port, "/")
        ceiling_page = Page("ceiling (bare page)", ["GET\t/\t\t\t"], 200)
        fortunes_page = Page("ceiling (Fortunes)", ["GET\t/fortunes\t\t\t"], 200)
        sizes = {name: check(portal_port, page) for name, page in pages.items()}
        sizes["ceiling"] = check(ceiling_port, ceiling_page)
        sizes["fortunes"] = check(ceiling_port, fortunes_page)
        print(f"\nPage sizes (bytes): {sizes}")
        counts = {
            n: queries_per_request(args.database_url, portal_port, p) for n, p in pages.items()
        }
        print(f"Database transactions per request (~ queries): {counts}")
        print(
            f"{len(pages['caseload (home)'].lines)} signed-in practitioners, "
            f"{args.workers} workers, {args.connections} connections, {args.seconds} s a page\n"
        )
        ceiling = wrk(ceiling_port, ceiling_page, args.seconds, args.connections, 2)
        fortunes = wrk(ceiling_port, fortunes_page, args.seconds, args.connections, 2)
        results = {
            name: wrk(portal_port, page, args.seconds, args.connections, 2)
            for name, page in pages.items()
            if args.only in name
        }
        print_header()
        print(row(ceiling_page.name, ceiling, None, None))
        print(row(fortunes_page.name, fortunes, ceiling["rps"], None))
        for name, result in results.items():
            print(row(name, result, ceiling["rps"], fortunes["rps"]))
        half = 0.5 * fortunes["rps"]
        below = [name for name, r in results.items() if r["rps"] < half and "save" not in name]
        print(
            "Target: every read page >= 50% of Fortunes: "
            + ("reached" if not below else f"NOT reached by {', '.join(below)}")
        )
        for name, r in results.items():
            if r["errors"]:
                print(
                    f"  {name}: {r['socket_errors']} socket errors or time-outs (10 s), "
                    f"{r['http_errors']} HTTP 4xx/5xx, {r['unexpected_status']} other statuses"
                )
        print(
            f"\nOne request at a time (1 connection, {args.quiet_seconds} s a page): the latency "
            "a practitioner sees when the server is not saturated"
        )
        print_header()
        quiet_ceiling = wrk(ceiling_port, ceiling_page, args.quiet_seconds, 1, 1)
        quiet_fortunes = wrk(ceiling_port, fortunes_page, args.quiet_seconds, 1, 1)
        print(row(ceiling_page.name, quiet_ceiling, None, None))
        print(row(fortunes_page.name, quiet_fortunes, quiet_ceiling["rps"], None))
        for name, page in pages.items():
            if args.only in name:
                quiet = wrk(portal_port, page, args.quiet_seconds, 1, 1)
                print(row(name, quiet, quiet_ceiling["rps"], quiet_fortunes["rps"]))
        if args.compare_seconds:
            compare_servers(args, env, pages, portal_port, logs)
        if args.mixed_seconds:
            run_mixed(args, pages, portal_port)
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(20)
    if args.audit_seconds:
        print()
        print("\n".join(audit_writes.measure(args.database_url, 32, args.audit_seconds)))
    return verify_audit_trail(args.database_url)


def compare_servers(
    args: argparse.Namespace,
    env: dict[str, str],
    pages: dict[str, Page],
    uvicorn_port: int,
    logs: Path,
) -> None:
    """The same portal under granian, against uvicorn (`portal serve`), in turn."""
    port = free_port()
    granian = start(
        [
            sys.executable,
            "-m",
            "granian",
            "--interface",
            "asgi",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(args.workers),
            "--loop",
            "uvloop",
            "--access-log",
            "portal.app:app_from_environment",
        ],
        {**env, "PORTAL_BASE_URL": f"http://127.0.0.1:{port}"},
        logs / "granian.log",
    )
    try:
        wait_ready(port, "/healthz")
        print(
            f"\nuvicorn (portal serve) against granian 2 ({args.workers} workers each, "
            f"{args.connections} connections, {args.compare_seconds} s a page):"
        )
        print("| page                       | uvicorn req/s | granian req/s | p95 ms u / g    |")
        print("|----------------------------|---------------|---------------|-----------------|")
        for name in ("caseload (home)", "family record", "find-before-create"):
            u = wrk(uvicorn_port, pages[name], args.compare_seconds, args.connections, 2)
            g = wrk(port, pages[name], args.compare_seconds, args.connections, 2)
            print(
                f"| {name:<26} | {u['rps']:13.1f} | {g['rps']:13.1f} | "
                f"{u['p95']:6.1f} / {g['p95']:6.1f} |"
            )
    finally:
        granian.terminate()
        granian.wait(20)


def run_mixed(args: argparse.Namespace, pages: dict[str, Page], portal_port: int) -> None:
    since = datetime.now(UTC)
    mix = Page("mixed", mixed(pages), 0)
    print(
        f"\nMixed practitioner workload at {args.rate} req/s for {args.mixed_seconds} s "
        "(40% caseload, 30% family, 10% search, 10% queue, 10% save):"
    )
    m = wrk(portal_port, mix, args.mixed_seconds, 64, 2, rate=args.rate)
    errors = m["socket_errors"] + m["http_errors"]
    print(
        f"  achieved {m['rps']:.1f} req/s, {m['requests']} requests, "
        f"errors {errors} ({errors / max(m['requests'], 1):.2%}), "
        f"p50 {m['p50']:.1f} ms, p95 {m['p95']:.1f} ms, p99 {m['p99']:.1f} ms"
    )
    print(f"  ({m['socket_errors']} socket errors or time-outs, {m['http_errors']} HTTP 4xx/5xx)")
    time.sleep(2)  # the sealer's last passes
    print(f"  audit {audit_writes.seal_lag_line(args.database_url, since)}")


def verify_audit_trail(url: str) -> int:
    """`portal audit verify` on the bench data, after everything the bench wrote."""
    audit_writes.portal_command(url, "audit", "seal", "--once")
    started = time.perf_counter()
    result = audit_writes.portal_command(url, "audit", "verify")
    took = time.perf_counter() - started
    print(f"\n`portal audit verify` on the bench data ({took:.0f} s):")
    print(result.stdout.rstrip() or result.stderr.rstrip())
    return result.returncode


def mixed(pages: dict[str, Page]) -> list[str]:
    """A practitioner's day, interleaved: the same users over every page."""
    weights = {
        "caseload (home)": 4,
        "family record": 3,
        "find-before-create": 1,
        "Starting Point queue": 1,
        "assessment section save": 1,
    }
    out = []
    for i in range(max(len(p.lines) for p in pages.values())):
        for name, weight in weights.items():
            lines = pages[name].lines
            out += [lines[(i * weight + k) % len(lines)] for k in range(weight)]
    return out


if __name__ == "__main__":
    raise SystemExit(main())
