"""HTTP handlers for closure."""

from __future__ import annotations

from typing import Any

HANDLERS: list[Any] = []
