"""Starting Point's records: each request for advice, information or a service
(an online referral), its Initial Contact and screening decision. Consultations
with the Consultation and Advice Service are the core's (portal.consultations)."""

from piccolo.columns import ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.table import Table

from portal.plugin_api import Family, PortalUser


class StartingPointRequest(Table, tablename="derbyshire_sp_request"):
    """One online referral to Starting Point and everything that happens to it.

    status: with_starting_point -> (closed at triage: advised / redirected) or
    initial_contact -> screened (vcm / advisor / no_further_action / social_care);
    a VCM case then becomes allocated (or another VCM outcome)."""

    id = Serial(primary_key=True)
    family = ForeignKey(references=Family, null=False, index=True)
    referrer = ForeignKey(references=PortalUser, null=False, index=True)
    referrer_agency = Varchar(length=200, default="")
    request_type = Varchar(length=20)  # advice / information / service
    child = Integer(null=True, default=None)  # the person the request is mainly about
    district = Varchar(length=50, default="")  # the family's locality slug when sent
    details = Text()  # what is asked for and why
    assessment = Integer(null=True, default=None)  # the family's EHA id, if attached
    assessment_version = Integer(null=True, default=None)  # its frozen version id
    consent_basis = Varchar(length=20)  # consent / not_sought / refused (safeguarding)
    consent_detail = Text(default="")  # how consent was given, or why it was not sought
    status = Varchar(length=30, default="with_starting_point", index=True)
    submitted_at = Timestamptz()
    # Starting Point's triage
    triage_outcome = Varchar(length=30, default="")  # advice / redirect / initial_contact
    triage_detail = Text(default="")  # the advice given, or where and why redirected
    redirected_to = Varchar(length=200, default="")
    triaged_by = ForeignKey(references=PortalUser, null=True, default=None)
    triaged_at = Timestamptz(null=True, default=None)
    # the Initial Contact: the 24-hour screening clock starts when it is created
    initial_contact_at = Timestamptz(null=True, default=None)
    # the Senior Practitioner's screening decision
    screening_outcome = Varchar(
        length=30, default=""
    )  # vcm / advisor / no_further_action / social_care
    screening_reasons = Text(default="")
    screened_by = ForeignKey(references=PortalUser, null=True, default=None)
    screened_at = Timestamptz(null=True, default=None)
    advisor = ForeignKey(references=PortalUser, null=True, default=None)
    # the VCM's allocation
    vcm_outcome = Varchar(length=60, default="")
    allocated_to = ForeignKey(references=PortalUser, null=True, default=None)
    allocated_at = Timestamptz(null=True, default=None)
    # the referrer is told the outcome (the first notification's time)
    outcome_message = Varchar(length=300, default="")
    referrer_told_at = Timestamptz(null=True, default=None)
    version = Integer(default=1)
    idempotency_key = Varchar(length=64, null=True, default=None, unique=True)


TABLES = [StartingPointRequest]
