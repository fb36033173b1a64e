"""Fixtures shared by every layer: the real development identity provider and
the two databases (a fresh SQLite file, and a fresh PostgreSQL database)."""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import pytest

from tests.support.processes import migrate, migrated_sqlite, start_idp

T = TypeVar("T")

# Every base URL the tests run a portal at must be registered with the provider.
TEST_CLIENT_BASE = "http://127.0.0.1:8000"


def postgres_admin_url() -> str:
    return os.environ.get(
        "PORTAL_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
    )


@pytest.fixture(scope="session")
def e2e_port() -> int:
    from tests.support.processes import free_port

    return free_port()


@pytest.fixture(scope="session")
def idp_issuer(e2e_port: int) -> Iterator[str]:
    idp, issuer = start_idp([TEST_CLIENT_BASE, f"http://127.0.0.1:{e2e_port}"])
    yield issuer
    idp.stop()


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return migrated_sqlite(tmp_path_factory.mktemp("db"))


@contextmanager
def fresh_postgres_database(prefix: str) -> Iterator[str]:
    """A brand-new database migrated with `portal migrate`, dropped afterwards."""
    admin = postgres_admin_url()
    name = f"{prefix}_{secrets.token_hex(4)}"

    async def run(sql: str) -> None:
        connection = await asyncpg.connect(admin, timeout=5)
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    try:
        in_fresh_loop(run(f'CREATE DATABASE "{name}"'))
    except (OSError, asyncpg.PostgresError) as error:
        pytest.fail(
            f"PostgreSQL is required for these tests and is not reachable at {admin}: {error}"
        )
    url = admin.rsplit("/", 1)[0] + f"/{name}"
    try:
        migrate(url)
        yield url
    finally:
        in_fresh_loop(run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A brand-new database per test session."""
    with fresh_postgres_database("portal_test") as url:
        yield url


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue(f"{request.param}_url"))


def in_fresh_loop(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine on its own thread and loop: Playwright's sync API keeps an
    event loop running on the main thread, where asyncio.run() would refuse."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark browser tests and run them last: the quick layers report first."""
    browser = [item for item in items if Path(str(item.fspath)).parts[-2] == "e2e"]
    for item in browser:
        item.add_marker(pytest.mark.e2e)
    browser.sort(key=lambda item: item.get_closest_marker("after_all_browser_tests") is not None)
    items[:] = [item for item in items if item not in browser] + browser
