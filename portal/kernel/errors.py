"""The core's own errors. Services raise these, never HTTP exceptions; one
handler in the web layer maps them to pages (404, 403, 409)."""

from __future__ import annotations

from typing import Any


class ConfigError(ValueError):
    """A setting is missing or wrong: the portal refuses to start and says which."""


class NotFound(Exception):
    """The record does not exist, or the user may not know that it does (a 404)."""

    def __init__(self, detail: str = "Page not found") -> None:
        super().__init__(detail)
        self.detail = detail


class NotAllowed(Exception):
    """The user may not do this; ``detail`` says why in plain English (a 403)."""

    def __init__(self, detail: str = "You do not have permission to do that") -> None:
        super().__init__(detail)
        self.detail = detail


class StaleVersion(Exception):
    """Someone else saved the record since this form was opened (a conflict page)."""

    def __init__(self, current: Any) -> None:
        super().__init__("stale version")
        self.current = current


class SearchLimitReached(Exception):
    """Too many searches in a short time: the page says to wait (a 429)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail
