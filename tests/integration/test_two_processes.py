"""Scale out: two real portal processes (`portal serve`) on two ports and two
notification workers (`portal notify-worker`) against one fresh PostgreSQL
database. Whatever one process does, the other sees: a sign-in begun on one
and finished on the other, the session, a CSRF token, a saved form, a
sign-out, the search rate limit; and the workers send each email once.

Both servers are configured with the same public URL (as behind a reverse
proxy), so every request carries that URL's Host header whichever port it
goes to."""

from __future__ import annotations

import asyncio
import email
import re
import sys
import time
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

import asyncpg
import httpx
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from portal.audit import service as audit
from portal.audit.verify import TrailReport, verify_trail
from portal.auth.service import upsert_user
from portal.auth.tables import PortalUser
from portal.db import bind_tables, engine_from_url
from portal.notify.service import Note, notify_many
from portal.settings import Settings
from portal.tables import CORE_TABLES
from tests.conftest import TEST_CLIENT_BASE, fresh_postgres_database, in_fresh_loop
from tests.integration.test_cli import run_cli
from tests.support.families import consent_form, new_family_form, search_form
from tests.support.portal import DEMO_ACCOUNTS
from tests.support.processes import Process, free_port, portal_env
from tests.support.signin import complete_at_idp

PUBLIC_HOST = urlsplit(TEST_CLIENT_BASE).netloc  # what the proxy would pass on
EMAILS = 40
T = TypeVar("T")


@pytest.fixture(scope="module")
def shared_database() -> Iterator[str]:
    """One brand-new PostgreSQL database for both processes, dropped afterwards."""
    with fresh_postgres_database("portal_scale") as url:
        yield url


@pytest.fixture(scope="module")
def portals(shared_database: str, idp_issuer: str) -> Iterator[tuple[str, str]]:
    """The base addresses of two portal processes sharing the database (started
    together: each takes a few seconds to import)."""
    ports = [free_port(), free_port()]
    env = portal_env(shared_database, idp_issuer, TEST_CLIENT_BASE)
    servers = [
        Process([sys.executable, "-m", "portal.cli", "serve", "--port", str(port)], env)
        for port in ports
    ]
    a, b = (f"http://127.0.0.1:{port}" for port in ports)
    try:
        for server, address in zip(servers, (a, b), strict=True):
            server.wait_for_http(f"{address}/healthz")
        yield a, b
    finally:
        for server in servers:
            server.stop()


def browser() -> httpx.Client:
    """One browser: one cookie jar (cookies are per host, not per port)."""
    return httpx.Client(headers={"Host": PUBLIC_HOST}, timeout=30, follow_redirects=False)


def sign_in(client: httpx.Client, start_at: str, finish_at: str, username: str) -> None:
    started = client.get(f"{start_at}/login")
    assert started.status_code == 303, started.text
    callback = complete_at_idp(started.headers["location"], username)
    finished = client.get(finish_at + callback.removeprefix(TEST_CLIENT_BASE))
    assert finished.status_code == 303 and finished.headers["location"] == "/", finished.text


def csrf_token(client: httpx.Client, at: str) -> str:
    page = client.get(f"{at}/")
    assert page.status_code == 200, page.text
    match = re.search(r'name="csrf-token" content="([^"]+)"', page.text)
    assert match
    return match.group(1)


def test_a_session_a_form_and_a_sign_out_cross_between_processes(
    portals: tuple[str, str],
) -> None:
    a, b = portals
    with browser() as client:
        sign_in(client, start_at=a, finish_at=b, username="derby.school")  # login state shared
        for node in (a, b):
            home = client.get(f"{node}/")
            assert home.status_code == 200 and "Hannah Ashworth" in home.text

        token = csrf_token(client, a)
        form = new_family_form(given="Zephyrine", family="Two-Process", confirm_new="yes")
        created = client.post(f"{a}/families", data={**form, "_csrf_token": token})
        assert created.status_code == 303, created.text
        family_path = created.headers["location"]
        assert re.fullmatch(r"/families/\d+", family_path)
        record = client.get(b + family_path)
        assert record.status_code == 200 and "Zephyrine Two-Process" in record.text

        consent_page = client.get(f"{b}{family_path}/consent/new").text
        child = re.search(r'<option value="(\d+)"', consent_page)
        assert child, "the consent form offers the child"
        consent = consent_form(int(child.group(1)), "record", form_key="two-processes")
        recorded = client.post(  # A's token, spent on B
            f"{b}{family_path}/consent", data={**consent, "_csrf_token": token}
        )
        assert recorded.status_code == 303, recorded.text
        assert "Sarah Smith-Jones" in client.get(a + family_path).text

        kept = dict(client.cookies)
        signed_out = client.post(f"{b}/auth/logout", data={"_csrf_token": token})
        assert signed_out.status_code == 303
        client.cookies.clear()
        client.cookies.update(kept)  # a copy of the cookie from before signing out ...
        home = client.get(f"{a}/")  # ... is refused by the other process too
        assert home.status_code == 303 and "Hannah Ashworth" not in home.text


def test_the_search_limit_counts_searches_made_through_either_process(
    portals: tuple[str, str],
) -> None:
    a, b = portals
    with browser() as client:
        sign_in(client, start_at=b, finish_at=b, username="derby.health")
        token = csrf_token(client, a)
        search = {**search_form("Nobody", "Atall"), "_csrf_token": token}
        answers = [client.post(f"{(a, b)[n % 2]}/families/find", data=search) for n in range(31)]
        assert [r.status_code for r in answers] == [200] * 30 + [429]


