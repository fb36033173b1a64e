"""The demo's mail catcher (issue 20, item 16): `make demo` starts
`portal mail-catcher`, the worker's emails are delivered to it (sent, never
retried), and administrators read them on the Emails page."""

from __future__ import annotations

import functools
import re
import smtplib
import subprocess
import sys
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from portal import demo_mail
from portal.kernel.errors import ConfigError
from portal.notify.service import Note, notify_many
from portal.notify.tables import OutboxEmail
from portal.worker import MailSettings, run_once
from tests.conftest import TEST_CLIENT_BASE
from tests.support.page_rules import check_page
from tests.support.portal import Portal, as_user, user_id
from tests.support.processes import ROOT, Process, free_port, portal_env

SENDER = "Early Help Portal <no-reply@portal.test>"


@pytest.fixture
def catcher(tmp_path: Path) -> Iterator[tuple[Path, MailSettings]]:
    """The catcher the demo runs, on a free port, keeping mail in a fresh folder."""
    folder = tmp_path / "demo-mail"
    port = free_port()
    controller: Controller = demo_mail.start_catcher(folder, "127.0.0.1", port)
    yield folder, MailSettings("127.0.0.1", port, SENDER, TEST_CLIENT_BASE, 5)
    controller.stop()


def queue_emails(portal: Portal, count: int) -> None:
    portal.sign_in("derby.school")
    me = user_id(portal, "hannah.ashworth")
    notes = [
        Note(me, "action_assigned", f"Action {n}", "/families", f"demo:{n}") for n in range(count)
    ]
    assert portal.run(notify_many, notes) == count


