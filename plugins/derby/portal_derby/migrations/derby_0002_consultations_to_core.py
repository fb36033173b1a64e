"""Derby's consultations move into the core's table (portal_0004), which
every area now shares; Derby's own table goes.

Hand-written: a data copy, then Piccolo's drop. Going backwards recreates the
empty table only; the rows stay in the core's table.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-02T17:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Consultations move into the core's table"

COPY = """
INSERT INTO consultation
    (family, line, consulted_on, adviser_name, question, advice,
     significant_harm, recorded_by, recorded_at, idempotency_key)
SELECT family, 'Children''s Services Professional Consultation Line', consulted_on, spoke_to, question, advice,
       significant_harm, recorded_by, recorded_at, idempotency_key
FROM derby_consultation
ORDER BY id
"""


async def copy_into_the_core() -> None:
    engine = engine_finder()
    assert engine is not None
    await engine.run_ddl(COPY)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="derby", description=DESCRIPTION)
    manager.add_raw(copy_into_the_core)  # raw steps run before the drop
    manager.drop_table(class_name="DerbyConsultation", tablename="derby_consultation", schema=None)
    return manager
