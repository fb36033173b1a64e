"""Database engines: an SQLite file by default, PostgreSQL in production.

The app binds every table to one engine it owns (no import-time globals), so
tests can run the same code against both databases in one process.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from typing import Any

from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType
from piccolo.table import Table

SQLITE_BUSY_TIMEOUT_SECONDS = 10
# Fail a stuck query rather than hold a connection: SECURITY.md reliability 4.
POSTGRES_SERVER_SETTINGS = {
    "statement_timeout": "10000",
    "idle_in_transaction_session_timeout": "15000",
    "application_name": "early-help-portal",
}


def engine_from_url(url: str) -> Engine:  # type: ignore[type-arg]
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        return SQLiteEngine(path=str(path), timeout=SQLITE_BUSY_TIMEOUT_SECONDS)
    return PostgresEngine(
        config={"dsn": url, "server_settings": POSTGRES_SERVER_SETTINGS, "timeout": 10},
    )


def bind_tables(engine: Engine, tables: Iterable[type[Table]]) -> None:  # type: ignore[type-arg]
    for table in tables:
        table._meta.db = engine


@contextlib.asynccontextmanager
async def write_transaction(engine: Engine) -> AsyncIterator[Any]:  # type: ignore[type-arg]
    """A transaction for writes: IMMEDIATE on SQLite so two writers queue on the
    busy timeout instead of failing half-way with 'database is locked'."""
    if isinstance(engine, SQLiteEngine):
        async with engine.transaction(transaction_type=TransactionType.immediate) as tx:
            yield tx
    else:
        async with engine.transaction() as tx:
            yield tx


async def ping(engine: Engine) -> bool:  # type: ignore[type-arg]
    try:
        await engine.run_ddl("SELECT 1")
    except Exception:
        return False
    return True


async def open_pool(engine: Engine) -> None:  # type: ignore[type-arg]
    if isinstance(engine, PostgresEngine):
        # min_size=0: start even while the database is down; /readyz reports it.
        await engine.start_connection_pool(min_size=0, max_size=10)


async def close_pool(engine: Engine) -> None:  # type: ignore[type-arg]
    if isinstance(engine, PostgresEngine):
        await engine.close_connection_pool()


def contains_ignoring_case(column: Any, pattern: str) -> Any:
    """A case-insensitive LIKE on both databases (SQLite's LIKE already ignores
    case, and Piccolo warns when asked for ILIKE there)."""
    if isinstance(column._meta.table._meta.db, SQLiteEngine):
        return column.like(pattern)
    return column.ilike(pattern)
