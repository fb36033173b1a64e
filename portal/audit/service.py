"""Writing the audit trail. Details are JSON and must never hold a child's
personal data or a secret: record ids and outcomes, not names.

Each event is chained to the one before it (portal.audit.chain). The design:

- One writer at a time extends the chain: record() takes a
  transaction-scoped advisory lock before reading the newest event.
- The id is chosen under that lock, as the newest id + 1, and inserted
  explicitly, so the hash can cover the id and the row is written once (the
  database refuses UPDATE). Ids are then contiguous, so a deleted event shows
  as a gap. The PostgreSQL serial sequence is never used: every insert goes
  through here.
- Should two writers ever read the same newest event (say, a caller's
  REPEATABLE READ snapshot taken before the lock), both pick the same id and
  the primary key refuses the second: the chain fails loudly, never forks.
- Inside a caller's transaction, record() joins it, so the event commits or
  rolls back with the change it describes. The lock is then held until that
  transaction ends, serialising other audit writes: record last, and keep
  such transactions short (statement_timeout bounds the wait).
"""

from __future__ import annotations

import json
from datetime import date, datetime, time
from typing import Any

from portal.audit.chain import GENESIS_HASH, event_hash
from portal.audit.tables import AuditEvent
from portal.db import contains_ignoring_case, write_transaction
from portal.kernel.clock import now_utc
from portal.kernel.users import CurrentUser

# Any fixed bigint, used for nothing else: names the advisory lock that
# serialises writers to the audit chain.
CHAIN_LOCK_KEY = 0x4155_4449_5443_4831  # "AUDITCH1"


class AlreadyAudited:
    """Mixed into an HTTP error whose refusal the raiser has audited already
    (with more detail than the generic record), so the error page does not
    record it twice."""


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
    label = actor_label or (actor.display_name if actor else "")
    values: dict[str, Any] = {
        "at": now_utc(),
        "actor_user_id": actor.id if actor else None,
        "actor_identity": actor.identity_key if actor else "",
        "actor_label": label[:300],
        "actor_organisation": actor.organisation[:200] if actor else "",
        "action": action,
        "outcome": outcome,
        "record_type": record_type,
        "record_id": str(record_id),
        "family_id": family_id,
        "page": page[:300],
        "detail": json.dumps(detail, sort_keys=True, default=str) if detail else "",
    }
    engine = AuditEvent._meta.db
    # Piccolo treats a nested transaction as part of the caller's: all or nothing.
    async with write_transaction(engine):
        await AuditEvent.raw("SELECT pg_advisory_xact_lock({})", CHAIN_LOCK_KEY)
        newest = (
            await AuditEvent.select(AuditEvent.id, AuditEvent.row_hash)
            .order_by(AuditEvent.id, ascending=False)
            .first()
        )
        values["id"] = newest["id"] + 1 if newest else 1
        values["prev_hash"] = newest["row_hash"] if newest else GENESIS_HASH
        values["row_hash"] = event_hash(values)
        await AuditEvent.insert(AuditEvent(**values))


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
    count: int = await AuditEvent.count().where(
        (AuditEvent.actor_user_id == actor_id)
        & (AuditEvent.action == action)
        & (AuditEvent.at > since)
    )
    return count
