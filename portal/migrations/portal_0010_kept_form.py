"""Forms kept when their sender's session ended before they arrived (issue 20,
item 1): the author reads them after signing in again and sends or discards
them. Kept for a day at most (the retention rule "kept_form")."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import ForeignKey, Serial, Text, Timestamptz, Varchar
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table


class PortalUser(Table, tablename="portal_user", schema=None):
    id = Serial(null=False, primary_key=True)


ID = "2026-12-03T19:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Forms kept through a session time-out"


def _params(**values: object) -> dict[str, object]:
    return {
        "null": False,
        "primary_key": False,
        "unique": False,
        "index": False,
        "index_method": IndexMethod.btree,
        "choices": None,
        "db_column_name": None,
        "secret": False,
        **values,
    }


COLUMNS = [
    ("id", Serial, _params(primary_key=True)),
    (
        "author",
        ForeignKey,
        _params(
            references=PortalUser,
            on_delete=OnDelete.cascade,
            on_update=OnUpdate.cascade,
            target_column=None,
            index=True,
        ),
    ),
    ("action", Varchar, _params(length=500, default="")),
    ("came_from", Varchar, _params(length=500, default="")),
    ("fields", Text, _params(default="[]")),
    ("files_left_out", Varchar, _params(length=500, default="")),
    ("kept_at", Timestamptz, _params(default=None)),
    ("closed_at", Timestamptz, _params(default=None, null=True)),
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="portal", description=DESCRIPTION)
    manager.add_table(class_name="KeptForm", tablename="kept_form", schema=None, columns=None)
    for name, column_class, params in COLUMNS:
        manager.add_column(
            table_class_name="KeptForm",
            tablename="kept_form",
            column_name=name,
            db_column_name=name,
            column_class_name=column_class.__name__,
            column_class=column_class,
            params=params,
            schema=None,
        )
    return manager
