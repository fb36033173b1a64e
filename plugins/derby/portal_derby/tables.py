"""Derby's own records: the Early Help Pre-Assessment and submissions to the
weekly Vulnerable Children's Meeting (VCM). Consultations with the line are
the core's (portal.consultations). Core records (families, people, users) are
referenced through the tables ``portal.plugin_api`` re-exports."""

from piccolo.columns import Boolean, Date, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.table import Table

from portal.plugin_api import Family, Person, PortalUser


class DerbyPreAssessment(Table, tablename="derby_pre_assessment"):
    """Low-level needs and a single-agency action plan, reviewed as appropriate.

    ``conclusion``: "single_agency" (our plan meets the needs) or "eha_needed"
    (a full Early Help Assessment is needed; ``assessment_id`` once started).
    A low-level support request to the locality MAT ("team around the school")
    needs the family's consent, recorded here with who gave it."""

    id = Serial(primary_key=True)
    family = ForeignKey(references=Family, null=False, index=True)
    child = ForeignKey(references=Person, null=True, default=None)
    needs = Text(default="")
    strengths = Text(default="")
    child_views = Text(default="")
    parent_views = Text(default="")
    action_plan = Text(default="")
    review_on = Date(null=True, default=None)
    conclusion = Varchar(length=20, default="single_agency")
    assessment_id = Integer(null=True, default=None)  # the core EHA started from it
    support_requested_at = Timestamptz(null=True, default=None)
    support_consent_by = Varchar(length=200, default="")  # who consented to the request
    support_request = Text(default="")  # what low-level support is asked of the MAT
    support_entry_id = Integer(null=True, default=None)  # its MAT inbox entry
    # A MAT member's answer: "taken" (support_response = the support they will
    # give; support_allocation_entry_id = their own entry) or "declined"
    # (support_response = why). Empty while the request waits.
    support_requested_by = ForeignKey(references=PortalUser, null=True, default=None)
    support_outcome = Varchar(length=20, default="")
    support_response = Text(default="")
    support_responded_by = ForeignKey(references=PortalUser, null=True, default=None)
    support_responded_at = Timestamptz(null=True, default=None)
    support_allocation_entry_id = Integer(null=True, default=None)
    created_by = ForeignKey(references=PortalUser, null=True, default=None)
    created_at = Timestamptz()
    updated_by = ForeignKey(references=PortalUser, null=True, default=None)
    updated_at = Timestamptz()
    version = Integer(default=1)
    idempotency_key = Varchar(length=64, null=True, default=None, unique=True)


class DerbyPreAssessmentReview(Table, tablename="derby_pre_assessment_review"):
    """One saved review of a pre-assessment: who, when, and what changed.

    ``changes`` is JSON: a list of {"field", "label", "before", "after"}."""

    id = Serial(primary_key=True)
    pre_assessment = ForeignKey(references=DerbyPreAssessment, null=False, index=True)
    version = Integer()  # the pre-assessment's version this review saved
    reviewed_by = ForeignKey(references=PortalUser, null=True, default=None)
    reviewed_at = Timestamptz()
    changes = Text(default="[]")


class DerbyVcmSubmission(Table, tablename="derby_vcm_submission"):
    """A completed EHA sent, with consent, to the weekly VCM of the family's
    locality through its SPA clerk (or The Lighthouse), and what became of it.

    status: with_clerk / returned / on_agenda / decided."""

    id = Serial(primary_key=True)
    family = ForeignKey(references=Family, null=False, index=True)
    assessment_id = Integer()  # the completed core assessment submitted
    locality = Varchar(length=50)
    inbox = Varchar(length=50)  # "spa:<locality>" or "lighthouse"
    significant_disability = Boolean(default=False)
    request = Text(default="")  # what help the practitioner asks the meeting for
    consent_given_by = Varchar(length=20, default="")  # parent_carer / young_person
    consent_given_by_name = Varchar(length=200, default="")
    consent_method = Varchar(length=20, default="")
    consent_given_on = Date(null=True, default=None)
    consent_record_id = Integer(null=True, default=None)  # the core consent row it made
    status = Varchar(length=20, default="with_clerk")
    submitted_by = ForeignKey(references=PortalUser, null=True, default=None, index=True)
    submitted_at = Timestamptz()
    queue_entry_id = Integer(null=True, default=None)
    returned_reason = Text(default="")
    returned_by = ForeignKey(references=PortalUser, null=True, default=None)
    returned_at = Timestamptz(null=True, default=None)
    times_returned = Integer(default=0)
    meeting_id = Integer(null=True, default=None)
    agenda_item_id = Integer(null=True, default=None)
    meeting_starts_at = Timestamptz(null=True, default=None)
    meeting_title = Varchar(length=200, default="")
    placed_by = ForeignKey(references=PortalUser, null=True, default=None)
    outcome = Varchar(length=60, default="")
    outcome_label = Varchar(length=200, default="")
    decision = Text(default="")
    allocated_to = ForeignKey(references=PortalUser, null=True, default=None, index=True)
    allocation_entry_id = Integer(null=True, default=None)
    decided_at = Timestamptz(null=True, default=None)
    version = Integer(default=1)
    idempotency_key = Varchar(length=64, null=True, default=None, unique=True)


TABLES = (DerbyPreAssessment, DerbyPreAssessmentReview, DerbyVcmSubmission)
