"""The audit trail's guard and lookup index (hand-written: Piccolo cannot
declare a trigger or a composite index). Raw steps run before a migration's
tables are made, so these follow the baseline.

- The database itself refuses UPDATE and DELETE on audit_event (SECURITY.md
  30). TRUNCATE is not blocked: row triggers do not fire for it, the tests use
  it to start clean. In production the app's role holds neither TRUNCATE nor
  UPDATE nor DELETE on audit_event.
- The search rate limit counts a user's recent searches (actor, action, time)
  on every find-before-create: ~20 ms cold at 2,000,000 events with only the
  actor indexed, 0.1 ms with this index.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-02T04:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Audit trail: append-only trigger, index on (actor_user_id, action, at)"

MESSAGE = "audit_event is append-only"

FORWARDS = (
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
    "CREATE INDEX audit_event_actor_action_at ON audit_event (actor_user_id, action, at)",
)
BACKWARDS = (
    "DROP INDEX IF EXISTS audit_event_actor_action_at",
    "DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event",
    "DROP FUNCTION IF EXISTS audit_event_append_only()",
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
