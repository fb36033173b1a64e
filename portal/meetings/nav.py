"""The menu's "Meetings" item: shown to people who chair a meeting or manage
an area. Worked out before the page renders (templates cannot query)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from litestar.datastructures import Headers
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from portal.kernel.users import CurrentUser
from portal.meetings.series import chairs_or_manages
from portal.plugins import enabled_areas

STATE_KEY = "chairs_meetings"


class MeetingsNavMiddleware(ASGIMiddleware):
    """Runs after the session middleware; skipped for static files and htmx fragments."""

    scopes = (ScopeType.HTTP,)
    exclude_opt_key = "without_session"

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        user = scope.get("user")
        headers = Headers.from_scope(scope)
        fragment = "hx-request" in headers and "hx-boosted" not in headers
        if isinstance(user, CurrentUser) and not fragment:
            areas = {a.slug for a in enabled_areas(scope["app"].state.plugin_manager)}
            scope.setdefault("state", {})[STATE_KEY] = await chairs_or_manages(
                user, user.areas & areas
            )
        await next_app(scope, receive, send)


def shows_meetings(ctx: Mapping[str, Any]) -> bool:
    return ctx["request"].scope.get("state", {}).get(STATE_KEY) is True
