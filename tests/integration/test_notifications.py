"""Notifications on both databases, with a real SMTP server (aiosmtpd): the
header count and list, opening one's own only, emails that carry a link and
no child's details, sent once however many workers run, retried after a
refusal, never resent after a worker stopped mid-send, and due reminders
queued once."""

from __future__ import annotations

import asyncio
import email
import functools
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from portal.assessments.tables import Assessment
from portal.audit.tables import AuditEvent
from portal.caseload.reminders import queue_due_reminders
from portal.families.tables import Family, Person
from portal.kernel.clock import now_utc
from portal.kernel.errors import ConfigError
from portal.notify import outbox
from portal.notify.service import Note, notify, notify_many
from portal.notify.tables import Notification, OutboxEmail
from portal.settings import Settings
from portal.taf.tables import TafMeeting
from portal.workdays.service import add_working_days, england_bank_holidays
from portal.worker import MailSettings, RunReport, run_once
from tests.conftest import TEST_CLIENT_BASE
from tests.support.page_rules import check_page
from tests.support.portal import Portal, as_user, create_family, post, user_id
from tests.support.processes import ROOT, free_port, portal_env

SAMUEL = "samuel.okafor@derwent-vale-health.example"
CHILD_GIVEN, CHILD_FAMILY = "Zebedee", "Quillfeather-Marsh"


@dataclass
class Inbox:
    """An aiosmtpd handler keeping what it accepts; it can refuse or stall."""

    received: list[Envelope] = field(default_factory=list)
    refuse: int = 0  # answer the next N messages "451 try later"
    refuse_code: str = "451 4.3.0 Try again later"
    stall: float = 0.0  # seconds to wait before answering DATA

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.stall:  # the message is stored, but the reply comes too late
            self.received.append(envelope)
            await asyncio.sleep(self.stall)
            return "250 OK"
        if self.refuse:
            self.refuse -= 1
            return self.refuse_code
        self.received.append(envelope)
        return "250 OK"

    def messages(self) -> list[Message]:
        return [email.message_from_bytes(bytes(e.original_content or b"")) for e in self.received]


@dataclass
class MailServer:
    inbox: Inbox
    mail: MailSettings


@pytest.fixture
def smtp() -> Iterator[MailServer]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    mail = MailSettings(
        "127.0.0.1", port, "Early Help Portal <no-reply@portal.test>", TEST_CLIENT_BASE, 5
    )
    yield MailServer(inbox, mail)
    controller.stop()


def work(portal: Portal, mail: MailSettings, **options: Any) -> RunReport:
    return portal.run(functools.partial(run_once, mail, **options))


def unread_in_header(html: str) -> str:
    match = re.search(r'id="header-notifications">([^<]*)</a>', html)
    assert match, "the header links to notifications"
    return match.group(1)


def propose_samuel_as_lead(portal: Portal) -> int:
    """Derby school proposes Samuel (derby.health) as the lead of a new family."""
    as_user(portal, "derby.health")  # a practitioner must have signed in once to be proposed
    as_user(portal, "derby.school")
    family_id = create_family(portal, given=CHILD_GIVEN, family=CHILD_FAMILY)
    assert post(portal, f"/families/{family_id}/lead/take", {}).status_code == 303
    form = {"email": SAMUEL, "reason": "Sees the family weekly", "form_key": "transfer-form-1"}
    for _ in range(2):  # a double submission: one proposal, one notification
        assert post(portal, f"/families/{family_id}/lead/transfer", form).status_code == 303
    return family_id


def notifications(portal: Portal) -> list[dict[str, Any]]:
    return portal.run(Notification.select().order_by(Notification.id).run)


def emails(portal: Portal) -> list[dict[str, Any]]:
    return portal.run(OutboxEmail.select().order_by(OutboxEmail.id).run)


