"""The audit trail is append-only and tamper-evident, on both databases
(SECURITY.md 30; reliability 3: the audit row commits with its change or not at all)."""

from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, datetime
from typing import Any

import asyncpg
import pytest

from portal.audit import service as audit
from portal.audit.chain import GENESIS_HASH, ChainBreak, check_chain, event_hash, verify_chain
from portal.audit.tables import AuditEvent
from portal.auth.tables import PortalUser
from portal.db import write_transaction
from tests.integration.test_cli import run_cli
from tests.support.portal import Portal
from tests.support.processes import portal_env

REFUSED = asyncpg.PostgresError


async def tamper(sql: str, *args: Any) -> None:
    """Change the trail behind the app's back, as someone holding the database's
    keys could: the guard is lifted only inside this one transaction."""
    engine = AuditEvent._meta.db
    async with write_transaction(engine):
        # the test role is a superuser: replica mode skips ordinary triggers
        await engine.run_ddl("SET LOCAL session_replication_role = replica")
        await AuditEvent.raw(sql, *args)


async def events() -> list[dict[str, Any]]:
    return await AuditEvent.select().order_by(AuditEvent.id)


async def record_some() -> None:
    await audit.record("family_viewed", "success", record_type="family", record_id=7, family_id=7)
    await audit.record("access_refused", "refused", actor_label="Zoë Ωmega", page="/families/7")
    await audit.record("export", "success", reason="court bundle", count=3)


def trail_with_events(portal: Portal) -> list[dict[str, Any]]:
    portal.sign_in("derby.school")
    portal.run(record_some)
    rows = portal.run(events)
    assert len(rows) >= 4
    return rows


def test_the_chain_verifies_after_sign_in_and_records(portal: Portal) -> None:
    rows = trail_with_events(portal)
    assert [row["id"] for row in rows] == list(range(1, len(rows) + 1))
    assert rows[0]["prev_hash"] == GENESIS_HASH
    for before, after in itertools.pairwise(rows):
        assert after["prev_hash"] == before["row_hash"]
    assert all(event_hash(row) == row["row_hash"] for row in rows)
    assert any(row["action"] == "sign_in" and row["actor_identity"] for row in rows)
    report = portal.run(check_chain, 2)  # a small batch size walks several batches
    assert report.checked == len(rows) and report.first_break is None


def test_a_timestamp_without_microseconds_hashes_the_same_after_storage(
    portal: Portal, monkeypatch: pytest.MonkeyPatch
) -> None:
    # isoformat() drops ".000000": the hash must not depend on it.
    monkeypatch.setattr(audit, "now_utc", lambda: datetime(2026, 11, 22, 14, 0, tzinfo=UTC))
    portal.run(record_some)
    assert portal.run(verify_chain) is None


def test_an_edited_event_is_detected_at_that_event(portal: Portal) -> None:
    rows = trail_with_events(portal)
    target = rows[1]["id"]
    portal.run(tamper, "UPDATE audit_event SET outcome = 'tampered' WHERE id = {}", target)
    assert portal.run(verify_chain) == ChainBreak(
        target, "hash mismatch: the event's contents have changed"
    )


def test_an_edit_with_a_recomputed_hash_is_detected_at_the_next_event(portal: Portal) -> None:
    rows = trail_with_events(portal)
    forged = {**rows[1], "actor_label": "someone else"}
    new_hash = event_hash(forged)
    portal.run(
        tamper,
        "UPDATE audit_event SET actor_label = {}, row_hash = {} WHERE id = {}",
        forged["actor_label"],
        new_hash,
        forged["id"],
    )
    assert portal.run(verify_chain) == ChainBreak(
        rows[2]["id"], "prev_hash does not match the previous event's hash"
    )


def test_a_deleted_event_is_detected_as_a_gap(portal: Portal) -> None:
    rows = trail_with_events(portal)
    middle = rows[len(rows) // 2]["id"]
    portal.run(tamper, "DELETE FROM audit_event WHERE id = {}", middle)
    assert portal.run(verify_chain) == ChainBreak(
        middle + 1, f"gap: event {middle} missing before this event"
    )


def test_the_database_refuses_update_and_delete(portal: Portal) -> None:
    rows = trail_with_events(portal)
    with pytest.raises(REFUSED, match="audit_event is append-only"):
        portal.run(AuditEvent.update({AuditEvent.outcome: "success"}, force=True).run)
    with pytest.raises(REFUSED, match="audit_event is append-only"):
        portal.run(AuditEvent.delete().where(AuditEvent.id == rows[-1]["id"]).run)
    assert portal.run(events) == rows


def test_concurrent_writers_keep_one_unbroken_chain(portal: Portal) -> None:
    before = len(trail_with_events(portal))

    async def twenty_at_once() -> None:
        await asyncio.gather(*(audit.record("concurrent", "success", n=n) for n in range(20)))

    portal.run(twenty_at_once)
    rows = portal.run(events)
    assert len(rows) == before + 20
    assert sorted(row["detail"] for row in rows[before:]) == sorted(
        f'{{"n": {n}}}' for n in range(20)
    )
    assert portal.run(verify_chain) is None


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
    # The rolled-back event's id was reused: no gap, the chain is intact.
    assert portal.run(verify_chain) is None


def test_portal_audit_verify_reports_intact_and_broken(portal: Portal) -> None:
    rows = trail_with_events(portal)
    env = portal_env(
        portal.settings.database_url, portal.settings.oidc_issuer, portal.settings.base_url
    )
    result = run_cli("audit", "verify", env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"Audit trail intact: {len(rows)} events checked."

    target = rows[2]["id"]
    portal.run(tamper, "UPDATE audit_event SET detail = 'tampered' WHERE id = {}", target)
    result = run_cli("audit", "verify", env=env)
    assert result.returncode == 1, result.stderr
    assert result.stdout.strip() == (
        f"Audit trail broken at event {target}: hash mismatch: the event's contents have changed"
    )
