"""A case audit sample (its filters, seed and who drew it) and one finding row
per sampled episode, created with the sample so the sample is frozen: the
cases it holds never change, even when the data it was drawn from does."""

from piccolo.columns import Boolean, Date, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.table import Table

from portal.assessments.tables import Assessment
from portal.auth.tables import PortalUser


class CaseAuditSample(Table, tablename="case_audit_sample"):
    id = Serial(primary_key=True)
    area = Varchar(length=50, index=True)  # area slug: an auditor sees their own area's only
    locality = Varchar(length=50, default="")  # blank: every locality of the area
    started_from = Date()  # episodes whose assessment started in this period
    started_to = Date()
    closed_only = Boolean(default=False)
    requested = Integer()  # how many cases the auditor asked for
    eligible = Integer()  # how many episodes matched the filters when drawn
    seed = Varchar(length=100)  # random.Random(seed).sample(eligible ids by id, n)
    drawn_by = ForeignKey(references=PortalUser, null=False)
    drawn_at = Timestamptz()
    idempotency_key = Varchar(length=64, null=True, default=None, unique=True)


class CaseAuditFinding(Table, tablename="case_audit_finding"):
    """One sampled episode and, once reviewed, what the auditor found."""

    id = Serial(primary_key=True)
    sample = ForeignKey(references=CaseAuditSample, null=False, index=True)
    position = Integer()  # 1.. in the order the seed drew them
    assessment = ForeignKey(references=Assessment, null=False, index=True)
    # "" until reviewed; then outstanding / good / requires_improvement / inadequate
    grade = Varchar(length=30, default="")
    good_practice = Text(default="")
    areas_for_development = Text(default="")
    reviewed_by = ForeignKey(references=PortalUser, null=True, default=None)
    reviewed_at = Timestamptz(null=True, default=None)
    version = Integer(default=1)