@dataclass
class SlowInbox:
    """Takes a moment over each message, so two workers overlap."""

    received: list[Envelope]

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        await asyncio.sleep(0.05)
        self.received.append(envelope)
        return "250 OK"


def run_bound(database_url: str, work: Coroutine[Any, Any, T]) -> T:
    """Run the portal's own code against this database: the tables are bound
    to it only for the call."""
    engine = engine_from_url(database_url)
    before = {table: table._meta._db for table in CORE_TABLES}  # None if never bound
    bind_tables(engine, CORE_TABLES)
    try:
        return in_fresh_loop(work)
    finally:
        for table, db in before.items():
            table._meta._db = db


def queue_emails(database_url: str, count: int) -> None:
    """Notifications (each with an email) for a user, as a service would make them."""

    async def make() -> None:
        user = await PortalUser.select(PortalUser.id).first()
        if user is None:  # this test ran first: no one has signed in yet
            claims = {**DEMO_ACCOUNTS["derby.school"], "iss": "https://idp.example"}
            settings = Settings.from_env(
                portal_env(database_url, "https://idp.example", TEST_CLIENT_BASE)
            )
            user = {"id": (await upsert_user(claims, settings, signing_in=False)).id}
        notes = [
            Note(user["id"], "test", f"Test message {n}", "/notifications", f"scale:{n}")
            for n in range(count)
        ]
        assert await notify_many(notes) == count

    run_bound(database_url, make())


def outbox_statuses(database_url: str) -> list[Any]:
    async def read() -> list[Any]:
        connection = await asyncpg.connect(database_url, timeout=5)
        try:
            return list(await connection.fetch("SELECT status, claimed_by FROM outbox_email"))
        finally:
            await connection.close()

    return in_fresh_loop(read())


def test_two_notification_workers_send_each_email_exactly_once(
    portals: tuple[str, str], shared_database: str, idp_issuer: str
) -> None:
    inbox = SlowInbox([])
    smtp_port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    env = portal_env(
        shared_database,
        idp_issuer,
        TEST_CLIENT_BASE,
        PORTAL_SMTP_HOST="127.0.0.1",
        PORTAL_SMTP_PORT=str(smtp_port),
    )
    command = [sys.executable, "-m", "portal.cli", "notify-worker", "--interval", "0.5"]
    workers = [Process(command, env, ready_line="notification worker started") for _ in range(2)]
    try:
        for worker in workers:
            worker.wait_for_line(60)
        queue_emails(shared_database, EMAILS)  # both are polling when the emails arrive
        rows = wait_until_sent(shared_database)
    finally:
        for worker in workers:
            worker.stop()
        controller.stop()
    message_ids = [
        email.message_from_bytes(bytes(e.original_content or b""))["Message-ID"]
        for e in inbox.received
    ]
    assert len(message_ids) == EMAILS, "each email sent once, none twice"
    assert len(set(message_ids)) == EMAILS
    assert len({r["claimed_by"] for r in rows}) == 2, "both workers sent some"


def wait_until_sent(database_url: str, timeout: float = 30) -> list[Any]:
    deadline = time.monotonic() + timeout
    while True:
        rows = outbox_statuses(database_url)
        if len(rows) == EMAILS and all(r["status"] == "sent" for r in rows):
            return rows
        if time.monotonic() > deadline:
            pytest.fail(f"not all sent: {sorted(r['status'] for r in rows)}")
        time.sleep(0.2)


def test_two_sealers_seal_both_processes_audit_events_into_one_chain(
    portals: tuple[str, str], shared_database: str, idp_issuer: str
) -> None:
    env = portal_env(shared_database, idp_issuer, TEST_CLIENT_BASE)
    command = [sys.executable, "-m", "portal.cli", "audit", "seal", "--interval", "0.1"]
    sealers = [Process(command, env, ready_line="audit sealer started") for _ in range(2)]

    async def many_writers() -> None:
        async def writer(n: int) -> None:
            for k in range(25):
                await audit.record("two_sealers", "success", writer=n, k=k)

        await asyncio.gather(*(writer(n) for n in range(8)))

    a, b = portals
    try:
        for sealer in sealers:
            sealer.wait_for_line(60)
        with browser() as client:  # audited requests through both processes meanwhile
            sign_in(client, start_at=a, finish_at=b, username="derbyshire.health")
            token = csrf_token(client, b)
            search = {**search_form("Nobody", "Atall"), "_csrf_token": token}
            for n in range(10):
                assert client.post(f"{(a, b)[n % 2]}/families/find", data=search).is_success
        run_bound(shared_database, many_writers())
        report = wait_until_sealed(shared_database)
    finally:
        for sealer in sealers:
            sealer.stop()
    assert report.intact and report.unsealed == 0 and report.seals >= 2
    result = run_cli("audit", "verify", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 events not yet sealed" in result.stdout


def wait_until_sealed(database_url: str, timeout: float = 30) -> TrailReport:
    deadline = time.monotonic() + timeout
    while True:
        report = run_bound(database_url, verify_trail())
        if report.unsealed == 0 or time.monotonic() > deadline:
            return report
        time.sleep(0.2)
