"""Signing in and out through the real development OpenID Provider."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from portal.audit.tables import AuditEvent
from portal.auth.service import hash_token
from portal.auth.tables import LoginAttempt, PortalSession, PortalUser
from portal.kernel.clock import now_utc
from tests.support.portal import Portal
from tests.support.signin import complete_at_idp


def test_login_redirect_carries_fresh_state_nonce_and_s256_challenge(portal: Portal) -> None:
    first = parse_qs(urlsplit(portal.start_sign_in()).query)
    second = parse_qs(urlsplit(portal.start_sign_in()).query)
    for query in (first, second):
        assert query["response_type"] == ["code"]
        assert query["code_challenge_method"] == ["S256"]
        assert len(query["code_challenge"][0]) >= 43
        assert query["redirect_uri"] == ["http://127.0.0.1:8000/auth/callback"]
        assert "openid" in query["scope"][0].split()
    for param in ("state", "nonce", "code_challenge"):
        assert first[param] != second[param]


def test_sign_in_creates_user_keyed_on_issuer_and_subject_and_shows_home(portal: Portal) -> None:
    portal.sign_in_at_idp("derby.school")
    home = portal.client.get("/")
    assert home.status_code == 200
    assert "Hannah Ashworth" in home.text
    assert "Worried a child is at risk of significant harm?" in home.text
    user = portal.run(PortalUser.objects().first)
    assert user is not None
    assert user.identity_key == f"{portal.settings.oidc_issuer} demo-0001"
    assert user.roles == "derby.practitioner"
    assert user.organisation.startswith("Oakfield Lane Primary School")
    events = portal.run(AuditEvent.select(AuditEvent.action, AuditEvent.outcome).run)
    assert {"action": "sign_in", "outcome": "success"} in events


def test_two_tabs_signing_in_at_once_do_not_break_each_other(portal: Portal) -> None:
    tab_one = portal.start_sign_in()
    tab_two = portal.start_sign_in()
    callback_two = complete_at_idp(tab_two, "derby.school")
    callback_one = complete_at_idp(tab_one, "derby.school")
    assert portal.finish_sign_in(callback_one).status_code == 303
    assert portal.finish_sign_in(callback_two).status_code == 303
    assert portal.client.get("/").status_code == 200


def test_replayed_callback_is_refused(portal: Portal) -> None:
    callback = complete_at_idp(portal.start_sign_in(), "derby.school")
    assert portal.finish_sign_in(callback).status_code == 303
    portal.client.cookies.delete("portal_session")
    replay = portal.finish_sign_in(callback)
    assert replay.status_code == 400
    assert (
        "set-cookie" not in replay.headers or "portal_session=" not in replay.headers["set-cookie"]
    )


def test_state_not_issued_to_this_browser_is_refused(portal: Portal) -> None:
    with portal.other_browser():
        callback = complete_at_idp(portal.start_sign_in(), "derby.school")
    response = portal.finish_sign_in(callback)
    assert response.status_code == 400
    assert portal.run(PortalSession.count) == 0
    assert portal.client.get("/", follow_redirects=False).status_code == 303


def test_session_id_rotates_at_sign_in_and_a_client_made_id_is_never_adopted(
    portal: Portal,
) -> None:
    portal.client.cookies.set("portal_session", "chosen-by-an-attacker", domain="127.0.0.1")
    portal.sign_in_at_idp("derby.school")
    issued = portal.client.cookies.get("portal_session")
    assert issued and issued != "chosen-by-an-attacker"
    rows = portal.run(PortalSession.select(PortalSession.token_hash).run)
    assert rows == [{"token_hash": hash_token(issued)}]


def test_session_cookie_flags_on_plain_http(portal: Portal) -> None:
    callback = complete_at_idp(portal.start_sign_in(), "derby.school")
    cookie = portal.finish_sign_in(callback).headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "path=/" in cookie
    assert "domain=" not in cookie


def test_user_without_a_portal_role_is_refused(portal: Portal) -> None:
    response = portal.finish_sign_in(complete_at_idp(portal.start_sign_in(), "no.roles"))
    assert response.status_code == 403
    assert "does not have a role" in response.text
    assert portal.run(PortalSession.count) == 0


def test_idle_timeout_ends_the_session(portal: Portal) -> None:
    portal.sign_in_at_idp("derby.school")

    async def go_idle() -> None:
        await PortalSession.update(
            {PortalSession.last_seen_at: now_utc() - timedelta(minutes=31)}, force=True
        )

    portal.run(go_idle)
    response = portal.client.get("/", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
    assert portal.run(PortalSession.count) == 0


def test_absolute_timeout_ends_an_active_session(portal: Portal) -> None:
    portal.sign_in_at_idp("derby.school")

    async def age() -> None:
        await PortalSession.update(
            {PortalSession.created_at: now_utc() - timedelta(hours=10, minutes=1)}, force=True
        )

    portal.run(age)
    assert portal.client.get("/", follow_redirects=False).status_code == 303


def test_disabling_an_account_ends_its_sessions(portal: Portal) -> None:
    portal.sign_in_at_idp("derby.school")

    async def disable() -> None:
        await PortalUser.update({PortalUser.disabled: True}, force=True)

    portal.run(disable)
    assert portal.client.get("/", follow_redirects=False).status_code == 303
    assert portal.run(PortalSession.count) == 0


def test_sign_out_needs_csrf_then_ends_the_session_and_goes_to_the_provider(portal: Portal) -> None:
    portal.sign_in_at_idp("derby.school")
    token = portal.csrf_token()
    assert portal.client.post("/auth/logout", follow_redirects=False).status_code == 403
    response = portal.client.post(
        "/auth/logout", data={"_csrf_token": token}, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"].startswith(f"{portal.settings.oidc_issuer}/")
    query = parse_qs(urlsplit(response.headers["location"]).query)
    assert query["post_logout_redirect_uri"] == ["http://127.0.0.1:8000/signed-out"]
    assert query["id_token_hint"][0].count(".") == 2
    assert "cookies" in response.headers["clear-site-data"]
    assert portal.run(PortalSession.count) == 0
    assert portal.client.get("/", follow_redirects=False).status_code == 303


def test_sign_out_via_get_is_not_allowed(portal: Portal) -> None:
    portal.sign_in_at_idp("derby.school")
    assert portal.client.get("/auth/logout", follow_redirects=False).status_code == 405
    assert portal.run(PortalSession.count) == 1


def test_return_path_after_sign_in_is_local_only(portal: Portal) -> None:
    response = portal.client.get("/login?next=//evil.example/x", follow_redirects=False)
    callback = complete_at_idp(response.headers["location"], "derby.school")
    assert portal.finish_sign_in(callback).headers["location"] == "/"
    response = portal.client.get("/derby/", follow_redirects=False)
    assert response.status_code == 200


def test_a_sign_in_left_open_over_ten_minutes_is_refused(portal: Portal) -> None:
    authorize_url = portal.start_sign_in()

    async def age() -> None:
        await LoginAttempt.update(
            {LoginAttempt.created_at: now_utc() - timedelta(minutes=11)}, force=True
        )

    portal.run(age)
    response = portal.finish_sign_in(complete_at_idp(authorize_url, "derby.school"))
    assert response.status_code == 400
    assert portal.run(PortalSession.count) == 0
