"""A database that is gone or refusing connections gives the honest 503 page
with Retry-After on every page, sign-in included, never a 500 (issue 22,
finding 7); /readyz says 503 too."""

from __future__ import annotations

import asyncpg
import pytest
from litestar.testing import TestClient

from portal.app import create_app
from portal.embedded_db import with_database
from tests.conftest import TEST_CLIENT_BASE, fresh_postgres_database, in_fresh_loop
from tests.integration.conftest import make_settings


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