def test_the_workers_emails_are_delivered_to_the_catcher_and_shown_to_administrators(
    portal_factory: Callable[..., Portal], catcher: tuple[Path, MailSettings]
) -> None:
    folder, mail = catcher
    portal = portal_factory(PORTAL_DEMO_MAILBOX=str(folder))
    queue_emails(portal, 3)
    report = portal.run(functools.partial(run_once, mail, reminders=False))
    assert (report.sent, report.retrying, report.failed, report.unknown) == (3, 0, 0, 0)
    statuses = portal.run(OutboxEmail.select(OutboxEmail.status).run)
    assert [s["status"] for s in statuses] == ["sent"] * 3
    kept = demo_mail.caught(folder)
    assert len(kept) == 3 and len(list(folder.glob("*.eml"))) == 3
    assert {e.subject for e in kept} == {f"Early Help Portal: Action {n}" for n in range(3)}
    assert {e.to for e in kept} == {"hannah.ashworth@oakfield-lane-primary.example"}
    links = [p for p in kept[0].paragraphs if p[0] == "Open it in the portal:"]
    assert len(links) == 1 and links[0][1].startswith(f"{TEST_CLIENT_BASE}/"), kept[0]
    # nothing left to retry: the next pass sends nothing and the catcher holds 3
    assert portal.run(functools.partial(run_once, mail, reminders=False)).sent == 0
    assert len(demo_mail.caught(folder)) == 3

    # the administrators' Emails page shows them, escaped; others may not see it
    assert portal.client.get("/admin/emails").status_code == 403
    odd = EmailMessage()
    odd["From"], odd["To"] = SENDER, "<b>someone</b>@example.org"
    odd["Subject"] = "<script>alert(1)</script>"
    odd.set_content("First line\n<i>second</i> line\n\nNext paragraph")
    with smtplib.SMTP(mail.host, mail.port, timeout=5) as smtp:
        smtp.send_message(odd, to_addrs=["someone@example.org"])
    as_user(portal, "portal.admin")
    page = portal.client.get("/admin/emails")
    assert page.status_code == 200
    check_page(page.text, "/admin/emails")
    text = page.text
    assert 'id="demo-emails">Emails sent in the demo</h2>' in text
    for n in range(3):
        assert f'<h3 class="govuk-summary-card__title">Early Help Portal: Action {n}</h3>' in text
    assert "hannah.ashworth@oakfield-lane-primary.example" in text
    assert f"Open it in the portal:<br>{links[0][1]}</p>" in text
    assert (
        "<script>alert(1)</script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    )
    assert "<i>second</i>" not in text
    assert (
        'First line<br>&lt;i&gt;second&lt;/i&gt; line</p><p class="govuk-body">Next paragraph'
        in text
    )
    # the newest first
    assert text.index("&lt;script&gt;") < text.index("Action 0")


def test_without_a_demo_mailbox_the_emails_page_has_no_demo_section(portal: Portal) -> None:
    as_user(portal, "portal.admin")
    page = portal.client.get("/admin/emails")
    assert page.status_code == 200 and "Emails sent in the demo" not in page.text


def test_an_empty_or_missing_mailbox_says_so(
    portal_factory: Callable[..., Portal], tmp_path: Path
) -> None:
    (tmp_path / ".1-a.eml.part").write_bytes(b"Subject: half written\r\n")  # not kept yet
    (tmp_path / "big.eml").write_bytes(b"x" * (demo_mail.LARGEST + 1))  # too big: left out
    for folder in (tmp_path, tmp_path / "never-made"):
        portal = portal_factory(PORTAL_DEMO_MAILBOX=str(folder))
        as_user(portal, "portal.admin")
        page = portal.client.get("/admin/emails")
        assert page.status_code == 200
        assert "Emails sent in the demo" in page.text and "No emails yet." in page.text


def test_the_demo_mailbox_is_refused_in_production(portal: Portal, tmp_path: Path) -> None:
    from portal.settings import Settings

    env = portal_env(portal.settings.database_url, portal.settings.oidc_issuer, TEST_CLIENT_BASE)
    with pytest.raises(ConfigError, match="PORTAL_DEMO_MAILBOX is for the demo only"):
        Settings.from_env({**env, "PORTAL_ENVIRONMENT": "production", "PORTAL_DEMO_MAILBOX": "x"})
    development = {**env, "PORTAL_ENVIRONMENT": "development", "PORTAL_DEMO_MAILBOX": "x"}
    assert Settings.from_env(development).demo_mailbox == "x"
    with pytest.raises(ValueError, match="this computer only"):
        demo_mail.start_catcher(tmp_path, "0.0.0.0", free_port())  # noqa: S104


def test_portal_mail_catcher_as_make_demo_runs_it(portal: Portal, tmp_path: Path) -> None:
    """The command scripts/demo.sh starts: it listens, keeps what the worker
    sends, stops cleanly on SIGTERM, and says so when the port is taken."""
    port, folder = free_port(), tmp_path / "mail"
    command = [sys.executable, "-m", "portal.cli", "mail-catcher", "--port", str(port)]
    process = Process([*command, "--mailbox", str(folder)], {}, ready_line="Demo mail catcher on")
    try:
        process.wait_for_line()
        taken = subprocess.run(
            [*command, "--mailbox", str(tmp_path / "other")],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert taken.returncode == 1
        assert re.search(rf"cannot listen on 127\.0\.0\.1:{port}", taken.stderr)
        bad = subprocess.run(
            [*command[:-1], "70000"], cwd=ROOT, capture_output=True, text=True, check=False
        )
        assert bad.returncode == 2 and "a port is a number from 1 to 65535" in bad.stderr
        queue_emails(portal, 1)
        mail = MailSettings("127.0.0.1", port, SENDER, TEST_CLIENT_BASE, 5)
        assert portal.run(functools.partial(run_once, mail, reminders=False)).sent == 1
        assert [e.subject for e in demo_mail.caught(folder)] == ["Early Help Portal: Action 0"]
    finally:
        process.proc.terminate()
        assert process.proc.wait(10) == 0
        process.stop()
    script = (ROOT / "scripts" / "demo.sh").read_text()
    assert "portal mail-catcher" in script and "PORTAL_DEMO_MAILBOX" in script
