"""Area plugins: loaded from entry points, enabled by PORTAL_AREAS, separated by role."""

from __future__ import annotations

import pytest

from portal.kernel.errors import ConfigError
from tests.support.portal import Portal


def test_home_shows_both_enabled_areas_with_their_contacts(portal: Portal) -> None:
    portal.sign_in("derby.school")
    page = portal.client.get("/").text
    assert "Derby City" in page and "Derbyshire" in page
    assert "Children&#39;s Services Professional Consultation Line" in page
    assert "Starting Point Consultation and Advice Service" in page
    assert "Erewash" in page


def test_only_derby_when_portal_areas_is_derby(portal_factory) -> None:  # type: ignore[no-untyped-def]
    portal = portal_factory(PORTAL_AREAS="derby")
    portal.sign_in("derby.school")
    page = portal.client.get("/").text
    assert "Derby City" in page
    assert "Starting Point" not in page and "Erewash" not in page
    assert portal.client.get("/derbyshire/").status_code == 404
    assert not any(route.path.startswith("/derbyshire") for route in portal.app.routes)


def test_area_navigation_follows_the_users_roles(portal: Portal) -> None:
    portal.sign_in("derbyshire.senior")
    page = portal.client.get("/").text
    assert 'href="/derbyshire/"' in page and 'href="/derby/"' not in page
    assert portal.client.get("/derbyshire/").status_code == 200
    assert portal.client.get("/derby/").status_code == 404  # another area: as if it did not exist


def test_a_third_area_is_added_without_touching_the_core(portal_factory, with_testshire) -> None:  # type: ignore[no-untyped-def]
    portal = portal_factory(
        plugins=with_testshire,
        PORTAL_AREAS="derby,testshire",
        PORTAL_ROLE_MAP="Derby.Practitioner=testshire.practitioner",
    )
    portal.sign_in("derby.school")
    home = portal.client.get("/").text
    assert "Testshire Front Door" in home and 'href="/testshire/"' in home
    page = portal.client.get("/testshire/")
    assert page.status_code == 200 and "Welcome to Testshire" in page.text


def test_unknown_area_stops_start_up_listing_installed_areas(portal_factory) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigError, match=r"installed areas: derby, derbyshire"):
        portal_factory(PORTAL_AREAS="derby,rutland")


@pytest.mark.filterwarnings("ignore:.*Unable to")  # Piccolo warns that it can't reach the server
def test_readyz_reports_503_when_the_database_is_unreachable(idp_issuer: str) -> None:
    from litestar.testing import TestClient

    from portal.app import create_app
    from tests.integration.conftest import make_settings

    settings = make_settings("postgresql://postgres@127.0.0.1:1/none", idp_issuer)
    with TestClient(create_app(settings), base_url="http://127.0.0.1:8000") as client:
        assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").status_code == 503
        page = client.get("/login", follow_redirects=False)
        assert page.status_code == 503
        assert "cannot reach its database" in page.text and "Traceback" not in page.text
