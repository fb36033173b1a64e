"""Integration fixtures: the app in Litestar's test client on PostgreSQL
(tests/support/portal.py), every full page it GETs checked against the house
rules (tests/support/page_rules.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

import httpx
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from portal.app import create_app
from portal.audit.tables import AuditEvent
from portal.plugins import installed_area_plugins
from portal.settings import Settings
from portal.tables import CORE_TABLES
from tests.conftest import TEST_CLIENT_BASE
from tests.support import testshire
from tests.support.page_rules import check_page
from tests.support.portal import Portal
from tests.support.processes import portal_env
from tests.support.testshire_install import migrate_with_testshire


def make_settings(database_url: str, issuer: str, **env: str) -> Settings:
    return Settings.from_env(portal_env(database_url, issuer, TEST_CLIENT_BASE, **env))


@pytest.fixture
def portal_factory(database_url: str, idp_issuer: str) -> Iterator[Callable[..., Portal]]:
    clients: list[TestClient[Litestar]] = []

    def factory(plugins: Mapping[str, object] | None = None, **env: str) -> Portal:
        settings = make_settings(database_url, idp_issuer, **env)
        app = create_app(settings, area_plugins=plugins)
        client = TestClient(app, base_url=TEST_CLIENT_BASE)
        client.event_hooks["response"].append(check_full_page)
        client.__enter__()
        clients.append(client)
        return Portal(app=app, client=client, settings=app.state.settings)

    yield factory
    for client in clients:
        client.__exit__(None, None, None)


def check_full_page(response: httpx.Response) -> None:
    """Every full HTML page a test GETs keeps the house rules (tests/support/page_rules.py);
    htmx partials and other content are left alone."""
    request = response.request
    if request.method != "GET" or "hx-request" in request.headers:
        return
    if not response.headers.get("content-type", "").startswith("text/html"):
        return
    response.read()
    if "<html" not in response.text[:300]:
        return
    check_page(response.text, f"GET {request.url.path} ({response.status_code})")


@pytest.fixture
def portal(portal_factory: Callable[..., Portal]) -> Portal:
    instance = portal_factory()
    instance.run(clean_tables)
    return instance


async def clean_tables() -> None:
    """Empty every table in one statement. TRUNCATE skips audit_event's
    append-only row trigger; CASCADE takes the area plugins' tables too."""
    names = ", ".join(table._meta.tablename for table in CORE_TABLES)
    await AuditEvent._meta.db.run_ddl(f"TRUNCATE {names} RESTART IDENTITY CASCADE")


@pytest.fixture(scope="session")
def testshire_migrated(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Testshire's own table in the session's database, made as an installed
    area's are: by its own migration, through `portal migrate`."""
    result = migrate_with_testshire(database_url, tmp_path_factory.mktemp("testshire"))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture
def with_testshire(testshire_migrated: None) -> dict[str, object]:
    return {**installed_area_plugins(), "testshire": testshire}
