"""The `portal` command: serve, migrate, demo-data, check-config, notify-worker,
mail-catcher, end-sessions, audit, retention."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from portal.kernel.errors import ConfigError
from portal.settings import Settings, database_url_from_env


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="portal", description="Early Help Portal")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the web server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)

    commands.add_parser("migrate", help="apply database migrations")
    commands.add_parser("check-config", help="validate settings and plugins, then exit")

    demo = commands.add_parser("demo-data", help="load fictional demo data")
    demo.add_argument("--accounts", type=Path, required=True, help="the dev IdP's accounts.json")
    demo.add_argument("--issuer", required=True, help="the dev IdP's issuer URL")

    commands.add_parser(
        "rebuild-search-keys",
        help="recompute find-before-create keys (after changing the matching rules)",
    )

    worker = commands.add_parser(
        "notify-worker", help="send notification emails and queue due reminders"
    )
    worker.add_argument("--once", action="store_true", help="one pass, then exit")
    worker.add_argument("--interval", type=float, default=5.0, help="seconds between passes")

    catcher = commands.add_parser(
        "mail-catcher",
        help="the demo's SMTP server: keeps every email in a folder (not for production)",
    )
    catcher.add_argument("--host", default="127.0.0.1", choices=["127.0.0.1", "::1", "localhost"])
    catcher.add_argument("--port", type=_port, default=1025)
    catcher.add_argument(
        "--mailbox", type=Path, default=Path("var/demo-mail"), help="the folder emails go in"
    )

    end = commands.add_parser("end-sessions", help="sign a user out everywhere")
    end.add_argument("user_id", type=int)

    audit = commands.add_parser("audit", help="work with the audit trail")
    audit_actions = audit.add_subparsers(dest="audit_action", required=True)
    verify = audit_actions.add_parser("verify", help="check the audit trail against its seals")
    verify.add_argument(
        "--seal", type=_kept_seal, help="ID:HASH of a seal noted down earlier: check it is there"
    )
    seal = audit_actions.add_parser(
        "seal", help="seal audit events as they commit (also run by notify-worker)"
    )
    seal.add_argument("--once", action="store_true", help="seal what is there, then exit")
    seal.add_argument("--interval", type=float, default=0.5, help="seconds between passes")

    db = commands.add_parser(
        "db", help="the embedded PostgreSQL server of `make demo` (not for production)"
    )
    db.add_argument("action", choices=["start", "stop", "url", "psql"])
    db.add_argument("--data", type=Path, default=Path("var/postgres"), help="its data folder")
    db.add_argument("--database", default="portal", help="the database (created by start)")

    retention = commands.add_parser(
        "retention", help="list records due for disposal (--apply deletes them)"
    )
    retention.add_argument("--apply", action="store_true", help="delete what is due")
    retention.add_argument(
        "--as-of", type=date.fromisoformat, help="judge as on this past date (YYYY-MM-DD)"
    )

    args = parser.parse_args(argv)
    try:
        if args.command == "db":
            return _db(args.action, args.data, args.database)
        if args.command == "mail-catcher":
            return _mail_catcher(args.host, args.port, args.mailbox)
        if args.command == "migrate":
            return asyncio.run(_migrate(database_url_from_env()))
        if args.command == "rebuild-search-keys":
            return asyncio.run(_rebuild_search_keys(database_url_from_env()))
        if args.command == "end-sessions":
            return asyncio.run(_end_sessions(database_url_from_env(), args.user_id))
        if args.command == "audit" and args.audit_action == "verify":
            return asyncio.run(_audit_verify(database_url_from_env(), args.seal))
        if args.command == "audit" and args.audit_action == "seal":
            return asyncio.run(_audit_seal(database_url_from_env(), args.once, args.interval))
        if args.command == "retention":
            return asyncio.run(_retention(database_url_from_env(), args.apply, args.as_of))
        settings = Settings.from_env()
        if args.command == "serve":
            return _serve(settings, args.host, args.port, args.workers)
        if args.command == "check-config":
            return asyncio.run(_check_config(settings))
        if args.command == "demo-data":
            return asyncio.run(_demo_data(settings, args.accounts, args.issuer))
        if args.command == "notify-worker":
            return asyncio.run(_notify_worker(settings, args.once, max(args.interval, 0.5)))
    except ConfigError as error:
        print(f"portal: configuration error: {error}", file=sys.stderr)
        return 2
    return 1


def _serve(settings: Settings, host: str, port: int, workers: int) -> int:
    import uvicorn

    from portal.app import create_app

    create_app(settings)  # fail now, with a clear message, rather than in a worker
    uvicorn.run("portal.app:app_from_environment", **server_options(settings, host, port, workers))
    return 0


def server_options(settings: Settings, host: str, port: int, workers: int) -> dict[str, Any]:
    """uvicorn's settings for `portal serve` (uvloop and httptools when installed)."""
    return {
        "factory": True,
        "host": host,
        "port": port,
        "workers": workers,
        # Client addresses come from X-Forwarded-For only when a trusted proxy sent it.
        "proxy_headers": bool(settings.trusted_proxies),
        "forwarded_allow_ips": list(settings.trusted_proxies),
        "server_header": False,
        "access_log": True,
        "timeout_graceful_shutdown": 10,
    }


