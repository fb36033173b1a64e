"""The security baseline every page inherits: deny by default, CSRF, headers, errors."""

from __future__ import annotations

import re

import pytest
from litestar.handlers import HTTPRouteHandler

from portal.audit.tables import AuditEvent
from portal.kept.guard import require_sign_in_keeping_forms
from portal.web.guards import is_public
from tests.support.portal import Portal

# The only routes anyone may reach without signing in.
PUBLIC_PATHS = {
    "/login",
    "/auth/callback",
    "/signed-out",
    "/healthz",
    "/readyz",
    "/accessibility",
    "/cookies",
    "/favicon.ico",
    "/static",
}


def _fill(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path).replace(":path", "")


def test_every_route_is_public_allowlisted_or_requires_sign_in(portal: Portal) -> None:
    assert require_sign_in_keeping_forms in portal.app.guards
    for route in portal.app.routes:
        for handler in getattr(route, "route_handlers", []):
            if is_public(handler):
                assert route.path in PUBLIC_PATHS or route.path.startswith("/static"), route.path


def test_anonymous_requests_to_protected_routes_are_refused(portal: Portal, with_testshire) -> None:  # type: ignore[no-untyped-def]
    app = portal.app
    checked = 0
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if not isinstance(handler, HTTPRouteHandler) or is_public(handler):
                continue
            for method in handler.http_methods:
                response = portal.client.request(method, _fill(route.path), follow_redirects=False)
                expected = {303} if method == "GET" else {401, 403}
                assert response.status_code in expected, (method, route.path, response.status_code)
                checked += 1
    assert checked >= 4


def test_unsafe_request_without_or_with_another_sessions_csrf_token_is_refused(
    portal: Portal,
) -> None:
    with portal.other_browser():
        portal.sign_in("derby.health")
        their_token = portal.csrf_token()
    portal.sign_in("derby.school")
    assert portal.client.post("/auth/logout", follow_redirects=False).status_code == 403
    response = portal.client.post(
        "/auth/logout", data={"_csrf_token": their_token}, follow_redirects=False
    )
    assert response.status_code == 403
    response = portal.client.post(
        "/auth/logout", headers={"X-CSRFToken": their_token}, follow_redirects=False
    )
    assert response.status_code == 403
    refusals = portal.run(AuditEvent.count().where(AuditEvent.action == "access_refused").run)
    assert refusals == 3


def test_csrf_header_from_htmx_is_accepted(portal: Portal) -> None:
    portal.sign_in("derby.school")
    response = portal.client.post(
        "/auth/logout",
        headers={"X-CSRFToken": portal.csrf_token(), "HX-Request": "true"},
        follow_redirects=False,
    )
    assert response.status_code == 303


@pytest.mark.parametrize(
    "headers",
    [{"Origin": "https://evil.example"}, {"Origin": "null"}, {"Sec-Fetch-Site": "cross-site"}],
)
def test_cross_site_unsafe_request_is_refused_even_with_a_valid_token(
    portal: Portal, headers: dict[str, str]
) -> None:
    portal.sign_in("derby.school")
    token = portal.csrf_token()
    response = portal.client.post(
        "/auth/logout", data={"_csrf_token": token}, headers=headers, follow_redirects=False
    )
    assert response.status_code == 403


def test_every_form_carries_a_csrf_field(portal: Portal) -> None:
    portal.sign_in("derby.school")
    for path in ("/", "/derby/", "/accessibility"):
        page = portal.client.get(path).text
        forms = re.findall(r"<form[^>]*>.*?</form>", page, flags=re.S)
        assert forms, path
        for form in forms:
            assert 'action="' in form, form
            if 'method="get"' not in form.split(">", 1)[0]:  # filters change nothing
                assert 'name="_csrf_token"' in form, form


