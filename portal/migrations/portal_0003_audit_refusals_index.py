"""A partial index of refused events by time, for the area manager's list of
people refused again and again (a burst of refusals is someone walking ids).

Hand-written: Piccolo columns cannot declare a partial index.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-02T05:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Audit trail: partial index of refused events by time"

FORWARDS = "CREATE INDEX audit_event_refused_at ON audit_event (at) WHERE outcome = 'refused'"
BACKWARDS = "DROP INDEX IF EXISTS audit_event_refused_at"


async def _run(statement: str) -> None:
    engine = engine_finder()
    assert engine is not None
    await engine.run_ddl(statement)


async def create_index() -> None:
    await _run(FORWARDS)


async def drop_index() -> None:
    await _run(BACKWARDS)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="portal", description=DESCRIPTION)
    manager.add_raw(create_index)
    manager.add_raw_backwards(drop_index)
    return manager
