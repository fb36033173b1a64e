"""What every page needs to know about its session, read in one statement: the
session and its user, the user's unread notifications (the header's count)
whether the menu shows "Meetings" (every meeting series, and the user's team
postings) and the administrator's bank holiday overrides (a handful of rows,
so working-day sums need no statement of their own). One round trip instead of three on every signed-in request;
the session's last-seen time is written at most once a minute."""

from __future__ import annotations

import json
from typing import Any

from litestar.connection import ASGIConnection
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from portal.auth.middleware import SESSION_COOKIE, cookie_name
from portal.auth.service import StoredSession, hash_token, keep_alive, user_from_row
from portal.auth.tables import PortalSession
from portal.meetings import nav
from portal.meetings.series import chairs_or_manages
from portal.notify import middleware as unread
from portal.settings import Settings
from portal.workdays import service as workdays

SESSION_FACTS = """
SELECT s.id AS session_id, s.created_at, s.last_seen_at, s.id_token,
       u.id, u.display_name, u.email, u.organisation, u.roles, u.identity_key,
       u.disabled,
       (SELECT count(*) FROM notification n
         WHERE n.recipient = u.id AND n.read_at IS NULL) AS unread,
       (SELECT coalesce(json_agg(json_build_object(
                 'area', m.area, 'chair_roles', m.chair_roles, 'team', m.team)), '[]')
          FROM meeting_series m) AS series,
       (SELECT coalesce(json_agg(json_build_object('area', t.area, 'team', t.team)), '[]')
          FROM team_member t
         WHERE t."user" = u.id AND t.removed_at IS NULL) AS teams,
       (SELECT coalesce(json_agg(json_build_object('day', b.day, 'kind', b.kind)), '[]')
          FROM bank_holiday_override b) AS bank_holiday_overrides
FROM portal_session s
JOIN portal_user u ON u.id = s."user"
WHERE s.token_hash = {}
"""


class RequestFactsMiddleware(ASGIMiddleware):
    """Puts the signed-in user (or None) on every request, with the header's
    unread count and the menu's meetings flag; skipped for static files and
    probes, which need no database read."""

    scopes = (ScopeType.HTTP,)
    exclude_opt_key = "without_session"

    def __init__(self, settings: Settings, area_slugs: frozenset[str]) -> None:
        self.settings = settings
        self.area_slugs = area_slugs
        self.cookie = cookie_name(settings, SESSION_COOKIE)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        token = ASGIConnection[Any, Any, Any, Any](scope).cookies.get(self.cookie)
        scope["user"] = None
        if token:
            await self.load(token, scope)
        await next_app(scope, receive, send)

    async def load(self, token: str, scope: Scope) -> None:
        token_hash = hash_token(token)
        rows = await PortalSession.raw(SESSION_FACTS, token_hash)
        if not rows:
            return
        row = rows[0]
        user = user_from_row(row)
        stored = StoredSession(
            id=row["session_id"],
            token_hash=token_hash,
            created_at=row["created_at"],
            last_seen_at=row["last_seen_at"],
            id_token=row["id_token"],
            user=user,
            user_disabled=row["disabled"],
        )
        session = await keep_alive(stored, self.settings)
        if session is None:
            return
        scope["user"] = user
        state = scope.setdefault("state", {})
        state["session_hash"] = session.token_hash
        state["id_token"] = session.id_token
        state[unread.STATE_KEY] = int(row["unread"])
        workdays.use_overrides(json.loads(row["bank_holiday_overrides"]))
        state[nav.STATE_KEY] = chairs_or_manages(
            user, user.areas & self.area_slugs, json.loads(row["series"]), json.loads(row["teams"])
        )
