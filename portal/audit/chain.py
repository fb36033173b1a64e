"""The audit trail's hash chain: how an event is hashed, and how the chain is checked.

Every event's `row_hash` is the SHA-256 of a canonical JSON serialisation of
its contents, its id and `prev_hash` (the previous event's `row_hash`, or
GENESIS_HASH for event 1). Ids are contiguous from 1 (see service.record), so:

- an edited event no longer matches its own hash;
- a deleted event leaves a gap in the ids;
- an edited event whose hash was recomputed no longer matches the next
  event's `prev_hash`.

Limits: the hash is unkeyed, so someone able to rewrite every event from the
tampered one to the newest can forge a consistent chain, and deleting the
newest events leaves no trace here. The database refusing UPDATE and DELETE
(migration portal_0002_audit_guard) and a least-privilege role are the first line; keeping
a copy of the newest hash elsewhere would close both gaps.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from portal.audit.tables import AuditEvent

GENESIS_HASH = ""  # prev_hash of event 1
BATCH_SIZE = 1000

# Everything an event says, in the hash. Adding a column to the hash changes
# every hash after it, so a new column needs a versioned scheme, not an edit here.
HASHED_FIELDS = (
    "id",
    "at",
    "actor_user_id",
    "actor_identity",
    "actor_label",
    "actor_organisation",
    "action",
    "outcome",
    "record_type",
    "record_id",
    "family_id",
    "page",
    "detail",
    "prev_hash",
)


def canonical_time(at: datetime) -> str:
    """UTC, always with microseconds: isoformat() drops them when they are zero."""
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def event_hash(event: Mapping[str, Any]) -> str:
    """SHA-256 hex of an event's HASHED_FIELDS (a row as selected, or the values inserted)."""
    contents = {name: event[name] for name in HASHED_FIELDS}
    contents["at"] = canonical_time(event["at"])
    canonical = json.dumps(contents, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    event_id: int
    reason: str


@dataclass(frozen=True)
class ChainReport:
    checked: int  # events checked before the first break (all of them if intact)
    first_break: ChainBreak | None


def check_event(event: Mapping[str, Any], expected_id: int, expected_prev: str) -> str | None:
    """What is wrong with this event, given the one before it, or None."""
    if event["id"] != expected_id:
        missing = str(expected_id)
        if event["id"] - 1 > expected_id:
            missing = f"{expected_id} to {event['id'] - 1}"
        return f"gap: event {missing} missing before this event"
    if event["prev_hash"] != expected_prev:
        return "prev_hash does not match the previous event's hash"
    if event_hash(event) != event["row_hash"]:
        return "hash mismatch: the event's contents have changed"
    return None


async def check_chain(batch_size: int = BATCH_SIZE) -> ChainReport:
    """Walk the whole trail in id order, a batch at a time (keyset pagination,
    so memory stays flat and each query is an index range scan)."""
    columns = [getattr(AuditEvent, name) for name in (*HASHED_FIELDS, "row_hash")]
    expected_id, expected_prev, checked = 1, GENESIS_HASH, 0
    while True:
        batch = await (
            AuditEvent.select(*columns)
            .where(AuditEvent.id >= expected_id)
            .order_by(AuditEvent.id)
            .limit(batch_size)
        )
        for event in batch:
            problem = check_event(event, expected_id, expected_prev)
            if problem:
                return ChainReport(checked, ChainBreak(event["id"], problem))
            expected_id, expected_prev = event["id"] + 1, event["row_hash"]
            checked += 1
        if len(batch) < batch_size:
            return ChainReport(checked, None)


async def verify_chain(batch_size: int = BATCH_SIZE) -> ChainBreak | None:
    """The first broken link in the audit trail, or None if it is intact."""
    return (await check_chain(batch_size)).first_break
