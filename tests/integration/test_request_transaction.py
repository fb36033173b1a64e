"""One connection and one transaction per request (portal/web/transaction.py),
proved on a small app of probe routes around the same middleware and a real
PostgreSQL: a read page is one snapshot on one connection, a change is READ
COMMITTED, a server error keeps nothing while a refusal keeps its writes, a
read page that lost a write conflict is run again, a failed change inside the
request is undone by its savepoint, the work is committed before the body is
sent, and bookkeeping is written only after the commit."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import pytest
from litestar import Litestar, MediaType, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Stream
from litestar.testing import TestClient
from piccolo.columns import Integer
from piccolo.engine.postgres import PostgresEngine
from piccolo.table import Table

from portal.db import after_commit, close_pool, engine_from_url, open_pool, write_transaction
from portal.web.transaction import ATTEMPTS, RequestTransactionMiddleware


class TxProbe(Table, tablename="tx_probe"):
    id = Integer(primary_key=True)
    n = Integer()


@dataclass
class Probe:
    client: TestClient[Litestar]
    url: str
    attempts: list[int] = field(default_factory=list)
    conflicts: dict[str, int] = field(default_factory=lambda: {"attempts": 1})

    def rows(self) -> dict[int, int]:
        async def read() -> dict[int, int]:
            connection = await asyncpg.connect(self.url)
            try:
                return {r["id"]: r["n"] for r in await connection.fetch("SELECT * FROM tx_probe")}
            finally:
                await connection.close()

        return self.client.blocking_portal.call(read)


async def elsewhere(url: str, sql: str) -> None:
    """A write from another connection, committed at once."""
    connection = await asyncpg.connect(url)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def engine_of(state: Any) -> PostgresEngine:
    engine: PostgresEngine = state.engine
    return engine


@pytest.fixture
def probe(database_url: str) -> Iterator[Probe]:
    engine = engine_from_url(database_url)
    TxProbe._meta.db = engine
    attempts: list[int] = []
    conflicts = {"attempts": 1}  # how many attempts of /conflict another write beats

    async def facts() -> list[dict[str, Any]]:
        rows = []
        for _ in range(3):
            found = await engine.run_ddl(
                "SELECT pg_backend_pid() AS pid, now()::text AS began,"
                " current_setting('transaction_isolation') AS isolation"
            )
            rows.append(dict(found[0]))
        return rows

    @get("/facts", media_type=MediaType.JSON)
    async def read_facts() -> list[dict[str, Any]]:
        return await facts()

    @post("/facts", media_type=MediaType.JSON, status_code=200)
    async def change_facts() -> list[dict[str, Any]]:
        return await facts()

    @get("/snapshot", media_type=MediaType.JSON)
    async def snapshot() -> list[int]:
        before = (await TxProbe.select(TxProbe.n).where(TxProbe.id == 1))[0]["n"]
        await elsewhere(database_url, "UPDATE tx_probe SET n = n + 1 WHERE id = 1")
        after = (await TxProbe.select(TxProbe.n).where(TxProbe.id == 1))[0]["n"]
        return [before, after]

    @get("/fail")
    async def fail() -> str:
        await TxProbe.insert(TxProbe(id=2, n=2))
        raise RuntimeError("a bug after a write")

    @get("/refuse")
    async def refuse() -> str:
        await TxProbe.insert(TxProbe(id=3, n=3))
        raise NotFoundException()

    @get("/conflict", media_type=MediaType.TEXT)
    async def conflict() -> str:
        attempts.append(len(attempts) + 1)
        await TxProbe.select().where(TxProbe.id == 1)  # the snapshot is taken
        if len(attempts) <= conflicts["attempts"]:
            await elsewhere(database_url, "UPDATE tx_probe SET n = n + 10 WHERE id = 1")
        await TxProbe.update({TxProbe.n: TxProbe.n + 1}).where(TxProbe.id == 1)
        return "saved"

    @post("/partial", status_code=200, media_type=MediaType.TEXT)
    async def partial() -> str:
        await TxProbe.insert(TxProbe(id=4, n=4))
        try:
            async with write_transaction(engine):
                await TxProbe.insert(TxProbe(id=5, n=5))
                await TxProbe.insert(TxProbe(id=4, n=4))  # a unique violation
        except asyncpg.UniqueViolationError:
            pass
        await TxProbe.insert(TxProbe(id=6, n=6))  # the request's transaction goes on
        return "partly saved"

    @get("/stream")
    async def stream() -> Stream:
        await TxProbe.insert(TxProbe(id=7, n=7))

        async def body() -> AsyncIterator[str]:
            connection = await asyncpg.connect(database_url)
            try:
                seen = await connection.fetchval("SELECT count(*) FROM tx_probe WHERE id = 7")
            finally:
                await connection.close()
            yield f"committed={seen} joined={engine.current_transaction.get() is not None}"

        return Stream(body(), media_type=MediaType.TEXT)

    @get("/touch/{status:int}", media_type=MediaType.TEXT)
    async def touch(status: FromPath[int]) -> str:
        await after_commit(engine, TxProbe.update({TxProbe.n: 100}).where(TxProbe.id == 1))
        if status >= 500:
            raise RuntimeError("the page failed")
        return "touched"

    async def start() -> None:
        await open_pool(engine)
        await engine.run_ddl("DROP TABLE IF EXISTS tx_probe")
        await engine.run_ddl("CREATE TABLE tx_probe (id integer PRIMARY KEY, n integer)")
        await engine.run_ddl("INSERT INTO tx_probe VALUES (1, 1)")

    async def stop() -> None:
        await engine.run_ddl("DROP TABLE IF EXISTS tx_probe")
        await close_pool(engine)

    app = Litestar(
        route_handlers=[
            read_facts,
            change_facts,
            snapshot,
            fail,
            refuse,
            conflict,
            partial,
            stream,
            touch,
        ],
        middleware=[RequestTransactionMiddleware(engine)],
        on_startup=[start],
        on_shutdown=[stop],
    )
    with TestClient(app) as client:
        yield Probe(client=client, url=database_url, attempts=attempts, conflicts=conflicts)


def test_a_read_page_runs_on_one_connection_in_one_repeatable_read_transaction(
    probe: Probe,
) -> None:
    rows = probe.client.get("/facts").json()
    assert len({r["pid"] for r in rows}) == 1
    assert len({r["began"] for r in rows}) == 1  # now() is the transaction's start
    assert {r["isolation"] for r in rows} == {"repeatable read"}


def test_a_change_runs_on_one_connection_in_read_committed(probe: Probe) -> None:
    rows = probe.client.post("/facts").json()
    assert len({r["pid"] for r in rows}) == 1
    assert len({r["began"] for r in rows}) == 1
    assert {r["isolation"] for r in rows} == {"read committed"}


def test_a_read_page_sees_one_snapshot_while_others_write(probe: Probe) -> None:
    before, after = probe.client.get("/snapshot").json()
    assert before == after == 1
    assert probe.rows()[1] == 2  # the other write did land


def test_a_server_error_keeps_nothing_and_a_refusal_keeps_its_writes(probe: Probe) -> None:
    assert probe.client.get("/fail").status_code == 500
    assert probe.client.get("/refuse").status_code == 404
    rows = probe.rows()
    assert 2 not in rows
    assert rows[3] == 3


def test_a_read_page_that_lost_a_write_conflict_is_run_again(probe: Probe) -> None:
    response = probe.client.get("/conflict")
    assert response.status_code == 200, response.text
    assert response.text == "saved"
    assert probe.attempts == [1, 2]
    assert probe.rows()[1] == 1 + 10 + 1  # the other write, then this page's once


def test_a_read_page_that_keeps_conflicting_gets_its_error_page(probe: Probe) -> None:
    probe.conflicts["attempts"] = ATTEMPTS
    assert probe.client.get("/conflict").status_code == 500
    assert probe.attempts == list(range(1, ATTEMPTS + 1))
    assert probe.rows()[1] == 1 + 10 * ATTEMPTS  # none of the page's own writes


def test_a_failed_change_inside_a_request_is_undone_by_its_savepoint(probe: Probe) -> None:
    response = probe.client.post("/partial")
    assert response.status_code == 200, response.text
    rows = probe.rows()
    assert (4 in rows, 5 in rows, 6 in rows) == (True, False, True)


def test_the_work_is_committed_and_the_connection_let_go_before_the_body_is_sent(
    probe: Probe,
) -> None:
    response = probe.client.get("/stream")
    assert response.text == "committed=1 joined=False"


def test_bookkeeping_is_written_after_the_commit_and_not_after_a_failure(probe: Probe) -> None:
    assert probe.client.get("/touch/500").status_code == 500
    assert probe.rows()[1] == 1
    assert probe.client.get("/touch/200").text == "touched"
    assert probe.rows()[1] == 100
