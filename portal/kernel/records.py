"""Writes every capability shares: idempotent creates and versioned updates."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
from piccolo.table import Table

UNIQUE_VIOLATIONS = (asyncpg.UniqueViolationError,)


async def once(table: type[Table], form_key: str, create: Callable[[], Awaitable[int]]) -> int:
    """Run ``create`` unless this form already made a row; either way return
    the row's id. The unique idempotency key settles a race between two
    submissions of one form arriving together."""
    key_column = table._meta.get_column_by_name("idempotency_key")
    existing = await table.objects().get(key_column == form_key) if form_key else None
    if existing is not None:
        return int(getattr(existing, table._meta.primary_key._meta.name))
    try:
        return await create()
    except UNIQUE_VIOLATIONS:
        existing = await table.objects().get(key_column == form_key)
        if existing is None:
            raise
        return int(getattr(existing, table._meta.primary_key._meta.name))


async def versioned_update(
    table: type[Table], row_id: int, version: int, values: dict[str, Any]
) -> bool:
    """UPDATE ... WHERE id = ? AND version = ?; False when someone saved first."""
    id_col = table._meta.primary_key
    version_col = table._meta.get_column_by_name("version")
    changes: dict[Any, Any] = {table._meta.get_column_by_name(k): v for k, v in values.items()}
    changes[version_col] = version + 1
    updated = (
        await table.update(changes)
        .where((id_col == row_id) & (version_col == version))
        .returning(id_col)
    )
    return bool(updated)
