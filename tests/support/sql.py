"""Plain SQL against a database a test does not run in its own process (the
browser tests' portal runs in a subprocess): asyncpg on a fresh event loop."""

from __future__ import annotations

from typing import Any

import asyncpg

from tests.conftest import in_fresh_loop


def fetch(database_url: str, sql: str, *args: Any) -> list[asyncpg.Record]:
    """Run one statement (in its own transaction) and return its rows."""

    async def run() -> list[asyncpg.Record]:
        connection = await asyncpg.connect(database_url, timeout=10)
        try:
            async with connection.transaction():
                return list(await connection.fetch(sql, *args))
        finally:
            await connection.close()

    return in_fresh_loop(run())
