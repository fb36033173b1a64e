"""Writes every capability shares: idempotent creates and versioned updates."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import asyncpg
from piccolo.table import Table

UNIQUE_VIOLATIONS = (asyncpg.UniqueViolationError,)


@contextlib.asynccontextmanager
async def write_transaction(engine: Any) -> AsyncIterator[Any]:
    """A change and its audit event, all or nothing: a transaction of its own,
    or a savepoint in the one it is already in (a request's), so a change that
    fails half way leaves nothing behind while the request goes on."""
    current = engine.current_transaction.get()
    if current is None:
        async with engine.transaction() as tx:
            yield tx
        return
    savepoint = await current.savepoint()
    try:
        yield current
    except BaseException:
        await savepoint.rollback_to()
        raise
    await savepoint.release()


async def once(table: type[Table], form_key: str, create: Callable[[], Awaitable[int]]) -> int:
    """Run ``create`` unless this form already made a row; either way return
    the row's id. The unique idempotency key settles a race between two
    submissions of one form arriving together."""
    key_column = table._meta.get_column_by_name("idempotency_key")
    existing = await table.objects().get(key_column == form_key) if form_key else None
    if existing is not None:
        return int(getattr(existing, table._meta.primary_key._meta.name))
    try:
        # A savepoint of its own: the losing insert must not end the request's transaction.
        async with write_transaction(table._meta.db):
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