def test_a_lead_transfer_request_shows_in_the_header_and_list_and_opens_once_read(
    portal: Portal,
) -> None:
    family_id = propose_samuel_as_lead(portal)
    [note] = notifications(portal)
    assert note["kind"] == "lead_transfer" and note["link"] == f"/families/{family_id}#lead"
    assert note["recipient"] == user_id(portal, "samuel.okafor")

    # Not yours: the proposer cannot open (or learn about) Samuel's notification.
    assert unread_in_header(portal.client.get("/").text) == "Notifications"
    assert post(portal, f"/notifications/{note['id']}/open", {}).status_code == 404
    assert post(portal, "/notifications/999999/open", {}).status_code == 404
    assert "become a family" not in portal.client.get("/notifications").text

    as_user(portal, "derby.health")
    assert unread_in_header(portal.client.get("/").text) == "Notifications (1 unread)"
    page = portal.client.get("/notifications")
    assert page.status_code == 200
    check_page(page.text, "/notifications")
    assert "You have been asked to become a family&#39;s lead practitioner" in page.text
    assert "Unread" in page.text and "Mark all as read" in page.text
    # In the portal it names the family, to Samuel, who may open it (issue 20).
    assert f"Family: {CHILD_GIVEN} {CHILD_FAMILY}" in page.text

    opened = post(portal, f"/notifications/{note['id']}/open", {})
    assert opened.status_code == 303
    assert opened.headers["location"] == f"/families/{family_id}#lead"
    assert (
        portal.client.get(opened.headers["location"]).status_code == 200
    )  # the proposed lead may look
    assert unread_in_header(portal.client.get("/").text) == "Notifications"
    assert "Unread" not in portal.client.get("/notifications").text
    # Opening it again still works; it stays read.
    assert post(portal, f"/notifications/{note['id']}/open", {}).status_code == 303


def test_mark_all_as_read_and_the_list_is_newest_first(portal: Portal) -> None:
    portal.sign_in("derby.school")
    me = user_id(portal, "hannah.ashworth")
    for n in range(3):
        portal.run(notify, me, "action_assigned", f"Message number {n}", "/families", f"t:{n}")
    assert not portal.run(notify, me, "action_assigned", "Again", "/families", "t:1")  # same event
    portal.run(notify, me, "action_assigned", "Two\r\nBcc: lines", "/families", "t:lines")
    assert notifications(portal)[-1]["message"] == "Two Bcc: lines"  # one line: it is a Subject
    portal.run(
        Notification.update({Notification.read_at: now_utc()})
        .where(Notification.dedupe_key == "t:lines")
        .run
    )
    assert unread_in_header(portal.client.get("/").text) == "Notifications (3 unread)"
    page = portal.client.get("/notifications").text
    assert (
        page.index("Message number 2")
        < page.index("Message number 1")
        < page.index("Message number 0")
    )
    assert post(portal, "/notifications/read", {}).status_code == 303
    assert unread_in_header(portal.client.get("/").text) == "Notifications"
    assert all(n["read_at"] is not None for n in notifications(portal))
    assert "You have no notifications" not in portal.client.get("/notifications").text
    # Without a CSRF token nothing changes.
    refused = portal.client.post("/notifications/read", data={}, follow_redirects=False)
    assert refused.status_code == 403


def test_the_worker_emails_a_link_and_no_childs_details_once(
    portal: Portal, smtp: MailServer
) -> None:
    family_id = propose_samuel_as_lead(portal)
    [row] = emails(portal)
    assert row["to_address"] == SAMUEL and row["status"] == "pending"

    first = work(portal, smtp.mail)
    assert first.sent == 1
    again = work(portal, smtp.mail)
    assert again.sent == 0
    assert len(smtp.inbox.received) == 1
    envelope = smtp.inbox.received[0]
    assert envelope.rcpt_tos == [SAMUEL] and envelope.mail_from == "no-reply@portal.test"
    raw = bytes(envelope.original_content or b"").decode()
    [message] = smtp.inbox.messages()
    assert message["Message-ID"] == row["message_id"]
    assert message["To"] == SAMUEL
    body = message.get_payload(decode=True).decode()  # type: ignore[union-attr]
    # It links to the notification, which names the family; the email does not.
    [note] = notifications(portal)
    assert f"{TEST_CLIENT_BASE}/notifications/{note['id']}\r\n" in body
    assert f"/families/{family_id}" not in body
    assert "asked to become a family's lead practitioner" in body
    for detail in (CHILD_GIVEN, CHILD_FAMILY, "Larch Road", "DE22", "2016"):
        assert detail not in raw, detail
    [sent] = emails(portal)
    assert sent["status"] == "sent" and sent["attempts"] == 1 and sent["sent_at"] is not None


def make_notes(portal: Portal, count: int) -> None:
    portal.sign_in("derby.school")
    me = user_id(portal, "hannah.ashworth")
    notes = [
        Note(me, "action_assigned", f"Action {n}", "/families", f"bulk:{n}") for n in range(count)
    ]
    assert portal.run(notify_many, notes) == count
    assert portal.run(notify_many, notes) == 0  # the same events again: nothing new


