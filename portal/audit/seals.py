"""Sealing the audit trail, off the request path.

Writers insert events with no lock (service.record), so ids are drawn from the
sequence in one order and become visible in another, and a rolled-back
transaction leaves a hole. A seal may only cover ids that are *settled*:
committed (visible) or rolled back (never will be). How the sealer knows:

1. It reads how far the sequence has issued ids, and only then takes a
   transaction id of its own, in one statement (the horizon). Every writer
   takes its transaction id before it draws an event id (INSERT_EVENT), so
   every writer holding an id up to that horizon has a transaction id below
   the sealer's.
2. Once no transaction below the sealer's is still running (the oldest
   running transaction, pg_snapshot_xmin, is above it), every id up to the
   horizon is settled: present in the table, or rolled back for good.
3. Under pg_try_advisory_xact_lock (so several sealers can run: one works, the
   others skip), it seals the next run of ids after the newest seal, up to the
   horizon: the ids present, hashed in order, and the ids absent, listed as
   rolled back, chained to the previous seal.

An event deleted before it is sealed looks rolled back: the window is one or
two sealer passes (about a second), and the database refuses DELETE anyway.
A transaction left open holds the horizon back until it ends (the pool's
idle-in-transaction timeout ends it within 15 s).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from typing import Any

from portal.audit.hashing import events_digest, seal_hash
from portal.audit.tables import AuditEvent, AuditSeal
from portal.db import write_transaction
from portal.kernel.clock import now_utc

log = logging.getLogger("portal.audit.seals")

SEAL_LOCK_KEY = 0x4155_4449_5453_4531  # "AUDITSE1": one sealer at a time
MAX_EVENTS_PER_SEAL = 10_000  # keeps each sealing transaction short
SEAL_INTERVAL_SECONDS = 0.5  # events are sealed one to two passes after they commit

ISSUED_SQL = (
    "SELECT CASE WHEN is_called THEN last_value ELSE 0 END AS issued FROM audit_event_id_seq"
)
# The sequence is read before the transaction id is taken: see the module docstring.
HORIZON_SQL = """
SELECT CASE WHEN is_called THEN last_value ELSE 0 END AS issued,
       pg_current_xact_id()::text::bigint AS xid
FROM audit_event_id_seq
"""
SETTLED_SQL = "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint > {} AS settled"


@dataclass(frozen=True)
class Horizon:
    issued: int  # every event id up to this one has been drawn...
    xid: int  # ...by a transaction older than this one


async def take_horizon() -> Horizon:
    rows = await AuditEvent.raw(HORIZON_SQL)
    return Horizon(issued=rows[0]["issued"], xid=rows[0]["xid"])


async def is_settled(horizon: Horizon) -> bool:
    """Has every transaction that might hold an id up to the horizon ended?"""
    rows = await AuditEvent.raw(SETTLED_SQL, horizon.xid)
    return bool(rows[0]["settled"])


async def seal_up_to(issued: int, *, wait_for_other_sealers: bool = False) -> int:
    """Seal every settled id after the newest seal up to ``issued``; how many
    events were sealed (0 if another sealer holds the lock and we do not wait)."""
    sealed = 0
    while True:
        async with write_transaction(AuditSeal._meta.db):
            if wait_for_other_sealers:
                await AuditSeal.raw("SELECT pg_advisory_xact_lock({})", SEAL_LOCK_KEY)
            else:
                got = await AuditSeal.raw(
                    "SELECT pg_try_advisory_xact_lock({}) AS got", SEAL_LOCK_KEY
                )
                if not got[0]["got"]:
                    return sealed
            seal = await _next_seal(issued)
            if seal is None:
                return sealed
            await AuditSeal.insert(AuditSeal(**seal))
        sealed += int(seal["event_count"])
        if seal["last_event_id"] >= issued:
            return sealed


async def _next_seal(issued: int) -> dict[str, Any] | None:
    newest = (
        await AuditSeal.select(AuditSeal.id, AuditSeal.last_event_id, AuditSeal.seal_hash)
        .order_by(AuditSeal.id, ascending=False)
        .first()
    )
    first = newest["last_event_id"] + 1 if newest else 1
    last = min(issued, first + MAX_EVENTS_PER_SEAL - 1)
    if last < first:
        return None
    events = await (
        AuditEvent.select(AuditEvent.id, AuditEvent.row_hash)
        .where((AuditEvent.id >= first) & (AuditEvent.id <= last))
        .order_by(AuditEvent.id)
    )
    present = {event["id"] for event in events}
    seal: dict[str, Any] = {
        "id": newest["id"] + 1 if newest else 1,
        "sealed_at": now_utc(),
        "first_event_id": first,
        "last_event_id": last,
        "event_count": len(events),
        "rolled_back": [i for i in range(first, last + 1) if i not in present],
        "events_hash": events_digest((e["id"], e["row_hash"]) for e in events),
        "prev_hash": newest["seal_hash"] if newest else "",
    }
    seal["seal_hash"] = seal_hash(seal)
    return seal


class SealTimeout(Exception):
    """A transaction that may hold an audit id stayed open past the wait."""


async def seal_now(timeout: float = 20.0) -> int:
    """Seal every event whose id has been drawn by now, once settled (the CLI's
    `portal audit seal --once`, and tests). Waits for other sealers."""
    horizon = await take_horizon()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await is_settled(horizon):
        if loop.time() > deadline:
            raise SealTimeout(f"a transaction older than {horizon.xid} is still open")
        await asyncio.sleep(0.01)
    return await seal_up_to(horizon.issued, wait_for_other_sealers=True)


class Sealer:
    """The loop's state: the horizon taken on the last pass, sealed once settled."""

    def __init__(self) -> None:
        self.pending: Horizon | None = None

    async def step(self) -> int:
        sealed = 0
        if self.pending is not None and await is_settled(self.pending):
            sealed = await seal_up_to(self.pending.issued)
            self.pending = None
        if self.pending is None:
            self.pending = await take_horizon()
        return sealed


async def run_sealer(stop: asyncio.Event, interval: float = SEAL_INTERVAL_SECONDS) -> None:
    """Seal until ``stop`` is set, surviving database outages (`portal audit seal`,
    and inside `portal notify-worker`)."""
    sealer = Sealer()
    log.info("audit sealer started")
    while not stop.is_set():
        try:
            await sealer.step()
        except Exception as error:  # the database may be down: try again next time
            sealer.pending = None
            log.warning("audit sealer pass failed: %s", type(error).__name__)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)
    log.info("audit sealer stopped")
