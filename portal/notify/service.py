"""The outbox. ``notify`` is called by other services inside their own write
transaction, so a notification exists exactly when the change that caused it
does. A worker (``portal notify-worker``) sends the emails later.

Messages never carry a child's details: only what happened and a link.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from portal.auth.service import now_utc
from portal.auth.tables import PortalUser
from portal.db import write_transaction
from portal.notify.tables import Notification, OutboxEmail

UNIQUE_PREFIX = "portal-notification"


async def notify(
    recipient_id: int, kind: str, message: str, link: str, dedupe_key: str, *, email: bool = True
) -> bool:
    """Tell one user something, in-app and (if they have an address) by email.

    ``dedupe_key`` names the event: the same key twice notifies once. Returns
    whether a new notification was made."""
    async with write_transaction(Notification._meta.db):
        if await Notification.exists().where(Notification.dedupe_key == dedupe_key):
            return False
        now = now_utc()
        rows = await Notification.insert(
            Notification(
                recipient=recipient_id,
                kind=kind,
                message=message[:300],
                link=link,
                created_at=now,
                dedupe_key=dedupe_key,
            )
        ).returning(Notification.id)
        notification_id = rows[0]["id"]
        address = await PortalUser.select(PortalUser.email).where(PortalUser.id == recipient_id)
        if email and address and address[0]["email"]:
            await OutboxEmail.insert(
                OutboxEmail(
                    notification=notification_id,
                    to_address=address[0]["email"],
                    subject=f"Early Help Portal: {message}"[:200],
                    body=message,  # the worker adds the link to the portal
                    status="pending",
                    next_attempt_at=now - timedelta(seconds=1),
                    message_id=f"<{notification_id}.{secrets.token_hex(8)}@{UNIQUE_PREFIX}>",
                )
            )
        return True
