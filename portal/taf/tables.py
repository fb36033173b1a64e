"""Team Around the Family membership (managed in the TAF work; used for access now)."""

from piccolo.columns import ForeignKey, Serial, Timestamptz, Varchar
from piccolo.table import Table

from portal.auth.tables import PortalUser
from portal.families.tables import Family


class TafMember(Table, tablename="taf_member"):
    id = Serial(primary_key=True)
    family = ForeignKey(references=Family, null=False, index=True)
    # a portal user, or blank for a family member or external contact without an account
    user = ForeignKey(references=PortalUser, null=True, index=True)
    name = Varchar(length=200)
    agency = Varchar(length=200, default="")
    role = Varchar(length=200, default="")
    added_at = Timestamptz()
    removed_at = Timestamptz(null=True, default=None)
