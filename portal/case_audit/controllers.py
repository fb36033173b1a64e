"""HTTP handlers (being built)."""

from typing import Any

HANDLERS: list[Any] = []