def _mail_catcher(host: str, port: int, mailbox: Path) -> int:
    """Run the demo's mail catcher until SIGINT or SIGTERM."""
    import signal
    import threading

    from portal import demo_mail

    try:
        controller = demo_mail.start_catcher(mailbox, host, port)
    except ModuleNotFoundError:
        print("portal: the mail catcher needs aiosmtpd: run `uv sync`", file=sys.stderr)
        return 1
    except OSError as error:
        print(
            f"portal: the mail catcher cannot listen on {host}:{port} ({error.strerror})",
            file=sys.stderr,
        )
        return 1
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    print(f"Demo mail catcher on {host}:{port}: emails kept in {mailbox}", flush=True)
    try:
        stop.wait()
    finally:
        controller.stop()
    return 0


async def _migrate(database_url: str) -> int:
    # Piccolo's migration tooling finds its engine through PICCOLO_CONF.
    os.environ["PICCOLO_CONF"] = "portal.piccolo_conf"
    os.environ["PORTAL_DATABASE_URL"] = database_url
    from piccolo.apps.migrations.commands.forwards import run_forwards

    result = await run_forwards(app_name="all")
    return 0 if result.success else 1


def _db(action: str, data: Path, database: str) -> int:
    """Start, stop, show or open the embedded server (``portal.embedded_db``)."""
    from portal import embedded_db

    if action == "stop":
        print("stopped" if embedded_db.stop(data) else f"no embedded server runs in {data}")
        return 0
    if action != "start" and not (data / "postmaster.pid").exists():
        print(f"no embedded server runs in {data}: `portal db start` starts one", file=sys.stderr)
        return 1
    url = embedded_db.with_database(embedded_db.start(data), database)
    if action == "start":
        asyncio.run(embedded_db.create_database(url))
    if action == "psql":
        os.execv(embedded_db.psql_path(), ["psql", url])  # noqa: S606 (its own psql, no shell)
    print(url)
    return 0


async def _bind_database(database_url: str) -> None:
    from portal.db import bind_tables, engine_from_url
    from portal.tables import CORE_TABLES

    bind_tables(engine_from_url(database_url), CORE_TABLES)


async def _check_config(settings: Settings) -> int:
    from portal.db import engine_from_url, ping
    from portal.plugins import build_plugin_manager, enabled_areas

    manager = build_plugin_manager(settings.areas)
    print(f"base URL:   {settings.base_url}")
    print(f"issuer:     {settings.oidc_issuer}")
    print(
        f"database:   PostgreSQL at {urlsplit(settings.database_url).hostname or 'a local socket'}"
    )
    print(f"areas:      {', '.join(a.name for a in enabled_areas(manager))}")
    reachable = await ping(engine_from_url(settings.database_url))
    print(f"database reachable: {'yes' if reachable else 'NO'}")
    return 0 if reachable else 1


async def _demo_data(settings: Settings, accounts_file: Path, issuer: str) -> int:
    """Create the demo practitioners' user records, so they can be found and
    assigned before they first sign in (sign-in refreshes them from the IdP),
    then the demo families, then each enabled area's own demo records."""
    from portal.auth.service import upsert_user
    from portal.db import bind_tables, engine_from_url
    from portal.demo import DemoArea, demo_users, load_demo_families
    from portal.demo_hookspecs import DemoAddresses
    from portal.plugins import (
        area_tables,
        build_demo_manager,
        build_plugin_manager,
        call_for_area,
        call_per_area,
        enabled_areas,
        with_area_roles,
    )
    from portal.tables import CORE_TABLES

    manager = build_plugin_manager(settings.areas)
    settings = with_area_roles(settings, manager)
    bind_tables(engine_from_url(settings.database_url), [*CORE_TABLES, *area_tables(manager)])
    accounts = json.loads(accounts_file.read_text())
    for account in accounts:
        claims = {"iss": issuer, **account}
        await upsert_user(claims, settings, signing_in=False)
    print(f"Loaded {len(accounts)} fictional demo accounts.")
    demo_manager = build_demo_manager(settings.areas)
    areas = [
        DemoArea(
            slug=a.slug,
            localities=tuple(loc.slug for loc in a.localities),
            addresses=call_for_area(demo_manager, a.slug, "portal_demo_addresses")
            or DemoAddresses(town=a.name),
        )
        for a in enabled_areas(manager)
    ]
    added = await load_demo_families(issuer, areas)
    print(f"Loaded {added} fictional demo families." if added else "Demo families already loaded.")
    users = await demo_users(issuer)
    for slug, loading in call_per_area(demo_manager, "portal_demo_data", users=users):
        made = await loading if loading is not None else 0
        print(f"Loaded {made} {slug} demo record(s).")
    return 0