def test_security_headers_on_pages_errors_and_static_files(portal: Portal) -> None:
    portal.sign_in("derby.school")
    for path in ("/", "/no-such-page", "/static/css/portal.css", "/login"):
        headers = portal.client.get(path, follow_redirects=False).headers
        csp = headers["content-security-policy"]
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        for directive in (
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ):
            assert directive in csp
        # the identity provider too: sign-out's POST is redirected there
        assert f"form-action 'self' {portal.settings.oidc_issuer};" in csp + ";"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"
        assert headers["cross-origin-opener-policy"] == "same-origin"
        if not path.startswith("/static"):
            assert headers["cache-control"] == "no-store"


def test_csp_nonce_is_fresh_per_response_and_matches_the_inline_script(portal: Portal) -> None:
    nonces = []
    for _ in range(2):
        response = portal.client.get("/accessibility")
        nonce = re.search(r"'nonce-([^']+)'", response.headers["content-security-policy"]).group(1)  # type: ignore[union-attr]
        assert f'<script nonce="{nonce}">' in response.text
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


def test_unknown_host_is_refused(portal: Portal) -> None:
    assert portal.client.get("/healthz", headers={"Host": "evil.example"}).status_code == 400


def test_a_second_host_header_is_refused(portal: Portal) -> None:
    portal.sign_in("derby.school")
    twice = [("host", "127.0.0.1:8000"), ("host", "evil.example")]
    assert portal.client.get("/accessibility", headers=twice).status_code == 400
    assert portal.client.get("/accessibility").status_code == 200


def test_trace_is_not_allowed(portal: Portal) -> None:
    assert portal.client.request("TRACE", "/accessibility").status_code == 405


def test_error_pages_are_generic_and_hide_exception_details(portal_factory, with_testshire) -> None:  # type: ignore[no-untyped-def]
    portal = portal_factory(
        plugins=with_testshire,
        PORTAL_AREAS="derby,testshire",
        PORTAL_ROLE_MAP="Derby.Practitioner=testshire.practitioner",
    )
    portal.sign_in("derby.school")
    response = portal.client.get("/testshire/boom")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.text
    assert "Jane Doe" not in response.text and "Traceback" not in response.text
    missing = portal.client.get("/no-such-page")
    assert missing.status_code == 404 and "Page not found" in missing.text


@pytest.mark.parametrize(
    "path",
    [
        "/static/../pyproject.toml",
        "/static/%2e%2e/pyproject.toml",
        "/static/%252e%252e/pyproject.toml",
        "/static/",
        "/.git/config",
    ],
)
def test_static_traversal_and_listings_are_not_served(portal: Portal, path: str) -> None:
    response = portal.client.get(path)
    assert response.status_code in (401, 404) or response.status_code == 303
    assert "[project]" not in response.text and "[core]" not in response.text


def test_refusal_is_audited_with_the_user(portal: Portal) -> None:
    portal.sign_in("derby.school")
    assert portal.client.get("/derby/inbox").status_code == 403  # the SPA clerks' page
    rows = portal.run(AuditEvent.select().where(AuditEvent.action == "access_refused").run)
    assert len(rows) == 1 and rows[0]["actor_label"].startswith("Hannah Ashworth")


def test_on_https_cookies_use_the_host_prefix_and_hsts_is_sent(
    database_url: str, idp_issuer: str
) -> None:
    from litestar.testing import TestClient

    from portal.app import create_app
    from tests.integration.conftest import make_settings

    settings = make_settings(database_url, idp_issuer, PORTAL_BASE_URL="https://127.0.0.1")
    with TestClient(create_app(settings), base_url="https://127.0.0.1") as client:
        response = client.get("/login", follow_redirects=False)
        assert response.status_code == 303
        cookie = response.headers["set-cookie"]
        assert cookie.startswith("__Host-portal_login=")
        assert "Secure" in cookie and "HttpOnly" in cookie and "Domain" not in cookie
        assert response.headers["strict-transport-security"].startswith("max-age=31536000")
