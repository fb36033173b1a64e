"""Which PostgreSQL server the tests use, decided once per run.

``PORTAL_TEST_POSTGRES_URL`` when set; otherwise the machine's server at
127.0.0.1:5432 when one answers; otherwise (or when the variable says
``embedded``) a private embedded server started for this run and stopped at
its end. Each test session then makes and drops its own databases on it.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from pathlib import Path

import asyncpg

from portal import embedded_db

VARIABLE = "PORTAL_TEST_POSTGRES_URL"
LOCAL_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"


def answers(url: str) -> bool:
    async def check() -> bool:
        try:
            connection = await asyncpg.connect(url, timeout=3)
        except (OSError, asyncpg.PostgresError, TimeoutError):
            return False
        await connection.close()
        return True

    return asyncio.run(check())


class DatabaseServer:
    """The server's admin URL, and how to stop it if this run started it."""

    def __init__(self) -> None:
        wanted = os.environ.get(VARIABLE, "").strip()
        self.data: Path | None = None
        if wanted and wanted != "embedded":
            self.url = wanted
        elif wanted != "embedded" and answers(LOCAL_SERVER):
            self.url = LOCAL_SERVER
        else:
            self.data = Path(tempfile.mkdtemp(prefix="portal-test-pg-"))
            self.url = embedded_db.start(self.data / "pgdata")

    @property
    def embedded(self) -> bool:
        return self.data is not None

    def stop(self) -> None:
        if self.data is not None:
            embedded_db.stop(self.data / "pgdata")
            shutil.rmtree(self.data, ignore_errors=True)
            self.data = None
