"""The unread count in the header, read with the session before the page
renders (``portal.request_facts``: templates render synchronously, so they
cannot query)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

STATE_KEY = "unread_notifications"


def unread_notifications(ctx: Mapping[str, Any]) -> int | None:
    """Template callable: the count, or None where it was not counted."""
    value = ctx["request"].scope.get("state", {}).get(STATE_KEY)
    return value if isinstance(value, int) else None
