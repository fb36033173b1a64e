"""The session cookies' names (the session itself is read with the page's
other per-session facts by ``portal.request_facts``)."""

from __future__ import annotations

from portal.settings import Settings


def cookie_name(settings: Settings, name: str) -> str:
    """__Host- cookies can't be set by a sibling host or over http: use them on https."""
    return f"__Host-{name}" if settings.is_https else name


SESSION_COOKIE = "portal_session"
LOGIN_COOKIE = "portal_login"
