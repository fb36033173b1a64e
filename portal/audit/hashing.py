"""How audit events and seals are hashed (SHA-256 of canonical JSON).

- Scheme 2 (every event written since seals): the writer hashes the event's
  contents (CONTENT_FIELDS) in Python and the database binds that hash to the
  id it draws from the sequence, in the same INSERT: row_hash =
  sha256("<content hash>:<id>"). No lock and no read of another event.
- Scheme 1 (events from before seals): each hash also covered the previous
  event's row_hash (prev_hash). They are checked by their own hash, and the
  first seal covers them like any other.
- A seal hashes the (id, row_hash) of the events it covers, in id order, and
  chains to the previous seal's hash.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

SEALED = 2  # the scheme every new event is written with

# Everything an event says. Adding a column to the hash changes every hash, so
# a new column needs a new scheme, not an edit here.
CONTENT_FIELDS = (
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
)
CHAINED_FIELDS = ("id", *CONTENT_FIELDS, "prev_hash")  # scheme 1
SEAL_FIELDS = (
    "id",
    "sealed_at",
    "first_event_id",
    "last_event_id",
    "event_count",
    "rolled_back",
    "events_hash",
    "prev_hash",
)


def canonical_time(at: datetime) -> str:
    """UTC, always with microseconds: isoformat() drops them when they are zero."""
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def _sha256_of(contents: Mapping[str, Any], times: tuple[str, ...]) -> str:
    values = {**contents, **{name: canonical_time(contents[name]) for name in times}}
    canonical = json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def content_hash(event: Mapping[str, Any]) -> str:
    """The hash of what an event says (scheme 2), before it has an id."""
    return _sha256_of({name: event[name] for name in CONTENT_FIELDS}, ("at",))


def bound_to_id(content: str, event_id: int) -> str:
    """What the database computes in the INSERT: see service.INSERT_EVENT."""
    return hashlib.sha256(f"{content}:{event_id}".encode("ascii")).hexdigest()


def chained_hash(event: Mapping[str, Any]) -> str:
    """A scheme-1 event's hash: its contents, its id and the previous event's hash."""
    return _sha256_of({name: event[name] for name in CHAINED_FIELDS}, ("at",))


def event_hash(event: Mapping[str, Any]) -> str:
    """The row_hash this event should carry, by its scheme."""
    if event["scheme"] == SEALED:
        return bound_to_id(content_hash(event), event["id"])
    return chained_hash(event)


def events_digest(events: Iterable[tuple[int, str]]) -> str:
    """A seal's hash of the (id, row_hash) it covers, in id order."""
    digest = hashlib.sha256()
    for event_id, row_hash in events:
        digest.update(f"{event_id}:{row_hash}\n".encode("ascii"))
    return digest.hexdigest()


def seal_hash(seal: Mapping[str, Any]) -> str:
    contents = {name: seal[name] for name in SEAL_FIELDS}
    contents["rolled_back"] = sorted(contents["rolled_back"])
    return _sha256_of(contents, ("sealed_at",))
