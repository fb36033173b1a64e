"""Every decision to share, or not to share, information about a family."""

from piccolo.columns import Date, ForeignKey, Serial, Text, Timestamptz, Varchar
from piccolo.table import Table

from portal.auth.tables import PortalUser
from portal.families.tables import Family


class SharingDecision(Table, tablename="sharing_decision"):
    id = Serial(primary_key=True)
    family = ForeignKey(references=Family, null=False, index=True)
    decision = Varchar(length=20)  # shared / not_shared
    what = Text()
    with_agency = Varchar(length=200)
    with_person = Varchar(length=200, default="")
    why = Text()
    basis = Varchar(length=30)  # consent / safeguarding / other_legal
    basis_reason = Text(default="")  # required when sharing without consent
    consultations = Text(default="")  # advice sought, e.g. a safeguarding lead
    decided_on = Date()
    recorded_by = ForeignKey(references=PortalUser, null=True)
    recorded_at = Timestamptz()
    idempotency_key = Varchar(length=64, null=True, default=None, unique=True)
