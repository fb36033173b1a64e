"""The database engine: PostgreSQL, the one dialect everywhere, and the one
connection and transaction each request runs on.

Production points PORTAL_DATABASE_URL at its server; `make demo` and the
tests use an embedded server (``portal.embedded_db``). The app binds every
table to one engine it owns (no import-time globals).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

import asyncpg
from piccolo.columns import Date, Timestamp, Timestamptz
from piccolo.engine.postgres import PostgresEngine, PostgresTransaction
from piccolo.query.base import Query
from piccolo.table import Table

from portal.kernel.records import write_transaction

__all__ = ["write_transaction"]  # services take it from here, with the engine

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


# A read page sees one snapshot; two pages writing one row at once make one
# of them fail with these, and a read page is simply run again.
CONFLICTS = (asyncpg.SerializationError, asyncpg.DeadlockDetectedError)


class RequestConnection:
    """The one connection a request runs on, inside one transaction. It is
    taken from the pool at the request's first statement, so a request that
    never reads holds none."""

    def __init__(self, engine: PostgresEngine, isolation: str) -> None:
        self.engine = engine
        self.isolation = isolation
        self.conflicted = False  # a statement failed with one of CONFLICTS
        self._connection: Any = None
        self._transaction: Any = None

    async def _open(self) -> Any:
        if self._connection is None:
            pool = self.engine.pool
            connection = await (pool.acquire() if pool else self.engine.get_new_connection())
            transaction = connection.transaction(isolation=self.isolation)
            try:
                await transaction.start()
            except BaseException:
                await self._give_back(connection)
                raise
            self._connection, self._transaction = connection, transaction
        return self._connection

    async def fetch(self, query: str, *args: Any) -> Any:
        connection = await self._open()
        try:
            return await connection.fetch(query, *args)
        except CONFLICTS:
            self.conflicted = True
            raise

    async def execute(self, query: str, *args: Any) -> Any:
        connection = await self._open()
        try:
            return await connection.execute(query, *args)
        except CONFLICTS:
            self.conflicted = True
            raise

    async def finish(self, commit: bool) -> None:
        """Commit (or roll back) and give the connection back; once only."""
        connection, transaction = self._connection, self._transaction
        if connection is None:
            return
        self._connection = self._transaction = None
        try:
            await (transaction.commit() if commit else transaction.rollback())
        finally:
            await self._give_back(connection)

    async def _give_back(self, connection: Any) -> None:
        if self.engine.pool:
            await self.engine.pool.release(connection)
        else:
            await connection.close()


class RequestTransaction(PostgresTransaction):
    """Piccolo's view of a request's connection: while it is the engine's
    current transaction every query runs on it, and ``engine.transaction()``
    joins it (``write_transaction`` adds a savepoint). ``after_commit`` holds
    bookkeeping to write once the request's own work is kept."""

    def __init__(self, engine: PostgresEngine, isolation: str) -> None:
        # Not Piccolo's __init__: that would look for a transaction to join.
        self.engine = engine
        self.connection = RequestConnection(engine, isolation)
        self._savepoint_id = 0
        self._parent = None
        self._committed = False
        self._rolled_back = False
        self.after_commit: list[Query[Any, Any]] = []


async def after_commit(engine: Any, query: Query[Any, Any]) -> None:
    """Run ``query`` once the request's transaction has committed, or now when
    there is none: for bookkeeping two requests may write at once (a session's
    last-seen time), which would otherwise fail a read page's snapshot."""
    current = engine.current_transaction.get()
    if isinstance(current, RequestTransaction):
        current.after_commit.append(query)
    else:
        await query


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


TableT = TypeVar("TableT", bound=Table)


async def object_by_id(table: type[TableT], row_id: int) -> TableT | None:
    """One row as the table's object, as ``objects().get(table.id == row_id)``
    gives it, read with ``raw``: the objects() query builder costs ~0.8 ms of
    Python a statement against ~0.2 ms, and every family page starts here."""
    sql = f"SELECT * FROM {table._meta.tablename} WHERE id = {{}}"  # noqa: S608 (a table's own name)
    rows = await table.raw(sql, row_id)
    return table(**rows[0], _exists_in_db=True) if rows else None


def contains_ignoring_case(column: Any, pattern: str) -> Any:
    """A case-insensitive LIKE (ILIKE)."""
    return column.ilike(pattern)


def rows_from_json(table: type[Table], value: str | None) -> list[dict[str, Any]]:
    """Rows a statement returned as one JSON array (``jsonb_agg(to_jsonb(t) || ...)``,
    to read several tables' rows in one statement), with the table's dates and
    times as Python values again, as Piccolo's own select gives them."""
    return row_list(table, json.loads(value) if value else None)


def row_list(table: type[Table], items: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """Rows already parsed from JSON (a part of a larger answer), as rows_from_json."""
    return [row_from_json(table, item) for item in items or []]


def row_from_json(table: type[Table], item: dict[str, Any]) -> dict[str, Any]:
    """One row read as JSON (``to_jsonb(t)``), with the table's dates and times
    as Python values again (in place)."""
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


@dataclass(frozen=True)
class Fact:
    """One thing a page needs, as a scalar subquery returning JSON with ``{}``
    placeholders for ``args``, and how to read the answer. A page asks for
    several in one statement (``fetch_facts``); a service reads its own alone
    with ``fetch_fact``."""

    table: type[Table]  # whose engine runs it
    sql: str
    args: tuple[Any, ...]
    parse: Callable[[str | None], Any]


async def fetch_facts(facts: Mapping[str, Fact]) -> dict[str, Any]:
    """Several facts in one statement (on the first one's engine), each parsed."""
    table = next(iter(facts.values())).table
    columns = ",\n".join(f"({fact.sql}) AS {name}" for name, fact in facts.items())
    args = [arg for fact in facts.values() for arg in fact.args]
    (row,) = await table.raw(f"SELECT {columns}", *args)
    return {name: fact.parse(row[name]) for name, fact in facts.items()}


async def fetch_fact(fact: Fact) -> Any:
    return (await fetch_facts({"fact": fact}))["fact"]
