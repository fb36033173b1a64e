"""A database that is gone or refusing connections gives the honest 503 page
with Retry-After on every page, sign-in included, never a 500 (issue 22,
finding 7); /readyz says 503 too; under load, an outage is 503s and the
portal recovers by itself."""

from __future__ import annotations

import asyncio
import sys
import time
from collections import Counter
from urllib.parse import urlsplit

import asyncpg
import httpx
import pytest
from litestar.testing import TestClient

from portal.app import create_app
from portal.auth import service as auth
from portal.db import bind_tables, engine_from_url
from portal.embedded_db import with_database
from portal.tables import CORE_TABLES
from tests.conftest import TEST_CLIENT_BASE, fresh_postgres_database, in_fresh_loop
from tests.integration.conftest import make_settings
from tests.support.portal import DEMO_ACCOUNTS
from tests.support.processes import Process, free_port, portal_env

STATEMENT_TIMEOUT_SECONDS = 10  # portal.db's statement_timeout


def assert_unavailable(database_url: str, idp_issuer: str) -> None:
    settings = make_settings(database_url, idp_issuer)
    with TestClient(create_app(settings), base_url=TEST_CLIENT_BASE) as client:
        assert client.get("/readyz").status_code == 503
        client.cookies.set("portal_session", "a-session-the-database-would-look-up")
        for path in ("/login", "/families/1", "/"):
            page = client.get(path, follow_redirects=False)
            assert page.status_code == 503, (path, page.status_code)
            assert page.headers["retry-after"] == "30"
            assert "cannot reach its database" in page.text


@pytest.mark.filterwarnings("ignore:.*Unable to")  # Piccolo warns that it can't reach the server
def test_a_dropped_database_gives_503(database_url: str, idp_issuer: str) -> None:
    assert_unavailable(with_database(database_url, "portal_dropped_long_ago"), idp_issuer)


@pytest.mark.filterwarnings("ignore:.*Unable to")
def test_a_database_refusing_connections_gives_503(idp_issuer: str) -> None:
    with fresh_postgres_database("portal_refusing") as url:
        name = url.rsplit("/", 1)[1].split("?")[0]

        async def allow(yes: bool) -> None:
            admin = await asyncpg.connect(with_database(url, "postgres"))
            try:
                await admin.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS {yes}')
            finally:
                await admin.close()

        in_fresh_loop(allow(False))
        try:
            assert_unavailable(url, idp_issuer)
        finally:
            in_fresh_loop(allow(True))  # so that it can be dropped


def test_under_load_an_outage_is_503s_then_recovers_without_a_restart(idp_issuer: str) -> None:
    """A real `portal serve` under 8 concurrent signed-in users: while its
    database refuses connections (existing ones cut), every answer is a page or
    a 503, none waits past the statement timeout; once the database is back,
    pages work again with no restart."""
    with fresh_postgres_database("portal_outage") as url:
        name = url.rsplit("/", 1)[1].split("?")[0]
        port = free_port()
        server = Process(
            [sys.executable, "-m", "portal.cli", "serve", "--port", str(port)],
            portal_env(url, idp_issuer, TEST_CLIENT_BASE),
        )
        base = f"http://127.0.0.1:{port}"
        try:
            server.wait_for_http(f"{base}/healthz")
            cookie = in_fresh_loop(signed_in_cookie(url, idp_issuer))
            before = run_load(base, cookie, seconds=1.5)
            assert set(before) == {200}, before
            in_fresh_loop(refuse_connections(url, name, refuse=True))
            during = run_load(base, cookie, seconds=3)
            assert set(during) <= {200, 503} and during[503] > 0, during
            print(f"outage under load: before {dict(before)}, during {dict(during)}")
            in_fresh_loop(refuse_connections(url, name, refuse=False))
            deadline = time.monotonic() + 30
            while set(run_load(base, cookie, seconds=0.5, users=1)) != {200}:
                assert time.monotonic() < deadline, "the portal did not recover within 30 s"
        finally:
            server.stop()


async def refuse_connections(url: str, name: str, *, refuse: bool) -> None:
    admin = await asyncpg.connect(with_database(url, "postgres"))
    try:
        await admin.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS {not refuse}')
        if refuse:  # and cut the pool's open connections, as a failover would
            await admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name
            )
    finally:
        await admin.close()


async def signed_in_cookie(url: str, issuer: str) -> str:
    """A session written as the sign-in callback writes it (no provider needed)."""
    settings = make_settings(url, issuer)
    engine = engine_from_url(url)
    bind_tables(engine, CORE_TABLES)
    claims = {**DEMO_ACCOUNTS["derby.school"], "iss": issuer}
    user = await auth.upsert_user(claims, settings)
    return await auth.start_session(engine, user.id, "id-token", replaces=None)


def run_load(base: str, cookie: str, *, seconds: float, users: int = 8) -> Counter[int | str]:
    """GET the home page from ``users`` clients for ``seconds``: the status codes
    (or 'slow' for an answer taking longer than the statement timeout)."""

    async def user(client: httpx.AsyncClient, until: float, seen: Counter[int | str]) -> None:
        while time.monotonic() < until:
            started = time.monotonic()
            try:
                response = await client.get("/")
                seen[response.status_code] += 1
            except httpx.TimeoutException:
                seen["slow"] += 1
            if time.monotonic() - started > STATEMENT_TIMEOUT_SECONDS:
                seen["slow"] += 1

    async def load() -> Counter[int | str]:
        seen: Counter[int | str] = Counter()
        async with httpx.AsyncClient(
            base_url=base,
            headers={"Host": urlsplit(TEST_CLIENT_BASE).netloc},
            cookies={"portal_session": cookie},
            timeout=STATEMENT_TIMEOUT_SECONDS + 2,
        ) as client:
            until = time.monotonic() + seconds
            await asyncio.gather(*(user(client, until, seen) for _ in range(users)))
        return seen

    return in_fresh_loop(load())
