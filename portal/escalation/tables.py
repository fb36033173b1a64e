"""Step-up to Children's Social Care and step-down into early help."""

from piccolo.columns import Date, ForeignKey, Serial, Text, Timestamptz, Varchar
from piccolo.table import Table

from portal.auth.tables import PortalUser
from portal.families.tables import Family


class SocialCareReferral(Table, tablename="social_care_referral"):
    id = Serial(primary_key=True)
    family = ForeignKey(references=Family, null=False, index=True)
    children = Text(default="")  # JSON list of person ids the worry is about
    reason = Text()
    # yes / no: consent is not needed where seeking it would put a child at risk
    consent_sought = Varchar(length=5)
    consent_detail = Text(default="")  # the family's answer, or why it was not sought
    destination = Varchar(length=200)  # named by the area plugin, e.g. "Initial Response Team"
    contact = Text(default="")  # how it was made / the route the plugin gave
    referred_by = ForeignKey(references=PortalUser, null=False)
    referred_at = Timestamptz()
    previous_lead = ForeignKey(references=PortalUser, null=True, default=None)
    idempotency_key = Varchar(length=64, null=True, default=None, unique=True)


class StepDown(Table, tablename="step_down"):
    id = Serial(primary_key=True)
    family = ForeignKey(references=Family, null=False, index=True)
    from_service = Varchar(length=200)  # the specialist or statutory service handing over
    transition_meeting_on = Date()
    summary = Text(default="")
    recorded_by = ForeignKey(references=PortalUser, null=False)
    recorded_at = Timestamptz()
    idempotency_key = Varchar(length=64, null=True, default=None, unique=True)
