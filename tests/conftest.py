"""Fixtures shared by every layer: the real development identity provider and
a fresh PostgreSQL database per test session (per xdist worker)."""

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

from portal.embedded_db import with_database
from tests.support.database import VARIABLE, DatabaseServer
from tests.support.processes import migrate, start_idp

T = TypeVar("T")

# Every base URL the tests run a portal at must be registered with the provider.
TEST_CLIENT_BASE = "http://127.0.0.1:8000"


_server: DatabaseServer | None = None


def pytest_configure(config: pytest.Config) -> None:
    """Pick the PostgreSQL server once, in the main process: xdist workers
    inherit the variable, so an embedded server is started only once."""
    global _server
    if hasattr(config, "workerinput"):
        return
    _server = DatabaseServer()
    os.environ[VARIABLE] = _server.url
    if _server.embedded:
        print(f"Tests use an embedded PostgreSQL server ({_server.url})")


def pytest_unconfigure(config: pytest.Config) -> None:
    if _server is not None:
        _server.stop()


def postgres_admin_url() -> str:
    return os.environ[VARIABLE]


@pytest.fixture(scope="session")
def e2e_port() -> int:
    from tests.support.processes import free_port

    return free_port()


@pytest.fixture(scope="session")
def idp_issuer(e2e_port: int) -> Iterator[str]:
    idp, issuer = start_idp([TEST_CLIENT_BASE, f"http://127.0.0.1:{e2e_port}"])
    yield issuer
    idp.stop()


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
    url = with_database(admin, name)
    try:
        migrate(url)
        yield url
    finally:
        in_fresh_loop(run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    """A brand-new migrated database per test session (per xdist worker)."""
    with fresh_postgres_database("portal_test") as url:
        yield url


def in_fresh_loop(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine on its own thread and loop: Playwright's sync API keeps an
    event loop running on the main thread, where asyncio.run() would refuse."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


# The longest test files (a few minutes each), first under xdist: a worker that
# drew one of them last would finish minutes after the other.
LONGEST_FIRST = (
    "test_derby_vcm.py",
    "test_derbyshire_starting_point.py",
    "test_practice_workflow.py",
    "test_family_record_pages.py",
    "test_derby_and_meeting_pages.py",
    "test_family_records.py",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark browser tests and run them last: the quick layers report first.
    Under xdist (``workerinput``), the longest files go first instead, so the
    workers finish together; the checks of what every browser test left
    behind stay last either way."""
    browser = [item for item in items if Path(str(item.fspath)).parts[-2] == "e2e"]
    for item in browser:
        item.add_marker(pytest.mark.e2e)
    last = [i for i in browser if i.get_closest_marker("after_all_browser_tests") is not None]
    browser = [item for item in browser if item not in last]
    rest = [item for item in items if item not in browser and item not in last]
    if hasattr(config, "workerinput"):

        def weight(item: pytest.Item) -> int:
            name = Path(str(item.fspath)).name
            return LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST)

        browser.sort(key=weight)  # stable: a file's tests keep their order
        items[:] = browser + rest + last
    else:
        items[:] = rest + browser + last
