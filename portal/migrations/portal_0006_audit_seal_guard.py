"""The seals are append-only too (hand-written: Piccolo cannot declare a
trigger; raw steps run before a migration's tables are made, so this follows
portal_0005). The function is portal_0002's, which refuses any UPDATE or
DELETE; its message names the table."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-02T20:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Audit seals: append-only trigger"

FORWARDS = (
    """
    CREATE FUNCTION audit_seal_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'audit_seal is append-only';
    END;
    $$
    """,
    """
    CREATE TRIGGER audit_seal_append_only
    BEFORE UPDATE OR DELETE ON audit_seal
    FOR EACH ROW EXECUTE FUNCTION audit_seal_append_only()
    """,
)
BACKWARDS = (
    "DROP TRIGGER IF EXISTS audit_seal_append_only ON audit_seal",
    "DROP FUNCTION IF EXISTS audit_seal_append_only()",
)


async def _run(statements: tuple[str, ...]) -> None:
    engine = engine_finder()
    assert engine is not None
    for statement in statements:
        await engine.run_ddl(statement)


async def create_guard() -> None:
    await _run(FORWARDS)


async def drop_guard() -> None:
    await _run(BACKWARDS)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="portal", description=DESCRIPTION)
    manager.add_raw(create_guard)
    manager.add_raw_backwards(drop_guard)
    return manager