async def _notify_worker(settings: Settings, once: bool, interval: float) -> int:
    import logging
    import signal

    from portal.audit.seals import run_sealer
    from portal.worker import MailSettings, run_forever, run_once

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    mail = MailSettings.from_settings(settings)
    async with _core_pool(settings.database_url):
        if once:
            report = await run_once(mail)
            print(
                f"Sent {report.sent}, retrying {report.retrying}, failed {report.failed}, "
                f"unknown {report.unknown}; queued {report.reminders} reminder(s)."
            )
            return 0
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        # The audit sealer shares the worker's process: one less thing to deploy.
        await asyncio.gather(run_forever(mail, interval, stop), run_sealer(stop))
        return 0


async def _rebuild_search_keys(database_url: str) -> int:
    from portal.families.search import rebuild_search_keys

    await _bind_database(database_url)
    print(f"Rebuilt the search keys of {await rebuild_search_keys()} people.")
    return 0


async def _end_sessions(database_url: str, user_id: int) -> int:
    from portal.audit import service as audit
    from portal.auth.service import end_user_sessions

    await _bind_database(database_url)
    ended = await end_user_sessions(user_id)
    await audit.record(
        "sessions_ended", "success", actor_label="portal CLI", record_type="user", record_id=user_id
    )
    print(f"Ended {ended} session(s).")
    return 0


def _port(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError("a port is a number from 1 to 65535")
    return int(text)


def _kept_seal(text: str) -> Any:
    from portal.audit.verify import KeptSeal

    try:
        return KeptSeal.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from error


@contextlib.asynccontextmanager
async def _core_pool(database_url: str) -> AsyncIterator[None]:
    """The core's tables bound to one pooled engine, for a command's lifetime."""
    from portal.db import bind_tables, close_pool, engine_from_url, open_pool
    from portal.tables import CORE_TABLES

    engine = engine_from_url(database_url)
    bind_tables(engine, CORE_TABLES)
    await open_pool(engine)  # one connection for every batch, not one each
    try:
        yield
    finally:
        await close_pool(engine)


async def _audit_verify(database_url: str, kept: Any) -> int:
    from portal.audit.verify import verify_trail

    async with _core_pool(database_url):
        report = await verify_trail(kept)
    if not report.intact:
        print(f"Audit trail broken: {len(report.problems)} problem(s) found.")
        for problem in report.problems:
            print(f"  {problem}")
        return 1
    print(
        f"Audit trail intact: {report.events} events checked, {report.seals} seals; "
        f"{report.unsealed} events not yet sealed."
    )
    if report.newest_seal:
        newest = report.newest_seal
        print(f"Newest seal (note it down elsewhere): {newest.id}:{newest.seal_hash}")
    return 0


async def _audit_seal(database_url: str, once: bool, interval: float) -> int:
    import logging
    import signal

    from portal.audit.seals import run_sealer, seal_now

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    async with _core_pool(database_url):
        if once:
            print(f"Sealed {await seal_now()} event(s).")
            return 0
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        await run_sealer(stop, max(interval, 0.05))
    return 0


async def _retention(database_url: str, apply: bool, as_of: date | None) -> int:
    """Ids only: the output may end up in a scheduler's log."""
    from portal.db import bind_tables, close_pool, engine_from_url, open_pool
    from portal.retention import service
    from portal.retention_schedule import rules_from_env

    rules = rules_from_env()
    today = service.uk_today()
    if as_of and as_of > today:
        raise ConfigError("--as-of must not be a future date")
    tables = service.all_tables()
    engine = engine_from_url(database_url)
    bind_tables(engine, tables)
    await open_pool(engine)
    try:
        found = await service.find_due(rules, as_of or today)
        for due in found:
            print(f"{due.rule.record_type} (kept {due.rule.period} from {due.rule.measured_from}):")
            print(f"  due for disposal: {len(due.ids)}{_ids(due.ids)}")
            if due.held:
                print(f"  held, episode still open: {len(due.held)}{_ids(due.held)}")
        if not apply:
            print("Dry run: nothing deleted. Run with --apply to delete what is due.")
            return 0
        done = await service.apply(found, as_of or today, tables)
    finally:
        await close_pool(engine)
    rows = sum(sum(d.rows.values()) for d in done)
    print(f"Disposed of {len(done)} record(s) and batch(es): {rows} row(s) deleted, each audited.")
    return 0


def _ids(ids: list[int]) -> str:
    return f" (ids {', '.join(map(str, ids))})" if ids else ""


if __name__ == "__main__":
    raise SystemExit(main())
