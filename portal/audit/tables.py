"""The audit trail: append-only, one row per security-relevant event, and the
seals that chain them (portal.audit.seals).

An event carries the SHA-256 of its own contents bound to its id; a seal lists
a run of event ids (and the ids rolled back within it), hashes their event
hashes and chains to the seal before it, so an edited, deleted or forged event
is found by `portal audit verify`.
"""

from piccolo.columns import (
    Array,
    Integer,
    Serial,
    SmallInt,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table


class AuditEvent(Table, tablename="audit_event"):
    id = Serial(primary_key=True)  # from the sequence: ids may have gaps (rollbacks)
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
    prev_hash = Varchar(length=64, default="")  # scheme 1 only (the old in-line chain)
    row_hash = Varchar(length=64, default="")
    # 1: chained in-line to the event before (before seals); 2: own contents + id, sealed.
    scheme = SmallInt(default=1)  # the writer always sets 2


class AuditSeal(Table, tablename="audit_seal"):
    """One run of events, sealed: ids first_event_id..last_event_id, every one
    either present (hashed into events_hash, in id order) or listed in
    rolled_back (taken by a transaction that never committed)."""

    id = Serial(primary_key=True)  # contiguous: chosen by the sealer under its lock
    sealed_at = Timestamptz()
    first_event_id = Integer()
    last_event_id = Integer()
    event_count = Integer()
    rolled_back = Array(base_column=Integer())
    events_hash = Varchar(length=64)
    prev_hash = Varchar(length=64)  # the previous seal's seal_hash ("" for seal 1)
    seal_hash = Varchar(length=64)
