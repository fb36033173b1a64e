"""The menu's "Meetings" item: shown to people who chair a meeting or manage
an area. Worked out with the session before the page renders
(``portal.request_facts``: templates cannot query)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

STATE_KEY = "chairs_meetings"


def shows_meetings(ctx: Mapping[str, Any]) -> bool:
    return ctx["request"].scope.get("state", {}).get(STATE_KEY) is True
