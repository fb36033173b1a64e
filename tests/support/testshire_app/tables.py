"""Testshire's own table: visits to a family, recorded on Testshire's page and
shown on the record page, in its report and in an information request."""

from piccolo.columns import Date, ForeignKey, Serial, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from portal.plugin_api import Family, PortalUser


class TestshireVisit(Table, tablename="testshire_visit"):
    """A visit to a family by one of Testshire's people, and what happened."""

    __test__ = False  # a table, not a test class, for pytest

    id = Serial(primary_key=True)
    family = ForeignKey(Family, on_delete=OnDelete.cascade, null=False, index=True)
    visited_on = Date()
    note = Text()
    recorded_by = ForeignKey(PortalUser, on_delete=OnDelete.set_null, null=True)
    recorded_at = Timestamptz()
    idempotency_key = Varchar(length=64, null=True, default=None, unique=True)


TABLES = (TestshireVisit,)
