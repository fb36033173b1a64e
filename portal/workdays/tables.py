"""Changes to England's bank holidays made by an administrator, for a newly
announced one-off holiday (or a cancelled one) before the ``holidays`` package knows."""

from piccolo.columns import Date, ForeignKey, Serial, Timestamptz, Varchar
from piccolo.table import Table

from portal.auth.tables import PortalUser


class BankHolidayOverride(Table, tablename="bank_holiday_override"):
    id = Serial(primary_key=True)
    day = Date(unique=True)
    name = Varchar(length=200)
    # "add": a working day becomes a holiday; "remove": a listed holiday is worked
    kind = Varchar(length=10, default="add")
    created_by = ForeignKey(references=PortalUser, null=True)
    created_at = Timestamptz()
