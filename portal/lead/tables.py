"""Who led a family's early help, when, and proposed hand-overs."""

from piccolo.columns import ForeignKey, Serial, Text, Timestamptz, Varchar
from piccolo.table import Table

from portal.auth.tables import PortalUser
from portal.families.tables import Family


class LeadSpell(Table, tablename="lead_spell"):
    id = Serial(primary_key=True)
    family = ForeignKey(references=Family, null=False, index=True)
    practitioner = ForeignKey(references=PortalUser, null=False, index=True)
    agency = Varchar(length=200, default="")  # their organisation at the time
    started_at = Timestamptz()
    ended_at = Timestamptz(null=True, default=None)
    how = Varchar(length=200, default="")  # assigned / transfer accepted / ...


class LeadTransfer(Table, tablename="lead_transfer"):
    """A proposal that someone else leads; the receiver accepts or declines."""

    id = Serial(primary_key=True)
    family = ForeignKey(references=Family, null=False, index=True)
    proposed_by = ForeignKey(references=PortalUser, null=False)
    to_practitioner = ForeignKey(references=PortalUser, null=False, index=True)
    reason = Text()
    status = Varchar(length=20, default="pending")  # pending / accepted / declined / withdrawn
    proposed_at = Timestamptz()
    responded_at = Timestamptz(null=True, default=None)
    response_note = Text(default="")
    idempotency_key = Varchar(length=64, null=True, default=None, unique=True)


class LeadDisagreement(Table, tablename="lead_disagreement"):
    """A recorded disagreement about who leads: goes to the multi-agency
    dispute resolution and escalation policy."""

    id = Serial(primary_key=True)
    family = ForeignKey(references=Family, null=False, index=True)
    raised_by = ForeignKey(references=PortalUser, null=False)
    detail = Text()
    raised_at = Timestamptz()
    idempotency_key = Varchar(length=64, null=True, default=None, unique=True)
