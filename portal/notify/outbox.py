"""The outbox's states, changed only here, each change one short transaction.

    pending --claim--> sending --sent--> sent
                          |----refused for now--> pending (later, with backoff)
                          |----refused for good, or too many tries--> failed
                          `----worker vanished, or the line dropped mid-send--> unknown

Never twice: a row is claimed atomically (one worker wins) and committed as
'sending' *before* the SMTP conversation starts. A row found still 'sending'
after the lease may or may not have reached the mail server, so it becomes
'unknown' and is never retried automatically; an administrator decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from portal.audit import service as audit
from portal.db import write_transaction
from portal.kernel.clock import now_utc
from portal.kernel.users import CurrentUser
from portal.notify.tables import OutboxEmail

LEASE = timedelta(minutes=10)  # far longer than one SMTP conversation (30 s timeout)
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(minutes=1)  # then 2, 4, 8 ... minutes
LONGEST_RETRY = timedelta(hours=6)
ATTENTION_LIMIT = 200

CLAIM_NEXT = """
UPDATE outbox_email
SET status = 'sending', claimed_by = {}, claimed_at = {}, attempts = attempts + 1
WHERE status = 'pending' AND id = (
    SELECT id FROM outbox_email
    WHERE status = 'pending' AND next_attempt_at <= {}
    ORDER BY next_attempt_at, id
    LIMIT 1
    FOR UPDATE SKIP LOCKED
)
RETURNING id, notification, to_address, subject, body, message_id, attempts
"""


@dataclass(frozen=True)
class Claimed:
    id: int
    to_address: str
    subject: str
    body: str
    message_id: str
    link: str
    attempts: int


async def claim_next(worker: str, now: datetime) -> Claimed | None:
    """Take the oldest due pending email for this worker, or None."""
    # One statement: the row lock and SKIP LOCKED let concurrent workers
    # each take a different row; the outer status check re-tests it.
    rows = await OutboxEmail.raw(CLAIM_NEXT, worker, now, now)
    row = rows[0] if rows else None
    if row is None:
        return None
    return Claimed(
        id=row["id"],
        to_address=row["to_address"],
        subject=row["subject"],
        body=row["body"],
        message_id=row["message_id"],
        link=email_link(int(row["notification"])),
        attempts=row["attempts"],
    )


def email_link(notification_id: int) -> str:
    """Where an email sends its reader: the notification in the portal, which
    names the family and what was decided (the email itself does neither)."""
    return f"/notifications/{notification_id}"


def _mine(email_id: int, worker: str) -> Any:
    # 'unknown' too: a worker slower than the lease still knows how its own send ended.
    return (
        (OutboxEmail.id == email_id)
        & (OutboxEmail.claimed_by == worker)
        & OutboxEmail.status.is_in(["sending", "unknown"])
    )


async def mark_sent(email_id: int, worker: str, now: datetime) -> None:
    async with write_transaction(OutboxEmail._meta.db):
        await OutboxEmail.update(
            {OutboxEmail.status: "sent", OutboxEmail.sent_at: now, OutboxEmail.last_error: ""}
        ).where(_mine(email_id, worker))


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, 8 ... minutes after the first, second, third ... failed attempt."""
    return min(FIRST_RETRY * (1 << min(max(attempts - 1, 0), 16)), LONGEST_RETRY)


async def mark_not_sent(
    email_id: int, worker: str, attempts: int, error: str, now: datetime, *, permanent: bool
) -> str:
    """The server refused (or could not be reached): retry later, or give up.
    Returns the new status."""
    status = "failed" if permanent or attempts >= MAX_ATTEMPTS else "pending"
    async with write_transaction(OutboxEmail._meta.db):
        await OutboxEmail.update(
            {
                OutboxEmail.status: status,
                OutboxEmail.next_attempt_at: now + retry_delay(attempts),
                OutboxEmail.last_error: error[:500],
            }
        ).where(_mine(email_id, worker))
    return status


async def mark_unknown(email_id: int, worker: str, error: str) -> None:
    """The line dropped after the message was handed over: it may have been delivered."""
    async with write_transaction(OutboxEmail._meta.db):
        await OutboxEmail.update(
            {OutboxEmail.status: "unknown", OutboxEmail.last_error: error[:500]}
        ).where(_mine(email_id, worker))


async def expire_leases(now: datetime) -> int:
    """Emails a worker claimed and never finished (it crashed or was killed)
    become 'unknown': never sent again automatically."""
    abandoned = (OutboxEmail.status == "sending") & (OutboxEmail.claimed_at < now - LEASE)
    if not await OutboxEmail.exists().where(abandoned):
        return 0
    async with write_transaction(OutboxEmail._meta.db):
        rows = (
            await OutboxEmail.update(
                {
                    OutboxEmail.status: "unknown",
                    OutboxEmail.last_error: "The worker stopped while sending: "
                    "the email may or may not have been sent",
                }
            )
            .where(abandoned)
            .returning(OutboxEmail.id)
        )
    return len(rows)


# For administrators ---------------------------------------------------------------------


async def needing_attention() -> list[dict[str, Any]]:
    """Emails that were not sent for certain: failed, or unknown."""
    return await (
        OutboxEmail.select(
            OutboxEmail.id,
            OutboxEmail.subject,
            OutboxEmail.status,
            OutboxEmail.attempts,
            OutboxEmail.last_error,
            OutboxEmail.claimed_at,
            OutboxEmail.notification.created_at.as_alias("created_at"),
            OutboxEmail.notification.recipient.display_name.as_alias("recipient"),  # type: ignore[union-attr]
        )
        .where(OutboxEmail.status.is_in(["failed", "unknown"]))
        .order_by(OutboxEmail.id, ascending=False)
        .limit(ATTENTION_LIMIT)
    )


async def send_again(admin: CurrentUser, email_id: int) -> bool:
    """An administrator's decision to send a failed or unknown email again
    (for an unknown one, accepting it may arrive twice). Audited."""
    async with write_transaction(OutboxEmail._meta.db):
        rows = (
            await OutboxEmail.update(
                {
                    OutboxEmail.status: "pending",
                    OutboxEmail.attempts: 0,
                    OutboxEmail.next_attempt_at: now_utc(),
                    OutboxEmail.claimed_by: "",
                    OutboxEmail.claimed_at: None,
                    OutboxEmail.last_error: "",
                }
            )
            .where((OutboxEmail.id == email_id) & OutboxEmail.status.is_in(["failed", "unknown"]))
            .returning(OutboxEmail.id)
        )
        if rows:
            await audit.record(
                "email_queued_again",
                "success",
                actor=admin,
                record_type="email",
                record_id=email_id,
            )
    return bool(rows)