def test_two_workers_at_once_send_each_email_once(portal: Portal, smtp: MailServer) -> None:
    make_notes(portal, 12)

    async def two_workers() -> list[RunReport]:
        return list(
            await asyncio.gather(
                run_once(smtp.mail, "worker-a", reminders=False),
                run_once(smtp.mail, "worker-b", reminders=False),
            )
        )

    reports = portal.run(two_workers)
    assert sum(r.sent for r in reports) == 12
    assert all(r.sent for r in reports), "both workers took a share"
    assert work(portal, smtp.mail).sent == 0
    ids = [m["Message-ID"] for m in smtp.inbox.messages()]
    assert len(ids) == len(set(ids)) == 12
    rows = emails(portal)
    assert {r["status"] for r in rows} == {"sent"} and {r["attempts"] for r in rows} == {1}
    assert {r["claimed_by"] for r in rows} <= {"worker-a", "worker-b"}


def test_a_refusal_is_retried_later_with_backoff_then_sent(
    portal: Portal, smtp: MailServer
) -> None:
    make_notes(portal, 1)
    smtp.inbox.refuse = 1
    now = now_utc()
    report = work(portal, smtp.mail, now=now)
    assert report.retrying == 1 and report.sent == 0
    [row] = emails(portal)
    assert row["status"] == "pending" and row["attempts"] == 1
    assert row["last_error"] == "SMTPDataError 451"
    assert row["next_attempt_at"] >= now + timedelta(seconds=59)
    assert work(portal, smtp.mail, now=now + timedelta(seconds=30)).sent == 0  # not yet due

    # The server is down at the next try: refused connection, retried again later.
    down = MailSettings("127.0.0.1", free_port(), smtp.mail.sender, smtp.mail.base_url, 2)
    assert work(portal, down, now=now + timedelta(minutes=2)).retrying == 1
    [row] = emails(portal)
    assert row["attempts"] == 2 and row["last_error"].startswith("ConnectionRefusedError")
    assert row["next_attempt_at"] >= now + timedelta(minutes=2) + timedelta(seconds=119)

    assert work(portal, smtp.mail, now=now + timedelta(minutes=5)).sent == 1
    [row] = emails(portal)
    assert row["status"] == "sent" and row["attempts"] == 3 and row["last_error"] == ""
    assert len(smtp.inbox.received) == 1


def test_a_permanent_refusal_or_too_many_tries_gives_up(portal: Portal, smtp: MailServer) -> None:
    make_notes(portal, 2)
    smtp.inbox.refuse, smtp.inbox.refuse_code = 1, "550 5.1.1 No such mailbox"
    report = work(portal, smtp.mail)
    assert report.failed == 1 and report.sent == 1
    first, second = emails(portal)
    assert first["status"] == "failed" and first["last_error"] == "SMTPDataError 550"
    assert second["status"] == "sent"
    portal.run(
        OutboxEmail.update(
            {
                OutboxEmail.status: "pending",
                OutboxEmail.attempts: 7,
                OutboxEmail.next_attempt_at: now_utc(),
            }
        )
        .where(OutboxEmail.id == first["id"])
        .run
    )
    smtp.inbox.refuse, smtp.inbox.refuse_code = 1, "451 4.3.0 Try again later"
    assert work(portal, smtp.mail).failed == 1  # the eighth try
    assert emails(portal)[0]["status"] == "failed"
    assert len(smtp.inbox.received) == 1


def test_a_send_left_unfinished_becomes_unknown_and_is_never_resent(
    portal: Portal, smtp: MailServer
) -> None:
    make_notes(portal, 1)
    now = now_utc()
    claimed = portal.run(outbox.claim_next, "worker-that-crashed", now)  # ... and then it died
    assert claimed is not None
    assert work(portal, smtp.mail, now=now + timedelta(minutes=5)).expired == 0  # still leased
    assert emails(portal)[0]["status"] == "sending"
    report = work(portal, smtp.mail, now=now + timedelta(minutes=11))
    assert report.expired == 1 and report.sent == 0
    assert emails(portal)[0]["status"] == "unknown"
    assert work(portal, smtp.mail, now=now + timedelta(days=2)).sent == 0
    assert smtp.inbox.received == []

    # Administrators see it and may decide to send it again; others may not.
    assert portal.client.get("/admin/emails").status_code == 403
    as_user(portal, "portal.admin")
    page = portal.client.get("/admin/emails")
    assert page.status_code == 200 and "Unknown" in page.text and "Hannah Ashworth" in page.text
    check_page(page.text, "/admin/emails")
    email_id = emails(portal)[0]["id"]
    assert post(portal, f"/admin/emails/{email_id}/send-again", {}).status_code == 303
    assert post(portal, f"/admin/emails/{email_id}/send-again", {}).status_code == 404
    assert work(portal, smtp.mail).sent == 1
    audit = portal.run(
        AuditEvent.select(AuditEvent.action).where(AuditEvent.record_type == "email").run
    )
    assert [a["action"] for a in audit] == ["email_queued_again"]


