"""Integration fixtures: the app in Litestar's test client, on each database,
signing in through the real development identity provider."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from piccolo.engine.sqlite import SQLiteEngine

from portal.app import create_app
from portal.audit.tables import AuditEvent
from portal.db import write_transaction
from portal.migrations.portal_0003_audit_append_only import SQLITE_BACKWARDS, SQLITE_FORWARDS
from portal.plugins import installed_area_plugins
from portal.settings import Settings
from portal.tables import CORE_TABLES
from tests.conftest import TEST_CLIENT_BASE
from tests.support import testshire
from tests.support.processes import portal_env
from tests.support.signin import complete_at_idp

T = TypeVar("T")


@dataclass
class Portal:
    app: Litestar
    client: TestClient[Litestar]
    settings: Settings

    def run(self, fn: Callable[..., Awaitable[T]], *args: Any) -> T:
        """Run a coroutine function on the app's own event loop (and database pool)."""
        return self.client.blocking_portal.call(fn, *args)

    def start_sign_in(self) -> str:
        response = self.client.get("/login", follow_redirects=False)
        assert response.status_code == 303, response.text
        return str(response.headers["location"])

    def finish_sign_in(self, callback_url: str) -> Any:
        return self.client.get(callback_url.removeprefix(TEST_CLIENT_BASE), follow_redirects=False)

    def sign_in(self, username: str) -> None:
        response = self.finish_sign_in(complete_at_idp(self.start_sign_in(), username))
        assert response.status_code == 303 and response.headers["location"] == "/", response.text

    @contextlib.contextmanager
    def other_browser(self) -> Iterator[None]:
        """Act as a second browser (its own cookies) against the same running portal.

        One app per test: Piccolo tables bind to one engine, so two live apps
        in one process would share tables but not transactions."""
        saved = dict(self.client.cookies)
        self.client.cookies.clear()
        try:
            yield
        finally:
            self.client.cookies.clear()
            self.client.cookies.update(saved)

    def csrf_token(self) -> str:
        page = self.client.get("/")
        marker = 'name="csrf-token" content="'
        start = page.text.index(marker) + len(marker)
        return page.text[start : page.text.index('"', start)]


def make_settings(database_url: str, issuer: str, **env: str) -> Settings:
    return Settings.from_env(portal_env(database_url, issuer, TEST_CLIENT_BASE, **env))


@pytest.fixture
def portal_factory(database_url: str, idp_issuer: str) -> Iterator[Callable[..., Portal]]:
    clients: list[TestClient[Litestar]] = []

    def factory(plugins: Mapping[str, object] | None = None, **env: str) -> Portal:
        settings = make_settings(database_url, idp_issuer, **env)
        app = create_app(settings, area_plugins=plugins)
        client = TestClient(app, base_url=TEST_CLIENT_BASE)
        client.__enter__()
        clients.append(client)
        return Portal(app=app, client=client, settings=settings)

    yield factory
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def portal(portal_factory: Callable[..., Portal]) -> Portal:
    instance = portal_factory()
    instance.run(clean_tables)
    return instance


async def clean_tables() -> None:
    # audit_event refuses DELETE (migration portal_0003). PostgreSQL's TRUNCATE
    # skips row triggers; SQLite has none, so lift its guard for one transaction
    # (no other connection ever sees the table unguarded).
    engine = AuditEvent._meta.db
    if isinstance(engine, SQLiteEngine):
        async with write_transaction(engine):
            for sql in (*SQLITE_BACKWARDS, "DELETE FROM audit_event", *SQLITE_FORWARDS):
                await engine.run_ddl(sql)
    else:
        await engine.run_ddl("TRUNCATE audit_event")
    # Children before parents (foreign keys).
    for table in reversed(CORE_TABLES):
        if table is not AuditEvent:
            await table.delete(force=True)


@pytest.fixture
def with_testshire() -> dict[str, object]:
    return {**installed_area_plugins(), "testshire": testshire}
