"""The audit trail: append-only, one row per security-relevant event.

Each row carries the SHA-256 of its own contents chained to the previous
row's hash, so an edited or deleted row breaks the chain (`portal audit verify`).
"""

from piccolo.columns import Integer, Serial, Text, Timestamptz, Varchar
from piccolo.table import Table


class AuditEvent(Table, tablename="audit_event"):
    id = Serial(primary_key=True)
    at = Timestamptz()
    actor_user_id = Integer(null=True, default=None, index=True)
    actor_identity = Varchar(length=800, default="")  # "<iss> <sub>" at the time
    actor_label = Varchar(length=300, default="")  # display name at the time
    actor_organisation = Varchar(length=200, default="")
    action = Varchar(length=100, index=True)  # e.g. sign_in, family_viewed, access_refused
    outcome = Varchar(length=30)  # success / failure / refused
    record_type = Varchar(length=50, default="")
    record_id = Varchar(length=100, default="")
    family_id = Integer(null=True, default=None, index=True)  # for a family's access history
    page = Varchar(length=300, default="")  # for reads: the path shown (never personal data)
    detail = Text(default="")  # JSON; never personal data about a child
    prev_hash = Varchar(length=64, default="")
    row_hash = Varchar(length=64, default="")
