"""Puts the signed-in user (or None) on every request, from the session cookie."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from portal.auth.service import load_session
from portal.settings import Settings


def cookie_name(settings: Settings, name: str) -> str:
    """__Host- cookies can't be set by a sibling host or over http: use them on https."""
    return f"__Host-{name}" if settings.is_https else name


SESSION_COOKIE = "portal_session"
LOGIN_COOKIE = "portal_login"


class SessionMiddleware(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)
    exclude_opt_key = "without_session"  # static files and probes need no database read

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.cookie = cookie_name(settings, SESSION_COOKIE)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        token = ASGIConnection[Any, Any, Any, Any](scope).cookies.get(self.cookie)
        session = await load_session(token, self.settings) if token else None
        scope["user"] = session.user if session else None
        state = scope.setdefault("state", {})
        if session:
            state["session_hash"] = session.token_hash
            state["id_token"] = session.id_token
        await next_app(scope, receive, send)
