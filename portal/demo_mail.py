"""The demo's mail catcher (``portal mail-catcher``, started by `make demo`):
a local SMTP server (aiosmtpd) that accepts every email the notification
worker sends and keeps each as a file in a folder, so that demo emails are
really sent, and administrators can read them on the Emails page
(``PORTAL_DEMO_MAILBOX`` names the folder). Not for production: it delivers
nothing to anyone, and it listens on this computer only.

aiosmtpd is a development dependency (``uv sync`` installs it), so it is
imported only when the catcher starts.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import os
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import SMTP, Envelope, Session

LOCAL_HOSTS = ("127.0.0.1", "::1", "localhost")
LARGEST = 1_000_000  # bytes: a notification email is a few hundred
SHOWN = 50  # the newest emails on the administrators' page


class Mailbox:
    """An aiosmtpd handler: each accepted email becomes ``<ns>-<random>.eml``
    in the folder, written whole before it is given its name."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        await asyncio.to_thread(self.keep, bytes(envelope.original_content or b""))
        return "250 OK: kept by the demo mail catcher"

    def keep(self, content: bytes) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"{time.time_ns()}-{secrets.token_hex(4)}.eml"
        partial = self.folder / f".{name}.part"
        partial.write_bytes(content)
        os.replace(partial, self.folder / name)
        return self.folder / name


def start_catcher(folder: Path, host: str = "127.0.0.1", port: int = 1025) -> Controller:
    """Listen for email on host:port (this computer only) in a thread; raises
    OSError when the port is taken. Stop it with ``.stop()``."""
    from aiosmtpd.controller import Controller

    if host not in LOCAL_HOSTS:
        raise ValueError("The demo mail catcher listens on this computer only")
    folder.mkdir(parents=True, exist_ok=True)
    controller = Controller(
        Mailbox(folder),
        hostname=host,
        port=port,
        server_hostname="localhost",  # not a DNS look-up for this computer's name
        data_size_limit=LARGEST,
    )
    controller.start()
    return controller


@dataclass(frozen=True)
class CaughtEmail:
    """One email as the catcher received it, to be read on the Emails page."""

    received_at: datetime
    to: str
    subject: str
    paragraphs: tuple[tuple[str, ...], ...]  # the plain text, paragraph by paragraph, line by line


def _received_at(path: Path) -> datetime:
    stamp = path.name.split("-", 1)[0]
    seconds = int(stamp) / 1e9 if stamp.isdigit() else path.stat().st_mtime
    return datetime.fromtimestamp(seconds, UTC)


def _plain_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    if part is None:
        return ""
    content: Any = part.get_content()
    return content if isinstance(content, str) else ""


def read_email(path: Path) -> CaughtEmail | None:
    """An email file, or None when it is too big or not an email."""
    try:
        if path.stat().st_size > LARGEST:
            return None
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if not isinstance(message, EmailMessage):
            return None
        text = _plain_text(message)
        to, subject = str(message.get("To", "")), str(message.get("Subject", ""))
    except (OSError, ValueError, LookupError):
        return None
    blocks = text.replace("\r\n", "\n").strip().split("\n\n")
    paragraphs = tuple(tuple(block.split("\n")) for block in blocks if block.strip())
    return CaughtEmail(_received_at(path), to, subject, paragraphs)


def caught(folder: Path, limit: int = SHOWN) -> list[CaughtEmail]:
    """The newest emails the catcher kept, newest first."""
    try:
        names = sorted((p for p in folder.glob("*.eml") if p.is_file()), reverse=True)
    except OSError:
        return []
    found = (read_email(path) for path in names[:limit])
    return [e for e in found if e is not None]


async def caught_in(folder: str) -> list[CaughtEmail] | None:
    """For the Emails page: the demo's caught emails, or None outside the demo
    (no ``PORTAL_DEMO_MAILBOX``)."""
    if not folder:
        return None
    return await asyncio.to_thread(caught, Path(folder))
