"""Checking the audit trail against its seals (`portal audit verify`).

Seals and events are walked together in id order, a batch at a time (keyset
pagination: memory stays flat, each query an index range scan). What is found:

- an edited event: its row_hash no longer matches its contents;
- an edited event whose row_hash was recomputed: its seal's events_hash no
  longer matches;
- a deleted event: an id its seal covered as present is missing;
- a forged event: an id its seal recorded as rolled back is present, or an id
  the sequence never issued;
- edited, deleted or forged seals: the seal chain (ids, ranges, hashes) breaks;
- the newest seals deleted with their events: only against a seal hash kept
  elsewhere (``kept``), which is why the report prints the newest one.

Events after the newest seal are checked by their own hash and counted as not
yet sealed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from portal.audit.hashing import event_hash, events_digest, seal_hash
from portal.audit.seals import ISSUED_SQL
from portal.audit.tables import AuditEvent, AuditSeal

BATCH_SIZE = 2000
MOST_PROBLEMS = 100  # enough to act on; a trail rewritten wholesale would list millions


@dataclass(frozen=True)
class Problem:
    where: str  # "event 17", "seal 3"
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


@dataclass(frozen=True)
class KeptSeal:
    """A seal's id and hash, as an operator noted them down elsewhere."""

    id: int
    seal_hash: str

    @classmethod
    def parse(cls, text: str) -> KeptSeal:
        seal_id, _, digest = text.partition(":")
        if not seal_id.isdigit() or len(digest) != 64:
            raise ValueError("give the seal as ID:HASH, as `portal audit verify` printed it")
        return cls(int(seal_id), digest.lower())


@dataclass
class TrailReport:
    events: int = 0
    seals: int = 0
    unsealed: int = 0
    newest_seal: KeptSeal | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems

    def add(self, where: str, reason: str) -> None:
        if len(self.problems) < MOST_PROBLEMS:
            self.problems.append(Problem(where, reason))


async def _in_order(table: Any, batch_size: int) -> AsyncIterator[Any]:
    after = 0
    while True:
        batch = await table.select().where(table.id > after).order_by(table.id).limit(batch_size)
        for row in batch:
            yield row
        if len(batch) < batch_size:
            return
        after = batch[-1]["id"]


class _Walk:
    """The events, one at a time, beside the seals."""

    def __init__(self, report: TrailReport, batch_size: int) -> None:
        self.report = report
        self.events = aiter(_in_order(AuditEvent, batch_size))
        self.current: dict[str, Any] | None = None

    async def advance(self) -> None:
        self.current = await anext(self.events, None)
        if self.current is not None:
            self.report.events += 1
            if event_hash(self.current) != self.current["row_hash"]:
                self.report.add(
                    f"event {self.current['id']}", "hash mismatch: its contents have changed"
                )

    async def through(self, last_id: int) -> list[dict[str, Any]]:
        """The events with ids up to last_id, not yet walked past."""
        taken = []
        while self.current is not None and self.current["id"] <= last_id:
            taken.append(self.current)
            await self.advance()
        return taken


async def verify_trail(kept: KeptSeal | None = None, batch_size: int = BATCH_SIZE) -> TrailReport:
    report = TrailReport()
    walk = _Walk(report, batch_size)
    await walk.advance()
    previous: dict[str, Any] | None = None
    kept_found = False
    async for seal in _in_order(AuditSeal, batch_size):
        _check_seal_link(report, seal, previous)
        _check_seal_events(report, seal, await walk.through(seal["last_event_id"]))
        if kept and seal["id"] == kept.id:
            kept_found = True
            if seal["seal_hash"] != kept.seal_hash:
                report.add(f"seal {seal['id']}", "does not match the hash kept elsewhere")
        report.seals += 1
        previous = seal
    unsealed = await walk.through(2**63)
    report.unsealed = len(unsealed)
    issued = (await AuditEvent.raw(ISSUED_SQL))[0]["issued"]  # read after the walk
    for event in unsealed:
        if event["id"] > issued:
            report.add(f"event {event['id']}", "its id was never issued: forged")
    if kept and not kept_found:
        report.add(f"seal {kept.id}", "is missing: seals from it onwards have been deleted")
    if previous:
        report.newest_seal = KeptSeal(previous["id"], previous["seal_hash"])
    return report


def _check_seal_link(report: TrailReport, seal: dict[str, Any], previous: Any) -> None:
    where = f"seal {seal['id']}"
    expected_id = previous["id"] + 1 if previous else 1
    if seal["id"] != expected_id:
        report.add(where, f"seal {expected_id} is missing before it")
    expected_first = previous["last_event_id"] + 1 if previous else 1
    if seal["first_event_id"] != expected_first:
        report.add(where, f"does not start at event {expected_first}, after the seal before it")
    if seal["prev_hash"] != (previous["seal_hash"] if previous else ""):
        report.add(where, "prev_hash does not match the previous seal's hash")
    if seal_hash(seal) != seal["seal_hash"]:
        report.add(where, "hash mismatch: the seal has changed")


def _check_seal_events(
    report: TrailReport, seal: dict[str, Any], events: list[dict[str, Any]]
) -> None:
    rolled_back = set(seal["rolled_back"])
    present = []
    for event in events:
        if event["id"] in rolled_back:
            report.add(
                f"event {event['id']}",
                f"seal {seal['id']} recorded this id as rolled back: the event was added later",
            )
        elif event["id"] >= seal["first_event_id"]:
            present.append(event)
    found = {event["id"] for event in present}
    span = range(seal["first_event_id"], seal["last_event_id"] + 1)
    missing = [i for i in span if i not in found and i not in rolled_back]
    for event_id in missing:
        report.add(f"event {event_id}", f"is missing: it was sealed in seal {seal['id']}")
    digest = events_digest((event["id"], event["row_hash"]) for event in present)
    if not missing and digest != seal["events_hash"]:
        report.add(
            f"seal {seal['id']}",
            f"events {span.start} to {span.stop - 1} no longer match the seal: "
            "an event was rewritten with a new hash",
        )
