"""The database itself refuses UPDATE and DELETE on audit_event (SECURITY.md 30).

Hand-written. PostgreSQL gets a trigger function; SQLite gets two triggers
with the same message, so both databases give the same guarantee.

TRUNCATE is not blocked: row triggers do not fire for it, the tests use it to
start clean, and a retention feature will need a controlled path to remove
old events. In production, the app's role should not hold the TRUNCATE
privilege (nor UPDATE or DELETE) on audit_event.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-22T14:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Audit trail: the database refuses UPDATE and DELETE on audit_event"

MESSAGE = "audit_event is append-only"

POSTGRES_FORWARDS = (
    f"""
    CREATE FUNCTION audit_event_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{MESSAGE}';
    END;
    $$
    """,
    """
    CREATE TRIGGER audit_event_append_only
    BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()
    """,
)
POSTGRES_BACKWARDS = (
    "DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event",
    "DROP FUNCTION IF EXISTS audit_event_append_only()",
)

# Tests import these to lift the guard for a moment (inside one transaction).
SQLITE_FORWARDS = tuple(
    f"""
    CREATE TRIGGER audit_event_no_{operation.lower()}
    BEFORE {operation} ON audit_event
    BEGIN
        SELECT RAISE(ABORT, '{MESSAGE}');
    END
    """
    for operation in ("UPDATE", "DELETE")
)
SQLITE_BACKWARDS = (
    "DROP TRIGGER IF EXISTS audit_event_no_update",
    "DROP TRIGGER IF EXISTS audit_event_no_delete",
)


async def _run(postgres: tuple[str, ...], sqlite: tuple[str, ...]) -> None:
    engine = engine_finder()
    assert engine is not None
    statements = {"postgres": postgres, "sqlite": sqlite}[engine.engine_type]
    for statement in statements:
        await engine.run_ddl(statement)


async def create_guard() -> None:
    await _run(POSTGRES_FORWARDS, SQLITE_FORWARDS)


async def drop_guard() -> None:
    await _run(POSTGRES_BACKWARDS, SQLITE_BACKWARDS)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="portal", description=DESCRIPTION)
    manager.add_raw(create_guard)
    manager.add_raw_backwards(drop_guard)
    return manager
