"""Consent, per person and per purpose. Rows are never overwritten: a
withdrawal is its own row, so the history stays complete."""

from piccolo.columns import Date, ForeignKey, Serial, Text, Timestamptz, Varchar
from piccolo.table import Table

from portal.auth.tables import PortalUser
from portal.families.tables import Family, Person


class ConsentRecord(Table, tablename="consent_record"):
    id = Serial(primary_key=True)
    family = ForeignKey(references=Family, null=False, index=True)
    person = ForeignKey(references=Person, null=False, index=True)  # whose consent this is
    purpose = Varchar(length=20)  # assessment / record / sharing
    agencies = Varchar(length=400, default="")  # for sharing: the named agencies
    decision = Varchar(length=10, default="given")  # given / refused
    given_by = Varchar(length=30)  # parent_carer / young_person (a competent young person)
    given_by_name = Varchar(length=200)
    competence_judged_by = Varchar(length=200, default="")  # for a young person's own consent
    method = Varchar(length=10)  # written / verbal
    given_on = Date()
    notes = Text(default="")
    recorded_by = ForeignKey(references=PortalUser, null=True)
    recorded_at = Timestamptz()
    idempotency_key = Varchar(length=64, null=True, default=None, unique=True)


class ConsentWithdrawal(Table, tablename="consent_withdrawal"):
    id = Serial(primary_key=True)
    consent = ForeignKey(references=ConsentRecord, null=False, unique=True)
    withdrawn_on = Date()
    reason = Text()
    recorded_by = ForeignKey(references=PortalUser, null=True)
    recorded_at = Timestamptz()