def test_a_connection_lost_mid_send_is_unknown_not_retried(
    portal: Portal, smtp: MailServer
) -> None:
    make_notes(portal, 1)
    smtp.inbox.stall = 2.5  # the server takes the message but answers after the client gave up
    impatient = MailSettings(smtp.mail.host, smtp.mail.port, smtp.mail.sender, TEST_CLIENT_BASE, 1)
    report = work(portal, impatient)
    assert report.unknown == 1 and report.retrying == 0
    assert len(smtp.inbox.received) == 1  # it did arrive
    assert emails(portal)[0]["status"] == "unknown"
    smtp.inbox.stall = 0
    assert work(portal, smtp.mail, now=now_utc() + timedelta(days=1)).sent == 0
    assert len(smtp.inbox.received) == 1


def add_family(
    portal: Portal, name: str, lead: int | None, status: str = "open"
) -> tuple[int, int]:
    now = now_utc()

    async def create() -> tuple[int, int]:
        family = await Family.insert(
            Family(
                area="derby",
                locality="north",
                created_at=now,
                updated_at=now,
                lead_practitioner=lead,
                status=status,
            )
        ).returning(Family.id)
        person = await Person.insert(
            Person(family=family[0]["id"], given_names=name, family_name="Test", role="child")
        ).returning(Person.id)
        return int(family[0]["id"]), int(person[0]["id"])

    return portal.run(create)


def add_assessment(
    portal: Portal, family: tuple[int, int], by: int, due_on: date, status: str = "in_progress"
) -> int:
    now = now_utc()
    rows = portal.run(
        Assessment.insert(
            Assessment(
                family=family[0],
                child=family[1],
                started_by=by,
                started_on=due_on - timedelta(days=14),
                due_on=due_on,
                status=status,
                created_at=now,
                updated_at=now,
            )
        )
        .returning(Assessment.id)
        .run
    )
    return int(rows[0]["id"])


def add_meeting(portal: Portal, family: int, by: int, held_on: date, review: date | None) -> int:
    rows = portal.run(
        TafMeeting.insert(
            TafMeeting(
                family=family,
                held_on=held_on,
                next_review_on=review,
                recorded_by=by,
                recorded_at=now_utc(),
            )
        )
        .returning(TafMeeting.id)
        .run
    )
    return int(rows[0]["id"])


def test_due_reminders_are_queued_once_for_the_right_people(
    portal: Portal, smtp: MailServer
) -> None:
    as_user(portal, "derby.health")
    as_user(portal, "derby.school")
    hannah, samuel = user_id(portal, "hannah.ashworth"), user_id(portal, "samuel.okafor")
    today = date(2026, 12, 23)  # a Wednesday: Christmas Day and Boxing Day (Monday 28th) next
    closed = set(england_bank_holidays(range(2026, 2028)))
    two, three = add_working_days(today, 2, closed), add_working_days(today, 3, closed)
    assert (two, three) == (date(2026, 12, 29), date(2026, 12, 30))

    open_family = add_family(portal, "Alpha", lead=samuel)
    due_soon = add_assessment(portal, open_family, hannah, two)
    add_assessment(portal, open_family, hannah, three)  # not yet
    add_assessment(
        portal, open_family, hannah, today - timedelta(days=1)
    )  # overdue: flagged elsewhere
    add_assessment(portal, open_family, hannah, today, status="completed")
    closed_family = add_family(portal, "Beta", lead=samuel, status="closed")
    add_assessment(portal, closed_family, hannah, two)

    # Reviews: the date agreed at the latest meeting counts.
    review_meeting = add_meeting(portal, open_family[0], hannah, date(2026, 11, 18), three)
    superseded = add_family(portal, "Gamma", lead=samuel)
    add_meeting(portal, superseded[0], hannah, date(2026, 11, 1), two)
    add_meeting(portal, superseded[0], hannah, date(2026, 12, 1), date(2027, 1, 12))
    add_meeting(portal, add_family(portal, "Delta", lead=None)[0], hannah, today, two)  # no lead
    add_meeting(portal, closed_family[0], hannah, today, two)  # closed
    add_meeting(
        portal, add_family(portal, "Epsilon", lead=samuel)[0], hannah, today, date(2026, 12, 31)
    )

    assert portal.run(queue_due_reminders, today) == 2
    assert portal.run(queue_due_reminders, today) == 0
    made = {(n["kind"], n["recipient"], n["link"], n["dedupe_key"]) for n in notifications(portal)}
    assert made == {
        (
            "assessment_due",
            hannah,
            f"/families/{open_family[0]}/assessments/{due_soon}",
            f"assessment_due:{due_soon}:{two.isoformat()}",
        ),
        (
            "review_due",
            samuel,
            f"/families/{open_family[0]}/taf",
            f"review_due:{review_meeting}:{three.isoformat()}",
        ),
    }
    messages = sorted(n["message"] for n in notifications(portal))
    assert messages == [
        "A family review you lead is due on 30 December 2026",
        "An Early Help Assessment you started is due on 29 December 2026",
    ]
    for n in notifications(portal):
        for name in ("Alpha", "Beta", "Gamma"):
            assert name not in n["message"]
    # The worker queues them too (once), and emails them.
    noon = now_utc().replace(year=2026, month=12, day=23, hour=12)
    assert work(portal, smtp.mail, now=noon).reminders == 0
    assert len(smtp.inbox.received) == 2
    # On Christmas Eve the window reaches the assessment due on the 30th and
    # Epsilon's review on the 31st; the earlier two are not repeated.
    assert work(portal, smtp.mail, now=noon + timedelta(days=1)).reminders == 2
    assert portal.run(queue_due_reminders, today + timedelta(days=1)) == 0
    assert len(notifications(portal)) == 4 and len(smtp.inbox.received) == 4


