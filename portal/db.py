"""The database engine: PostgreSQL, the one dialect everywhere.

Production points PORTAL_DATABASE_URL at its server; `make demo` and the
tests use an embedded server (``portal.embedded_db``). The app binds every
table to one engine it owns (no import-time globals).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator, Iterable
from datetime import date, datetime
from typing import Any

from piccolo.columns import Date, Timestamp, Timestamptz
from piccolo.engine.postgres import PostgresEngine
from piccolo.table import Table

# Fail a stuck query rather than hold a connection: SECURITY.md reliability 4.
POSTGRES_SERVER_SETTINGS = {
    "statement_timeout": "10000",
    "idle_in_transaction_session_timeout": "15000",
    "application_name": "early-help-portal",
}


def engine_from_url(url: str) -> PostgresEngine:
    return PostgresEngine(
        config={"dsn": url, "server_settings": POSTGRES_SERVER_SETTINGS, "timeout": 10},
    )


def bind_tables(engine: PostgresEngine, tables: Iterable[type[Table]]) -> None:
    for table in tables:
        table._meta.db = engine


@contextlib.asynccontextmanager
async def write_transaction(engine: Any) -> AsyncIterator[Any]:
    """A transaction for a change and its audit event: all or nothing."""
    async with engine.transaction() as tx:
        yield tx


async def ping(engine: PostgresEngine) -> bool:
    try:
        await engine.run_ddl("SELECT 1")
    except Exception:
        return False
    return True


async def open_pool(engine: PostgresEngine) -> None:
    # min_size=0: start even while the database is down; /readyz reports it.
    await engine.start_connection_pool(min_size=0, max_size=10)


async def close_pool(engine: PostgresEngine) -> None:
    await engine.close_connection_pool()


def contains_ignoring_case(column: Any, pattern: str) -> Any:
    """A case-insensitive LIKE (ILIKE)."""
    return column.ilike(pattern)


def rows_from_json(table: type[Table], value: str | None) -> list[dict[str, Any]]:
    """Rows a statement returned as one JSON array (``jsonb_agg(to_jsonb(t) || ...)``,
    to read several tables' rows in one statement), with the table's dates and
    times as Python values again, as Piccolo's own select gives them."""
    items: list[dict[str, Any]] = json.loads(value) if value else []
    return [row_from_json(table, item) for item in items]


def row_from_json(table: type[Table], item: dict[str, Any]) -> dict[str, Any]:
    for column in table._meta.columns:
        name = column._meta.db_column_name
        raw = item.get(name)
        if raw is None:
            continue
        if isinstance(column, Timestamptz | Timestamp):
            item[name] = datetime.fromisoformat(raw)
        elif isinstance(column, Date):
            item[name] = date.fromisoformat(raw)
    return item
