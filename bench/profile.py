"""Where one page's time goes: one portal worker under wrk, sampled by py-spy.

    uv run python bench/profile.py "family record" --seconds 15

Starts the portal (production settings, one uvicorn worker) on the bench
database, signs in the bench's practitioners as `make bench` does, drives the
named page with wrk and samples the worker with py-spy (``--gil``: only the
thread running Python, so idle threads do not drown the figures). Prints the
functions with the most time of their own, and the share of every request's
time under each portal, Jinja, Piccolo, Litestar and asyncpg function.
Leave the machine quiet while it runs: other work changes the shares.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import re
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

import run as bench  # its sibling: this runs as a script, from bench/

ROOT = Path(__file__).resolve().parents[1]
WATCHED = ("portal", ".html", "jinja2", "piccolo", "litestar", "asyncpg", "plugins")


def frames_of(line: str) -> tuple[list[str], int]:
    """One py-spy "raw" (collapsed) line: its frames, outermost first, line
    numbers dropped so a function counts once, and its sample count."""
    stack, _, count = line.rstrip().rpartition(" ")
    return [re.sub(r":\d+\)", ")", f) for f in stack.split(";")], int(count)


def summary(raw: Path, top: int) -> str:
    own: collections.Counter[str] = collections.Counter()
    under: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        frames, count = frames_of(line)
        total += count
        own[frames[-1]] += count
        for frame in set(frames):
            under[frame] += count
    if not total:
        return "no samples"
    lines = [f"{total} samples", "", "Own time:"]
    lines += [f"{100 * n / total:5.1f}%  {f[:120]}" for f, n in own.most_common(top)]
    lines += ["", "Time under (portal, templates, libraries):"]
    lines += [
        f"{100 * n / total:5.1f}%  {f[:120]}"
        for f, n in under.most_common()
        if any(w in f for w in WATCHED) and n / total >= 0.01
    ][: top * 2]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page", help="part of a bench page's name, e.g. 'family record'")
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument(
        "--database-url", default="postgresql://postgres@127.0.0.1:5432/portal_bench"
    )
    args = parser.parse_args()
    if not asyncio.run(bench.has_data(args.database_url)):
        print(f"No bench data in {args.database_url}: run `make bench-data` first.")
        return 1
    secret = secrets.token_urlsafe(48)
    port = bench.free_port()
    env = {
        **os.environ,
        "PORTAL_ENVIRONMENT": "production",
        "PORTAL_DATABASE_URL": args.database_url,
        "PORTAL_BASE_URL": f"http://127.0.0.1:{port}",
        "PORTAL_OIDC_ISSUER": "http://127.0.0.1:9",  # never contacted, as in `make bench`
        "PORTAL_OIDC_CLIENT_ID": "bench",
        "PORTAL_OIDC_CLIENT_SECRET": "bench-not-a-secret",
        "PORTAL_SESSION_SECRET": secret,
        "PYTHONPATH": str(ROOT),
    }
    pages = asyncio.run(bench.build_pages(args.database_url, secret, 1000))
    page = next((p for name, p in pages.items() if args.page in name), None)
    if page is None:
        print(f"No bench page matches {args.page!r}: {', '.join(pages)}")
        return 1
    server = subprocess.Popen(  # noqa: S603 our own server
        [
            sys.executable,
            "-c",
            "import uvicorn; uvicorn.run('portal.app:app_from_environment', factory=True, "
            f"port={port}, access_log=False, log_level='warning')",
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        bench.wait_ready(port, "/healthz")
        bench.wrk(port, page, 3, 16, 2)  # warm the caches first
        with tempfile.TemporaryDirectory() as folder:
            raw = Path(folder) / "profile.txt"
            spy_command = ["py-spy", "record", "--gil", "-r", "200", "-f", "raw"]
            spy_command += ["-o", str(raw), "-d", str(args.seconds), "-p", str(server.pid)]
            spy = subprocess.Popen(  # noqa: S603
                spy_command,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            result = bench.wrk(port, page, args.seconds, 16, 2)
            spy.wait()
            print(f"{page.name}: {result['rps']:.1f} req/s on one worker, sampled")
            print(summary(raw, args.top))
    finally:
        server.terminate()
        server.wait(20)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
