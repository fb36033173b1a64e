"""The ceilings for `make bench`, served by uvicorn with the same settings as
`portal serve` (bench/run.py starts both the same way):

- `/`: a bare Litestar + Jinja page of about the size of a portal page, with no
  database, no session and no middleware;
- `/fortunes`: TechEmpower's "Fortunes" test, adapted: one indexed query of
  about 20 rows from the same PostgreSQL (asyncpg, a pool per process), one
  row added, sorted, escaped and rendered through Jinja in the same GOV.UK-sized
  layout. What a database-backed page can do here at best.

A portal page's rate divided by each is how close the portal comes to what the
framework, server and database can do on this machine.
"""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path
from typing import Any

import asyncpg
from litestar import Litestar, get
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.template.config import TemplateConfig

TEMPLATES = Path(__file__).resolve().parent / "templates"
FORTUNE_BUCKETS = 50  # of 20 rows each: bench/run.py makes the table
FORTUNES_SQL = "SELECT id, message FROM bench_fortune WHERE bucket = $1"
pool: Any = None


@get("/", sync_to_thread=False)
def page() -> Template:
    rows = [
        {"name": f"Child {n}", "due": f"2026-12-{n % 28 + 1:02d}", "what": "TAF review"}
        for n in range(int(os.environ.get("CEILING_ROWS", "40")))
    ]
    return Template("ceiling.html", context={"rows": rows, "title": "Your families"})


@get("/fortunes")
async def fortunes() -> Template:
    async with pool.acquire() as conn:
        bucket = random.randrange(FORTUNE_BUCKETS)  # noqa: S311 not security
        rows = [dict(r) for r in await conn.fetch(FORTUNES_SQL, bucket)]
    rows.append({"id": 0, "message": "Additional fortune added at request time."})
    rows.sort(key=lambda row: row["message"])
    return Template("fortunes.html", context={"rows": rows, "title": "Fortunes"})


async def open_pool() -> None:
    global pool
    pool = await asyncpg.create_pool(os.environ["PORTAL_DATABASE_URL"], min_size=1, max_size=10)


async def close_pool() -> None:
    await pool.close()


def create_app() -> Litestar:
    return Litestar(
        route_handlers=[page, fortunes],
        on_startup=[open_pool],
        on_shutdown=[close_pool],
        template_config=TemplateConfig(directory=TEMPLATES, engine=JinjaTemplateEngine),
        openapi_config=None,
        debug=False,
    )


def main() -> int:
    import uvicorn

    port = int(sys.argv[1])
    workers = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    # The same arguments as portal.cli._serve.
    uvicorn.run(
        "bench.ceiling_app:create_app",
        factory=True,
        host="127.0.0.1",
        port=port,
        workers=workers,
        proxy_headers=False,
        server_header=False,
        access_log=True,
        timeout_graceful_shutdown=10,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
