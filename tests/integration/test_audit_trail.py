"""The audit trail is append-only and tamper-evident (SECURITY.md 30;
reliability 3: the audit row commits with its change or not at all).

Events are written with one INSERT and no lock; the sealer chains them later
(portal.audit.seals). These tests tamper with the trail as someone holding the
database's keys could, and expect `verify_trail` to name each change."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import asyncpg
import pytest

from portal.audit import service as audit
from portal.audit.hashing import SEALED, bound_to_id, content_hash, event_hash
from portal.audit.seals import Sealer, SealTimeout, seal_now
from portal.audit.tables import AuditEvent, AuditSeal
from portal.audit.verify import KeptSeal, Problem, verify_trail
from portal.auth.tables import PortalUser
from portal.db import write_transaction
from tests.integration.test_cli import run_cli
from tests.support.portal import Portal
from tests.support.processes import portal_env

REFUSED = asyncpg.PostgresError


async def tamper(sql: str, *args: Any) -> None:
    """Change the trail behind the app's back: the guard is lifted only inside
    this one transaction."""
    engine = AuditEvent._meta.db
    async with write_transaction(engine):
        # the test role is a superuser: replica mode skips ordinary triggers
        await engine.run_ddl("SET LOCAL session_replication_role = replica")
        await AuditEvent.raw(sql, *args)


async def events() -> list[dict[str, Any]]:
    return await AuditEvent.select().order_by(AuditEvent.id)


async def seals() -> list[dict[str, Any]]:
    return await AuditSeal.select().order_by(AuditSeal.id)


async def record_some() -> None:
    await audit.record("family_viewed", "success", record_type="family", record_id=7, family_id=7)
    await audit.record("access_refused", "refused", actor_label="Zoë Ωmega", page="/families/7")
    await audit.record("export", "success", reason="court bundle", count=3)


def sealed_trail(portal: Portal) -> list[dict[str, Any]]:
    portal.sign_in("derby.school")
    portal.run(record_some)
    portal.run(seal_now)
    rows = portal.run(events)
    assert len(rows) >= 4
    return rows


def problems(portal: Portal, kept: KeptSeal | None = None) -> list[str]:
    return [str(p) for p in portal.run(verify_trail, kept).problems]


def test_events_are_hashed_on_their_own_and_sealed_in_order(portal: Portal) -> None:
    rows = sealed_trail(portal)
    assert [row["id"] for row in rows] == list(range(1, len(rows) + 1))
    assert all(row["scheme"] == SEALED and row["prev_hash"] == "" for row in rows)
    # the database bound the Python content hash to the id it drew
    assert all(row["row_hash"] == bound_to_id(content_hash(row), row["id"]) for row in rows)
    assert all(event_hash(row) == row["row_hash"] for row in rows)
    assert any(row["action"] == "sign_in" and row["actor_identity"] for row in rows)
    (seal,) = portal.run(seals)
    assert (seal["first_event_id"], seal["last_event_id"]) == (1, rows[-1]["id"])
    assert seal["event_count"] == len(rows) and seal["rolled_back"] == []
    report = portal.run(verify_trail, None, 2)  # a small batch size walks several batches
    assert report.intact and report.events == len(rows) and report.unsealed == 0
    assert report.newest_seal == KeptSeal(seal["id"], seal["seal_hash"])


def test_events_after_the_newest_seal_are_reported_as_not_yet_sealed(portal: Portal) -> None:
    sealed_trail(portal)
    portal.run(record_some)
    report = portal.run(verify_trail)
    assert report.intact and report.unsealed == 3
    portal.run(seal_now)
    assert portal.run(verify_trail).unsealed == 0
    assert [s["id"] for s in portal.run(seals)] == [1, 2]


def test_a_timestamp_without_microseconds_hashes_the_same_after_storage(
    portal: Portal, monkeypatch: pytest.MonkeyPatch
) -> None:
    # isoformat() drops ".000000": the hash must not depend on it.
    monkeypatch.setattr(audit, "now_utc", lambda: datetime(2026, 11, 22, 14, 0, tzinfo=UTC))
    portal.run(record_some)
    portal.run(seal_now)
    assert portal.run(verify_trail).intact


def test_an_edited_event_is_found_by_its_own_hash(portal: Portal) -> None:
    rows = sealed_trail(portal)
    target = rows[1]["id"]
    portal.run(tamper, "UPDATE audit_event SET outcome = 'tampered' WHERE id = {}", target)
    assert problems(portal) == [f"event {target}: hash mismatch: its contents have changed"]


def test_an_edit_with_a_recomputed_hash_is_found_by_its_seal(portal: Portal) -> None:
    rows = sealed_trail(portal)
    forged = {**rows[1], "actor_label": "someone else"}
    portal.run(
        tamper,
        "UPDATE audit_event SET actor_label = {}, row_hash = {} WHERE id = {}",
        forged["actor_label"],
        event_hash(forged),
        forged["id"],
    )
    assert problems(portal) == [
        f"seal 1: events 1 to {rows[-1]['id']} no longer match the seal: "
        "an event was rewritten with a new hash"
    ]


def test_a_deleted_event_is_found_missing_from_its_seal(portal: Portal) -> None:
    rows = sealed_trail(portal)
    middle = rows[len(rows) // 2]["id"]
    portal.run(tamper, "DELETE FROM audit_event WHERE id = {}", middle)
    assert problems(portal) == [f"event {middle}: is missing: it was sealed in seal 1"]


def test_deleting_the_newest_event_is_found(portal: Portal) -> None:
    rows = sealed_trail(portal)
    newest = rows[-1]["id"]
    portal.run(tamper, "DELETE FROM audit_event WHERE id = {}", newest)
    assert problems(portal) == [f"event {newest}: is missing: it was sealed in seal 1"]


def test_deleting_the_newest_seal_with_its_events_is_found_against_a_kept_hash(
    portal: Portal,
) -> None:
    sealed_trail(portal)
    kept = portal.run(verify_trail).newest_seal
    assert kept is not None
    portal.run(tamper, "DELETE FROM audit_seal WHERE id = {}", kept.id)
    portal.run(tamper, "DELETE FROM audit_event")
    assert problems(portal) == []  # nothing left to contradict: hence the kept hash
    assert problems(portal, kept) == [
        f"seal {kept.id}: is missing: seals from it onwards have been deleted"
    ]
    assert problems(portal, KeptSeal(kept.id, "0" * 64)) == [
        f"seal {kept.id}: is missing: seals from it onwards have been deleted"
    ]


def test_a_kept_hash_that_does_not_match_is_reported(portal: Portal) -> None:
    sealed_trail(portal)
    assert problems(portal, KeptSeal(1, "0" * 64)) == [
        "seal 1: does not match the hash kept elsewhere"
    ]


def test_a_rolled_back_event_leaves_a_gap_the_seal_records(portal: Portal) -> None:
    portal.sign_in("derby.school")

    async def change_then_fail() -> None:
        async with write_transaction(AuditEvent._meta.db):
            await audit.record("user_created", "success", record_type="user")
            raise RuntimeError("the change fails after its audit row was written")

    with pytest.raises(RuntimeError):
        portal.run(change_then_fail)
    portal.run(record_some)
    portal.run(seal_now)
    rows = portal.run(events)
    gap = next(i for i in range(1, rows[-1]["id"]) if i not in {r["id"] for r in rows})
    (seal,) = portal.run(seals)
    assert seal["rolled_back"] == [gap]
    assert portal.run(verify_trail).intact


def forged_event(event_id: int) -> dict[str, Any]:
    forged = {
        "id": event_id,
        "scheme": SEALED,
        "at": datetime.now(UTC),
        "actor_user_id": None,
        "actor_identity": "",
        "actor_label": "Someone else",
        "actor_organisation": "",
        "action": "family_viewed",
        "outcome": "success",
        "record_type": "family",
        "record_id": "7",
        "family_id": 7,
        "page": "",
        "detail": "",
        "prev_hash": "",
    }
    return {**forged, "row_hash": event_hash(forged)}


async def insert_forged(event: dict[str, Any]) -> None:
    columns = list(event)
    placeholders = ", ".join("{}" for _ in columns)
    await tamper(
        f"INSERT INTO audit_event ({', '.join(columns)}) VALUES ({placeholders})",  # noqa: S608
        *event.values(),
    )


def test_a_forged_event_in_a_rolled_back_gap_is_found(portal: Portal) -> None:
    portal.sign_in("derby.school")

    async def rolled_back() -> None:
        async with write_transaction(AuditEvent._meta.db):
            await audit.record("user_created", "success")
            raise RuntimeError

    with pytest.raises(RuntimeError):
        portal.run(rolled_back)
    portal.run(record_some)
    portal.run(seal_now)
    (seal,) = portal.run(seals)
    (gap,) = seal["rolled_back"]
    portal.run(insert_forged, forged_event(gap))
    assert problems(portal) == [
        f"event {gap}: seal 1 recorded this id as rolled back: the event was added later"
    ]


def test_a_forged_event_with_an_id_never_issued_is_found(portal: Portal) -> None:
    rows = sealed_trail(portal)
    forged_id = rows[-1]["id"] + 100
    portal.run(insert_forged, forged_event(forged_id))
    report = portal.run(verify_trail)
    assert report.unsealed == 1
    assert [str(p) for p in report.problems] == [
        f"event {forged_id}: its id was never issued: forged"
    ]


def test_an_edited_seal_is_found(portal: Portal) -> None:
    sealed_trail(portal)
    portal.run(record_some)
    portal.run(seal_now)
    portal.run(tamper, "UPDATE audit_seal SET event_count = event_count + 1 WHERE id = 1")
    assert problems(portal) == ["seal 1: hash mismatch: the seal has changed"]


def test_the_database_refuses_update_and_delete(portal: Portal) -> None:
    rows = sealed_trail(portal)
    with pytest.raises(REFUSED, match="audit_event is append-only"):
        portal.run(AuditEvent.update({AuditEvent.outcome: "success"}, force=True).run)
    with pytest.raises(REFUSED, match="audit_event is append-only"):
        portal.run(AuditEvent.delete().where(AuditEvent.id == rows[-1]["id"]).run)
    with pytest.raises(REFUSED, match="audit_seal is append-only"):
        portal.run(AuditSeal.update({AuditSeal.event_count: 0}, force=True).run)
    with pytest.raises(REFUSED, match="audit_seal is append-only"):
        portal.run(AuditSeal.delete(force=True).run)
    assert portal.run(events) == rows


def test_concurrent_writers_and_two_sealers_make_one_unbroken_chain(portal: Portal) -> None:
    before = len(sealed_trail(portal))

    async def writers_and_sealers() -> None:
        first, second = Sealer(), Sealer()

        async def seal_while_writing(sealer: Sealer, done: asyncio.Event) -> None:
            while not done.is_set():
                await sealer.step()
                await asyncio.sleep(0.005)

        done = asyncio.Event()
        sealing = [asyncio.create_task(seal_while_writing(s, done)) for s in (first, second)]
        for batch in range(5):
            await asyncio.gather(
                *(audit.record("concurrent", "success", n=batch * 20 + n) for n in range(20))
            )
        done.set()
        await asyncio.gather(*sealing)

    portal.run(writers_and_sealers)
    portal.run(seal_now)
    rows = portal.run(events)
    assert len(rows) == before + 100
    assert sorted(row["detail"] for row in rows[before:]) == sorted(
        f'{{"n": {n}}}' for n in range(100)
    )
    chain = portal.run(seals)
    # every id in exactly one seal, the runs back to back
    covered = [i for s in chain for i in range(s["first_event_id"], s["last_event_id"] + 1)]
    assert covered == list(range(1, rows[-1]["id"] + 1))
    assert sum(s["event_count"] for s in chain) == len(rows)
    report = portal.run(verify_trail)
    assert report.intact and report.unsealed == 0


def test_a_seal_never_covers_an_id_a_running_transaction_holds(portal: Portal) -> None:
    portal.sign_in("derby.school")

    async def scenario() -> tuple[int, list[dict[str, Any]]]:
        written, release = asyncio.Event(), asyncio.Event()

        async def slow_change() -> None:
            async with write_transaction(AuditEvent._meta.db):
                await audit.record("slow_change", "success")
                written.set()
                await release.wait()

        slow = asyncio.create_task(slow_change())
        await written.wait()
        await audit.record("quick_change", "success")  # a higher id, committed first
        with pytest.raises(SealTimeout):
            await seal_now(timeout=0.3)
        held_back = await seals()
        release.set()
        await slow
        return await seal_now(), held_back

    sealed, held_back = portal.run(scenario)
    assert held_back == []  # the open transaction's id was not sealed over, nor as rolled back
    rows = portal.run(events)
    assert sealed == len(rows)
    assert {r["action"] for r in rows} >= {"slow_change", "quick_change"}
    (seal,) = portal.run(seals)
    assert seal["rolled_back"] == []
    assert portal.run(verify_trail).intact


def test_an_audit_row_commits_or_rolls_back_with_its_change(portal: Portal) -> None:
    portal.sign_in("derby.school")
    before = portal.run(events)

    async def change_then_fail() -> None:
        async with write_transaction(AuditEvent._meta.db):
            await PortalUser(identity_key="test rolled-back", display_name="Rolled Back").save()
            await audit.record("user_created", "success", record_type="user")
            raise RuntimeError("the change fails after its audit row was written")

    with pytest.raises(RuntimeError):
        portal.run(change_then_fail)
    assert portal.run(events) == before
    assert not portal.run(
        PortalUser.exists().where(PortalUser.identity_key == "test rolled-back").run
    )

    async def change() -> None:
        async with write_transaction(AuditEvent._meta.db):
            await PortalUser(identity_key="test committed", display_name="Committed").save()
            await audit.record("user_created", "success", record_type="user")

    portal.run(change)
    assert len(portal.run(events)) == len(before) + 1
    assert portal.run(PortalUser.exists().where(PortalUser.identity_key == "test committed").run)
    portal.run(seal_now)
    assert portal.run(verify_trail).intact


def test_portal_audit_seal_and_verify_on_the_command_line(portal: Portal) -> None:
    portal.sign_in("derby.school")
    portal.run(record_some)
    rows = portal.run(events)
    env = portal_env(
        portal.settings.database_url, portal.settings.oidc_issuer, portal.settings.base_url
    )
    result = run_cli("audit", "verify", env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        f"Audit trail intact: {len(rows)} events checked, 0 seals; "
        f"{len(rows)} events not yet sealed."
    )
    result = run_cli("audit", "seal", "--once", env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"Sealed {len(rows)} event(s)."

    result = run_cli("audit", "verify", env=env)
    (seal,) = portal.run(seals)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"Audit trail intact: {len(rows)} events checked, 1 seals; 0 events not yet sealed.",
        f"Newest seal (note it down elsewhere): 1:{seal['seal_hash']}",
    ]
    result = run_cli("audit", "verify", "--seal", f"1:{seal['seal_hash']}", env=env)
    assert result.returncode == 0, result.stdout + result.stderr

    target = rows[2]["id"]
    portal.run(tamper, "UPDATE audit_event SET detail = 'tampered' WHERE id = {}", target)
    result = run_cli("audit", "verify", env=env)
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines() == [
        "Audit trail broken: 1 problem(s) found.",
        f"  event {target}: hash mismatch: its contents have changed",
    ]
    result = run_cli("audit", "verify", "--seal", "not-a-seal", env=env)
    assert result.returncode == 2
    assert "give the seal as ID:HASH" in result.stderr


def test_problems_read_as_where_and_what() -> None:
    assert str(Problem("event 3", "is missing")) == "event 3: is missing"
