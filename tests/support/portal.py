"""The portal in Litestar's test client, as the integration tests drive it,
and the small helpers most of them use: post a form with this session's CSRF
token, record a family, find a user's id, sign in as someone else."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from litestar import Litestar
from litestar.testing import TestClient

from portal.audit import service as audit
from portal.auth import service as auth
from portal.auth.middleware import SESSION_COOKIE, cookie_name
from portal.auth.tables import PortalUser
from portal.settings import Settings
from tests.conftest import TEST_CLIENT_BASE
from tests.support.families import new_family_form
from tests.support.processes import ROOT
from tests.support.signin import complete_at_idp

T = TypeVar("T")

DEMO_ACCOUNTS = {
    account["username"]: account
    for account in json.loads((ROOT / "devidp" / "accounts.json").read_text())
}


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

    def sign_in_at_idp(self, username: str) -> None:
        """Sign in through the real provider: /login, its form, the callback."""
        response = self.finish_sign_in(complete_at_idp(self.start_sign_in(), username))
        assert response.status_code == 303 and response.headers["location"] == "/", response.text

    def sign_in(self, username: str) -> None:
        """Sign in as the callback does once the provider has vouched for the
        user (their claims from devidp/accounts.json): the user row refreshed,
        a new server-side session and its cookie, the sign-in audited. The
        provider's own part is tested by test_sign_in.py through sign_in_at_idp."""
        claims = {**DEMO_ACCOUNTS[username], "iss": self.settings.oidc_issuer}
        old = self.client.cookies.get(cookie_name(self.settings, SESSION_COOKIE))

        async def start() -> str:
            user_row = await auth.upsert_user(claims, self.settings)
            user = auth.current_user_from(user_row)
            assert user.roles and not user_row.disabled, f"{username} cannot sign in"
            token = await auth.start_session(
                self.app.state.engine, user.id, "id-token-of-the-test-sign-in", replaces=old
            )
            await audit.record("sign_in", "success", actor=user)
            return token

        self.client.cookies.set(cookie_name(self.settings, SESSION_COOKIE), self.run(start))

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


def post(portal: Portal, path: str, data: dict[str, Any]) -> Any:
    return portal.client.post(
        path, data={**data, "_csrf_token": portal.csrf_token()}, follow_redirects=False
    )


def create_family(portal: Portal, **fields: Any) -> int:
    response = post(portal, "/families", new_family_form(**fields, confirm_new="yes"))
    assert response.status_code == 303, response.text
    match = re.fullmatch(r"/families/(\d+)", response.headers["location"])
    assert match, response.headers["location"]
    return int(match.group(1))


def user_id(portal: Portal, username_email_prefix: str) -> int:
    row = portal.run(
        PortalUser.select(PortalUser.id)
        .where(PortalUser.email.like(f"{username_email_prefix}%"))
        .first()
        .run
    )
    assert row is not None
    return int(row["id"])


def as_user(portal: Portal, username: str) -> None:
    portal.client.cookies.clear()
    portal.sign_in(username)
