"""The audit trail: append-only, one row per security-relevant event."""

from piccolo.columns import Integer, Serial, Text, Timestamptz, Varchar
from piccolo.table import Table


class AuditEvent(Table, tablename="audit_event"):
    id = Serial(primary_key=True)
    at = Timestamptz()
    actor_user_id = Integer(null=True, default=None)
    actor_label = Varchar(length=300, default="")  # name and organisation at the time
    action = Varchar(length=100, index=True)  # e.g. sign_in, sign_out, access_refused
    outcome = Varchar(length=30)  # success / failure / refused
    record_type = Varchar(length=50, default="")
    record_id = Varchar(length=100, default="")
    detail = Text(default="")  # JSON; never personal data about a child
