"""The outbox. ``notify`` is called by other services inside their own write
transaction, so a notification exists exactly when the change that caused it
does. A worker (``portal notify-worker``, portal.worker) sends the
emails later.

Messages never carry a child's details: only what happened and a link. A
notification may also name the family it is about (by id) and say what was
decided (``detail``): both stay in the portal, never in an email. The list
names the family when it is shown, and only to a recipient who may still open
the family's record (the access service decides, through the ``family_names``
dependency), so a name is never copied into the notification, goes out of date,
or outlives the record.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from portal.auth.tables import PortalUser
from portal.db import write_transaction
from portal.kernel.clock import now_utc
from portal.notify.tables import Notification, OutboxEmail

UNIQUE_PREFIX = "portal-notification"
LIST_LIMIT = 100

# The families a user may open, among these ids, each with its name (children's
# first names and family name); the others are left out. Provided to the
# notification pages by the access service (a Litestar dependency), which sits
# above this package.
FamilyNames = Callable[[Collection[int]], Awaitable[dict[int, str]]]


@dataclass(frozen=True)
class Note:
    """One notification to make: who, what kind, what to say, where it links."""

    recipient_id: int
    kind: str
    message: str
    link: str
    dedupe_key: str
    email: bool = True
    family_id: int | None = None  # the family it is about, named in the portal only
    detail: str = ""  # what was decided, in the portal only (never emailed)


async def notify(
    recipient_id: int,
    kind: str,
    message: str,
    link: str,
    dedupe_key: str,
    *,
    email: bool = True,
    family_id: int | None = None,
    detail: str = "",
) -> bool:
    """Tell one user something, in-app and (if they have an address) by email.

    ``dedupe_key`` names the event: the same key twice notifies once. The
    ``message`` is also the email, so it never names a child; ``family_id``
    (the list names the family) and ``detail`` (what was decided) are shown in
    the portal only. Returns whether a new notification was made."""
    note = Note(recipient_id, kind, message, link, dedupe_key, email, family_id, detail)
    made = await notify_many([note])
    return bool(made)


async def notify_many(notes: list[Note]) -> int:
    """Make many notifications in a few statements (scheduled reminders); returns
    how many were new. Joins the caller's transaction if there is one.

    A key already used is skipped without an error: a unique violation would
    abort the caller's whole transaction, so the insert says ON CONFLICT DO
    NOTHING."""
    # One line each: the message becomes an email's Subject header.
    by_key = {
        n.dedupe_key[:200]: replace(
            n, message=" ".join(n.message.split())[:300], detail=" ".join(n.detail.split())[:300]
        )
        for n in notes
    }
    if not by_key:
        return 0
    engine = Notification._meta.db
    now = now_utc()
    async with write_transaction(engine):
        rows = [
            Notification(
                recipient=n.recipient_id,
                kind=n.kind,
                message=n.message,
                link=n.link[:300],
                family_id=n.family_id,
                detail=n.detail,
                created_at=now,
                dedupe_key=key,
            )
            for key, n in by_key.items()
        ]
        query = Notification.insert(*rows).on_conflict(
            target=Notification.dedupe_key, action="DO NOTHING"
        )
        made = await query.returning(Notification.id, Notification.dedupe_key)
        wanted = {r["dedupe_key"]: r["id"] for r in made if by_key[r["dedupe_key"]].email}
        if wanted:
            recipients = {by_key[key].recipient_id for key in wanted}
            addresses = {
                u["id"]: u["email"]
                for u in await PortalUser.select(PortalUser.id, PortalUser.email).where(
                    PortalUser.id.is_in(list(recipients)) & (PortalUser.disabled == False)  # noqa: E712
                )
            }
            emails = [
                OutboxEmail(
                    notification=notification_id,
                    to_address=addresses[by_key[key].recipient_id],
                    subject=f"Early Help Portal: {by_key[key].message}"[:200],
                    body=by_key[key].message,  # the worker adds the link to the portal
                    status="pending",
                    next_attempt_at=now - timedelta(seconds=1),
                    message_id=f"<{notification_id}.{secrets.token_hex(8)}@{UNIQUE_PREFIX}>",
                )
                for key, notification_id in wanted.items()
                if addresses.get(by_key[key].recipient_id)
            ]
            if emails:
                await OutboxEmail.insert(*emails)
        return len(made)


# What the signed-in user sees ---------------------------------------------------------------


async def unread_count(user_id: int) -> int:
    """One COUNT: the number in the header."""
    return int(
        await Notification.count().where(
            (Notification.recipient == user_id) & Notification.read_at.is_null()
        )
    )


SHOWN_COLUMNS = (
    Notification.id,
    Notification.kind,
    Notification.message,
    Notification.link,
    Notification.family_id,
    Notification.detail,
    Notification.created_at,
    Notification.read_at,
)


async def notifications_for(user_id: int, family_names: FamilyNames) -> list[dict[str, Any]]:
    """A user's newest notifications first, each naming its family (see ``named``)."""
    rows = await (
        Notification.select(*SHOWN_COLUMNS)
        .where(Notification.recipient == user_id)
        .order_by(Notification.created_at, ascending=False)
        .order_by(Notification.id, ascending=False)
        .limit(LIST_LIMIT)
    )
    return await named(rows, family_names)


async def notification_of(
    user_id: int, notification_id: int, family_names: FamilyNames
) -> dict[str, Any] | None:
    """One of the user's own notifications, named; None when it is not theirs."""
    row = (
        await Notification.select(*SHOWN_COLUMNS)
        .where((Notification.id == notification_id) & (Notification.recipient == user_id))
        .first()
    )
    return (await named([row], family_names))[0] if row else None


async def named(rows: list[dict[str, Any]], family_names: FamilyNames) -> list[dict[str, Any]]:
    """Each row with ``family_name``: the family's name if the user may open it
    now. For a family they may no longer open, neither its name nor the detail
    (which may speak of the family) is shown: only the message, as emailed."""
    ids = {r["family_id"] for r in rows if r["family_id"] is not None}
    names = await family_names(ids) if ids else {}
    shown = []
    for row in rows:
        name = names.get(row["family_id"]) if row["family_id"] is not None else None
        hidden = row["family_id"] is not None and name is None
        shown.append({**row, "family_name": name, "detail": "" if hidden else row["detail"]})
    return shown


async def open_notification(user_id: int, notification_id: int) -> str | None:
    """Mark one of the user's own notifications read and return its link;
    None when it is not theirs (or does not exist)."""
    async with write_transaction(Notification._meta.db):
        row = (
            await Notification.select(Notification.link, Notification.read_at)
            .where((Notification.id == notification_id) & (Notification.recipient == user_id))
            .first()
        )
        if row is None:
            return None
        if row["read_at"] is None:
            await Notification.update({Notification.read_at: now_utc()}).where(
                Notification.id == notification_id
            )
        return safe_link(row["link"])


async def mark_all_read(user_id: int) -> None:
    async with write_transaction(Notification._meta.db):
        await Notification.update({Notification.read_at: now_utc()}).where(
            (Notification.recipient == user_id) & Notification.read_at.is_null()
        )


def safe_link(link: str) -> str:
    """Only a path inside the portal: never an open redirect."""
    if link.startswith("/") and not link.startswith("//") and "\\" not in link:
        return link
    return "/notifications"
