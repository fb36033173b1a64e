"""HTTP handlers for assessments."""

from __future__ import annotations

from typing import Any

HANDLERS: list[Any] = []
