"""Closing a family's early help ends the episode's open work: its open TAF
actions are closed with the episode (keeping the status they had, given back
on reopening) and the next review is cancelled (the date it was agreed for is
kept beside it). The closure row says how many actions it closed and which
review it cancelled, for the family's history. Existing rows keep '', null
and 0: nothing was closed with an earlier episode."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Date
from piccolo.columns.column_types import Integer
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-03T16:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Closing ends the episode's open actions and cancels its next review"


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


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="portal", description=DESCRIPTION)

    manager.add_column(
        table_class_name="PlanAction",
        tablename="plan_action",
        column_name="status_before_closure",
        db_column_name="status_before_closure",
        column_class_name="Varchar",
        column_class=Varchar,
        params=_params(length=20, default=""),
        schema=None,
    )

    manager.add_column(
        table_class_name="TafMeeting",
        tablename="taf_meeting",
        column_name="cancelled_review_on",
        db_column_name="cancelled_review_on",
        column_class_name="Date",
        column_class=Date,
        params=_params(default=None, null=True),
        schema=None,
    )

    manager.add_column(
        table_class_name="Closure",
        tablename="family_closure",
        column_name="actions_closed",
        db_column_name="actions_closed",
        column_class_name="Integer",
        column_class=Integer,
        params=_params(default=0),
        schema=None,
    )

    manager.add_column(
        table_class_name="Closure",
        tablename="family_closure",
        column_name="review_cancelled_on",
        db_column_name="review_cancelled_on",
        column_class_name="Date",
        column_class=Date,
        params=_params(default=None, null=True),
        schema=None,
    )

    return manager
