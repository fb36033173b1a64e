"""The email worker (``portal notify-worker``): every few seconds it queues the
scheduled reminders, marks abandoned claims 'unknown', then claims due emails
one at a time and sends each over SMTP (stdlib smtplib, in a thread).

Logs name emails by id only: never an address, a subject or a body, and not
the SMTP server's reply text (which often echoes the address).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import smtplib
import socket
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import formatdate, parseaddr
from zoneinfo import ZoneInfo

from portal.caseload.reminders import queue_due_reminders
from portal.kernel.clock import now_utc
from portal.notify import outbox
from portal.settings import Settings

log = logging.getLogger("portal.notify")

UK = ZoneInfo("Europe/London")
SMTP_TIMEOUT_SECONDS = 30
BATCH = 100  # emails per run, so reminders and lease checks keep running under a backlog
REMINDER_INTERVAL_SECONDS = 300
REMINDERS_FROM_HOUR = 7  # nobody wants a reminder at midnight

FOOTER = (
    "This email does not contain details about any child or family: sign in to the "
    "portal to see them. Please do not reply: this mailbox is not read."
)


@dataclass(frozen=True)
class MailSettings:
    host: str
    port: int
    sender: str
    base_url: str
    timeout: float = SMTP_TIMEOUT_SECONDS

    @property
    def sender_address(self) -> str:
        """The envelope sender: the address in 'Name <address>'."""
        return parseaddr(self.sender)[1]

    @classmethod
    def from_settings(cls, settings: Settings) -> MailSettings:
        return cls(settings.smtp_host, settings.smtp_port, settings.smtp_from, settings.base_url)


@dataclass
class RunReport:
    reminders: int = 0
    expired: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    unknown: int = 0


class MaybeSent(Exception):
    """The connection failed after the message was handed to the server."""


def worker_name() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"


def build_message(mail: MailSettings, email: outbox.Claimed) -> EmailMessage:
    message = EmailMessage(policy=SMTP_POLICY)
    message["From"] = mail.sender
    message["To"] = email.to_address
    message["Subject"] = email.subject
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = email.message_id
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(
        f"{email.body}\n\nOpen it in the portal:\n{mail.base_url}{email.link}\n\n{FOOTER}\n"
    )
    return message


def deliver(mail: MailSettings, email: outbox.Claimed) -> None:
    """One SMTP conversation. Raises SMTPException/OSError when the server
    refused or could not be reached (nothing was delivered), MaybeSent when the
    line failed after the message itself was sent."""
    message = build_message(mail, email)
    smtp = smtplib.SMTP(mail.host, mail.port, timeout=mail.timeout)
    try:
        smtp.ehlo_or_helo_if_needed()
        code, reply = smtp.mail(mail.sender_address)
        if code != 250:
            raise smtplib.SMTPSenderRefused(code, reply, mail.sender_address)
        code, reply = smtp.rcpt(email.to_address)
        if code not in (250, 251):
            raise smtplib.SMTPRecipientsRefused({email.to_address: (code, reply)})
        try:
            code, reply = smtp.data(message.as_bytes())
        except smtplib.SMTPDataError:
            raise  # the server answered no: nothing delivered
        except (smtplib.SMTPServerDisconnected, OSError) as error:
            raise MaybeSent(type(error).__name__) from error
        if code != 250:
            raise smtplib.SMTPDataError(code, reply)
    finally:
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()


def describe(error: BaseException) -> tuple[str, bool]:
    """A log-safe summary (class and SMTP code, never the reply text) and
    whether retrying cannot help (a 5xx refusal)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = sorted({code for code, _ in error.recipients.values()})
        return f"SMTPRecipientsRefused {codes}", all(c >= 500 for c in codes)
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{type(error).__name__} {error.smtp_code}", 500 <= error.smtp_code < 600
    if isinstance(error, OSError) and error.errno:
        return f"{type(error).__name__} errno {error.errno}", False
    return type(error).__name__, False


async def send_due(mail: MailSettings, worker: str, now: datetime, report: RunReport) -> None:
    for _ in range(BATCH):
        email = await outbox.claim_next(worker, now)
        if email is None:
            return
        try:
            await asyncio.to_thread(deliver, mail, email)
        except MaybeSent as error:
            await outbox.mark_unknown(email.id, worker, f"The connection failed mid-send ({error})")
            report.unknown += 1
            log.warning("email %s: connection failed mid-send, marked unknown", email.id)
        except Exception as error:
            summary, permanent = describe(error)
            status = await outbox.mark_not_sent(
                email.id, worker, email.attempts, summary, now, permanent=permanent
            )
            if status == "failed":
                report.failed += 1
                log.warning("email %s not sent (%s); giving up", email.id, summary)
            else:
                report.retrying += 1
                log.info(
                    "email %s not sent (%s), attempt %s of %s; will retry",
                    email.id,
                    summary,
                    email.attempts,
                    outbox.MAX_ATTEMPTS,
                )
        else:
            await outbox.mark_sent(email.id, worker, now_utc())
            report.sent += 1
            log.info("email %s sent", email.id)


async def run_once(
    mail: MailSettings,
    worker: str | None = None,
    *,
    now: datetime | None = None,
    reminders: bool = True,
) -> RunReport:
    """One pass: reminders, expired claims, then every due email (up to a batch)."""
    worker = worker or worker_name()
    now = now or now_utc()
    report = RunReport()
    if reminders:
        report.reminders = await queue_due_reminders(now.astimezone(UK).date())
    report.expired = await outbox.expire_leases(now)
    if report.expired:
        log.warning("%s email(s) left mid-send by a stopped worker marked unknown", report.expired)
    await send_due(mail, worker, now, report)
    return report


async def run_forever(mail: MailSettings, interval: float, stop: asyncio.Event) -> None:
    """Run passes until ``stop`` is set, surviving database and SMTP outages."""
    worker = worker_name()
    last_reminders = 0.0
    loop = asyncio.get_running_loop()
    log.info("notification worker started (SMTP %s:%s)", mail.host, mail.port)
    while not stop.is_set():
        due = loop.time() - last_reminders >= REMINDER_INTERVAL_SECONDS
        working_hours = now_utc().astimezone(UK).hour >= REMINDERS_FROM_HOUR
        try:
            report = await run_once(mail, worker, reminders=due and working_hours)
            if due and working_hours:
                last_reminders = loop.time()
            if report.reminders:
                log.info("queued %s reminder(s)", report.reminders)
        except Exception as error:  # the database may be down: try again next time
            log.warning("notification worker pass failed: %s", type(error).__name__)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)
    log.info("notification worker stopped")
