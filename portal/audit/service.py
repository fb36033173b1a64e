"""Writing the audit trail. Details are JSON and must never hold a child's
personal data or a secret: record ids and outcomes, not names.

An event is one INSERT, in the caller's transaction if there is one, so it
commits or rolls back with the change it describes; no lock, and no read of
any other event, so audited requests do not queue behind each other. The
chain is made later, off the request path, by the sealer (portal.audit.seals).

The INSERT first makes sure its transaction has an id (pg_current_xact_id)
and only then draws the event id from the sequence: the sealer relies on that
order to know when every id it has seen issued is settled (committed or
rolled back). The database binds the Python-computed content hash to the id
it drew (hashing.bound_to_id).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from portal.audit.hashing import CONTENT_FIELDS, content_hash
from portal.audit.tables import AuditEvent
from portal.db import contains_ignoring_case
from portal.kernel.clock import now_utc
from portal.kernel.users import CurrentUser

# scheme 2 is hashing.SEALED (a test holds them equal)
INSERT_EVENT = """
WITH writer AS MATERIALIZED (SELECT pg_current_xact_id() AS xid),
     drawn AS MATERIALIZED (SELECT nextval('audit_event_id_seq')::integer AS id FROM writer)
INSERT INTO audit_event (
    id, scheme, at, actor_user_id, actor_identity, actor_label, actor_organisation,
    action, outcome, record_type, record_id, family_id, page, detail, prev_hash, row_hash
)
SELECT id, 2, {}::timestamptz, {}::integer, {}::text, {}::text, {}::text,
       {}::text, {}::text, {}::text, {}::text, {}::integer, {}::text, {}::text, '',
       encode(sha256(convert_to({}::text || ':' || id, 'UTF8')), 'hex')
FROM drawn
"""


class AlreadyAudited:
    """Mixed into an HTTP error whose refusal the raiser has audited already
    (with more detail than the generic record), so the error page does not
    record it twice."""


def _values(actor: CurrentUser | None, actor_label: str, outcome: str, page: str) -> dict[str, Any]:
    """What an event says about who, when and where."""
    label = actor_label or (actor.display_name if actor else "")
    return {
        "at": now_utc(),
        "actor_user_id": actor.id if actor else None,
        "actor_identity": actor.identity_key if actor else "",
        "actor_label": label[:300],
        "actor_organisation": actor.organisation[:200] if actor else "",
        "outcome": outcome,
        "page": page[:300],
    }


def _detail(detail: dict[str, Any]) -> str:
    return json.dumps(detail, sort_keys=True, default=str) if detail else ""


async def record(
    action: str,
    outcome: str,
    *,
    actor: CurrentUser | None = None,
    actor_label: str = "",
    record_type: str = "",
    record_id: str | int = "",
    family_id: int | None = None,
    page: str = "",
    **detail: Any,
) -> None:
    """Append one event to the audit trail, in the caller's transaction if there is one."""
    values = {
        **_values(actor, actor_label, outcome, page),
        "action": action,
        "record_type": record_type,
        "record_id": str(record_id),
        "family_id": family_id,
        "detail": _detail(detail),
    }
    # INSERT_EVENT's placeholders are CONTENT_FIELDS in order, then the content hash.
    await AuditEvent.raw(
        INSERT_EVENT, *(values[name] for name in CONTENT_FIELDS), content_hash(values)
    )


# Several events in one INSERT: ids drawn after the transaction id, as
# INSERT_EVENT does (a writer row is needed before any id can be drawn).
INSERT_EVENTS = """
WITH writer AS MATERIALIZED (SELECT pg_current_xact_id() AS xid),
     drawn AS MATERIALIZED (
        SELECT nextval('audit_event_id_seq')::integer AS id, e.*
        FROM writer, unnest({}::text[], {}::text[], {}::text[], {}::integer[], {}::text[],
                            {}::text[])
             AS e(action, record_type, record_id, family_id, detail, content_hash))
INSERT INTO audit_event (
    id, scheme, at, actor_user_id, actor_identity, actor_label, actor_organisation,
    action, outcome, record_type, record_id, family_id, page, detail, prev_hash, row_hash
)
SELECT id, 2, {}::timestamptz, {}::integer, {}::text, {}::text, {}::text,
       action, {}::text, record_type, record_id, family_id, {}::text, detail, '',
       encode(sha256(convert_to(content_hash || ':' || id, 'UTF8')), 'hex')
FROM drawn
"""
_VARYING = ("action", "record_type", "record_id", "family_id", "detail")


@dataclass(frozen=True)
class Event:
    """One of several events ``record_together`` writes at once."""

    action: str
    record_type: str = ""
    record_id: str | int = ""
    family_id: int | None = None
    detail: Mapping[str, Any] = field(default_factory=dict)


async def record_together(
    events: Sequence[Event], outcome: str, *, actor: CurrentUser, page: str = ""
) -> None:
    """Several events by one actor at one moment, in one statement however
    many: a search and each family it showed (in that family's access history)."""
    if not events:
        return
    shared = _values(actor, "", outcome, page)
    rows = [
        {
            **shared,
            "action": e.action,
            "record_type": e.record_type,
            "record_id": str(e.record_id),
            "family_id": e.family_id,
            "detail": _detail(dict(e.detail)),
        }
        for e in events
    ]
    columns = [[row[name] for row in rows] for name in _VARYING]
    hashes = [content_hash(row) for row in rows]
    await AuditEvent.raw(
        INSERT_EVENTS,
        *columns,
        hashes,
        *(shared[n] for n in ("at", "actor_user_id", "actor_identity", "actor_label")),
        shared["actor_organisation"],
        outcome,
        shared["page"],
    )


async def family_history(
    family_id: int,
    *,
    who: str = "",
    action: str = "",
    since: date | None = None,
    until: date | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """A family's access history, newest first, filtered as the history page asks."""
    where: Any = AuditEvent.family_id == family_id
    if who:
        where &= contains_ignoring_case(AuditEvent.actor_label, f"%{who}%")
    if action:
        where &= AuditEvent.action == action
    if since:
        where &= AuditEvent.at >= datetime.combine(since, time.min).astimezone()
    if until:
        where &= AuditEvent.at <= datetime.combine(until, time.max).astimezone()
    return await (
        AuditEvent.select()
        .where(where)
        .order_by(AuditEvent.id, ascending=False)
        .limit(limit)
        .offset(offset)
    )


async def family_history_actions(family_id: int) -> list[str]:
    """The kinds of event in a family's history, for the history page's filter."""
    rows = await (
        AuditEvent.select(AuditEvent.action).where(AuditEvent.family_id == family_id).distinct()
    )
    return sorted(r["action"] for r in rows)


async def count_recent(actor_id: int, action: str, since: datetime) -> int:
    """How many ``action`` events this user has had since then (rate limits)."""
    # Raw: it runs on every search, and the query builder's Python cost more
    # than the indexed count itself.
    (row,) = await AuditEvent.raw(
        "SELECT count(*) AS n FROM audit_event"
        " WHERE actor_user_id = {} AND action = {} AND at > {}",
        actor_id,
        action,
        since,
    )
    return int(row["n"])
