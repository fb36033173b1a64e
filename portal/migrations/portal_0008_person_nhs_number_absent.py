"""A child with no NHS number says why (Children Act 2004 s16LC, added by the
Children's Wellbeing and Schools Act 2026: the consistent identifier may be
left out only when it would not help safeguarding or welfare, would be more
detrimental to the child, or is not known and finding it would cause
unreasonable delay). Existing people keep '' (no reason recorded yet)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-03T15:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "People: why a child has no NHS number"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="portal", description=DESCRIPTION)

    manager.add_column(
        table_class_name="Person",
        tablename="person",
        column_name="nhs_number_absent",
        db_column_name="nhs_number_absent",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 30,
            "default": "",
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    return manager
