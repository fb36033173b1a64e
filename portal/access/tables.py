"""Break-glass: time-limited access without a legitimate relationship, for a
stated reason, reviewed afterwards by the area manager."""

from piccolo.columns import ForeignKey, Serial, Text, Timestamptz, Varchar
from piccolo.table import Table

from portal.auth.tables import PortalUser
from portal.families.tables import Family


class BreakGlassGrant(Table, tablename="break_glass_grant"):
    id = Serial(primary_key=True)
    family = ForeignKey(references=Family, null=False, index=True)
    user = ForeignKey(references=PortalUser, null=False, index=True)
    area = Varchar(length=50, index=True)  # the family's area when granted (whose manager reviews)
    reason = Text()
    granted_at = Timestamptz()
    expires_at = Timestamptz()
    reviewed_by = ForeignKey(references=PortalUser, null=True)
    reviewed_at = Timestamptz(null=True, default=None)
    review_note = Text(default="")
    review_outcome = Varchar(length=20, default="")  # justified / not_justified
