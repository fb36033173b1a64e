"""The Early Help Assessment: one per episode of early help, completed with
the family within 10 working days.

Each task-list section is a row holding its answers as JSON (``content``) and
a ``version`` for optimistic locking. What a practitioner has typed but not yet
saved lives in ``SectionDraft`` (one per person per section), so autosave never
overwrites anyone and a timed-out session keeps its text. Completing freezes
every section into an ``AssessmentVersion`` snapshot.
"""

from piccolo.columns import (
    Bytea,
    Date,
    ForeignKey,
    Integer,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from portal.auth.tables import PortalUser
from portal.families.tables import Family, Person


class Assessment(Table, tablename="assessment"):
    id = Serial(primary_key=True)
    family = ForeignKey(references=Family, null=False, index=True)
    child = ForeignKey(references=Person, null=False)  # the child the request is about
    started_by = ForeignKey(references=PortalUser, null=False, index=True)
    started_on = Date()
    due_on = Date(index=True)  # 10 working days from the start
    # in_progress / completed; completed assessments are read-only until reopened
    status = Varchar(length=20, default="in_progress", index=True)
    completed_at = Timestamptz(null=True, default=None)
    # how many versions have been frozen; editing after completion works on number + 1
    frozen_versions = Integer(default=0)
    created_at = Timestamptz()
    updated_at = Timestamptz()
    version = Integer(default=1)
    idempotency_key = Varchar(length=64, null=True, default=None, unique=True)


class AssessmentSection(Table, tablename="assessment_section"):
    id = Serial(primary_key=True)
    assessment = ForeignKey(references=Assessment, null=False, index=True)
    section = Varchar(length=40)  # slug, e.g. "child_voice"
    content = Text(default="{}")  # JSON object of the section's answers
    status = Varchar(length=20, default="not_started")  # not_started / in_progress / completed
    updated_by = ForeignKey(references=PortalUser, null=True)
    updated_at = Timestamptz(null=True, default=None)
    version = Integer(default=1)


class SectionDraft(Table, tablename="assessment_section_draft"):
    """Unsaved typing of one practitioner in one section (autosaved)."""

    id = Serial(primary_key=True)
    section = ForeignKey(references=AssessmentSection, null=False, index=True)
    author = ForeignKey(references=PortalUser, null=False, index=True)
    content = Text(default="{}")
    base_version = Integer()  # the section version the draft started from
    # a capability written into the page, so a post that arrives after the
    # session timed out can still be parked here for its author
    rescue_token_hash = Varchar(length=64, default="", index=True)
    updated_at = Timestamptz()


class AssessmentVersion(Table, tablename="assessment_version"):
    """A frozen, read-only copy of a completed assessment."""

    id = Serial(primary_key=True)
    assessment = ForeignKey(references=Assessment, null=False, index=True)
    number = Integer()
    snapshot = Text()  # JSON: household, sections, vulnerability factors
    completed_by = ForeignKey(references=PortalUser, null=False)
    completed_at = Timestamptz()


class AssessmentAppendix(Table, tablename="assessment_appendix"):
    """Another assessment attached as an appendix; the bytes live in the
    database so every portal process can serve them and backups include them."""

    id = Serial(primary_key=True)
    assessment = ForeignKey(references=Assessment, null=False, index=True)
    title = Varchar(length=200)  # what it is, e.g. "Speech and language report"
    original_name = Varchar(length=200)  # shown, never used as a path
    media_type = Varchar(length=100)  # decided from the content, not the upload
    size_bytes = Integer()
    sha256 = Varchar(length=64)
    data = Bytea()
    uploaded_by = ForeignKey(references=PortalUser, null=False)
    uploaded_at = Timestamptz()
    removed_at = Timestamptz(null=True, default=None)
    removed_by = ForeignKey(references=PortalUser, null=True, default=None)
    idempotency_key = Varchar(length=64, null=True, default=None, unique=True)
