"""The unread count in the header: one COUNT per page, read before the page
renders (templates render synchronously, so they cannot query)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from litestar.datastructures import Headers
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from portal.kernel.users import CurrentUser
from portal.notify.service import unread_count

STATE_KEY = "unread_notifications"


class UnreadCountMiddleware(ASGIMiddleware):
    """Counts the signed-in user's unread notifications for the layout. Runs
    after the session middleware; skipped for static files and for htmx
    requests for a fragment (which have no header)."""

    scopes = (ScopeType.HTTP,)
    exclude_opt_key = "without_session"

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        user = scope.get("user")
        headers = Headers.from_scope(scope)
        fragment = "hx-request" in headers and "hx-boosted" not in headers
        if isinstance(user, CurrentUser) and not fragment:
            scope.setdefault("state", {})[STATE_KEY] = await unread_count(user.id)
        await next_app(scope, receive, send)


def unread_notifications(ctx: Mapping[str, Any]) -> int | None:
    """Template callable: the count, or None where it was not counted."""
    value = ctx["request"].scope.get("state", {}).get(STATE_KEY)
    return value if isinstance(value, int) else None