def worker_env(portal: Portal, port: int) -> dict[str, str]:
    env = portal_env(portal.settings.database_url, portal.settings.oidc_issuer, TEST_CLIENT_BASE)
    return {
        **os.environ,
        **env,
        "PORTAL_SMTP_HOST": "127.0.0.1",
        "PORTAL_SMTP_PORT": str(port),
        "PORTAL_SMTP_FROM": "Early Help Portal <no-reply@portal.test>",
    }


def test_the_worker_command_sends_and_survives_a_missing_mail_server(
    portal: Portal, smtp: MailServer
) -> None:
    make_notes(portal, 1)
    command = [sys.executable, "-m", "portal.cli", "notify-worker"]
    down = subprocess.Popen(
        [*command, "--interval", "0.5"],
        cwd=ROOT,
        env=worker_env(portal, free_port()),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    time.sleep(4)
    assert down.poll() is None, "the worker keeps running without a mail server"
    down.send_signal(signal.SIGTERM)
    output, _ = down.communicate(timeout=20)
    assert down.returncode == 0, output
    assert "will retry" in output and "worker stopped" in output
    assert "hannah" not in output.lower() and "Action 0" not in output
    [row] = emails(portal)
    assert row["status"] == "pending" and row["attempts"] == 1  # not hammered: backoff

    portal.run(
        OutboxEmail.update({OutboxEmail.next_attempt_at: now_utc()}).where(OutboxEmail.id > 0).run
    )
    once = subprocess.run(
        [*command, "--once"],
        cwd=ROOT,
        env=worker_env(portal, smtp.mail.port),
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert once.returncode == 0, once.stderr
    assert "Sent 1," in once.stdout
    assert len(smtp.inbox.received) == 1


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("PORTAL_SMTP_PORT", "0", "PORTAL_SMTP_PORT must be between 1 and 65535"),
        ("PORTAL_SMTP_PORT", "smtp", "PORTAL_SMTP_PORT must be a whole number"),
        ("PORTAL_SMTP_HOST", "smtp example.org", "PORTAL_SMTP_HOST must be a host name"),
        ("PORTAL_SMTP_FROM", "portal", "PORTAL_SMTP_FROM must be an email address"),
        ("PORTAL_SMTP_FROM", "a@b.org\r\nBcc: x@y.org", "PORTAL_SMTP_FROM must be an email"),
    ],
)
def test_mail_settings_are_validated(name: str, value: str, message: str) -> None:
    env = portal_env(
        "postgresql://postgres@127.0.0.1:5432/x", "http://127.0.0.1:9000", TEST_CLIENT_BASE
    )
    with pytest.raises(ConfigError, match=re.escape(message)):
        Settings.from_env({**env, name: value})
    settings = Settings.from_env(env)
    assert (settings.smtp_host, settings.smtp_port) == ("localhost", 1025)
    assert "@" in settings.smtp_from
