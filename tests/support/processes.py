"""Real collaborators started as subprocesses: the development identity provider
and the portal itself (for browser tests)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "early-help-portal"
CLIENT_SECRET = "demo-client-secret-not-for-production"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Process:
    """A child process whose output is kept (and shown if it fails to start)."""

    def __init__(
        self, args: list[str], env: Mapping[str, str], ready_line: str | None = None
    ) -> None:
        self.output: list[str] = []
        self._ready = threading.Event()
        self._ready_line = ready_line
        self.proc = subprocess.Popen(
            args,
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.output.append(line)
            if self._ready_line and self._ready_line in line:
                self._ready.set()

    def wait_for_line(self, timeout: float = 60) -> None:
        # Polled, so a child that dies at start is reported at once with its exit code.
        deadline = time.monotonic() + timeout
        while not self._ready.wait(0.1):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                code = self.proc.poll()
                self.stop()
                state = f"exited with {code}" if code is not None else f"silent for {timeout:.0f} s"
                raise RuntimeError(
                    f"process did not start ({state}):\n" + "".join(self.output[-40:])
                )

    def wait_for_http(self, url: str, timeout: float = 90) -> None:
        # generous: a loaded 2-core CI machine can take a while to import and migrate
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                if httpx.get(url, timeout=1).status_code < 500:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{url} did not answer:\n" + "".join(self.output[-40:]))

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        if self.proc.stdout:
            self.proc.stdout.close()


def start_idp(redirect_bases: list[str]) -> tuple[Process, str]:
    """The development OpenID Provider on a free port, accepting these portal base URLs."""
    # One CI run saw both workers' providers hang after their first line (never seen
    # since, nor here in 30 parallel starts): a second try on a fresh port, then fail.
    for attempt in (1, 2):
        port = free_port()
        issuer = f"http://127.0.0.1:{port}"
        idp = Process(
            ["node", "devidp/server.mjs"],
            {
                "IDP_PORT": str(port),
                "IDP_CLIENT_SECRET": CLIENT_SECRET,
                "IDP_REDIRECT_URIS": ",".join(f"{b}/auth/callback" for b in redirect_bases),
                "IDP_POST_LOGOUT_REDIRECT_URIS": ",".join(
                    f"{b}/signed-out" for b in redirect_bases
                ),
            },
            ready_line="devidp listening on",
        )
        try:
            idp.wait_for_line(timeout=45)
        except RuntimeError as failure:
            if attempt == 2:
                raise
            print(f"development identity provider, try {attempt}: {failure}", file=sys.stderr)
            continue
        return idp, issuer
    raise AssertionError("unreachable")


def portal_env(database_url: str, issuer: str, base_url: str, **extra: str) -> dict[str, str]:
    return {
        "PORTAL_DATABASE_URL": database_url,
        "PORTAL_BASE_URL": base_url,
        "PORTAL_OIDC_ISSUER": issuer,
        "PORTAL_OIDC_CLIENT_ID": CLIENT_ID,
        "PORTAL_OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "PORTAL_SESSION_SECRET": "test-session-secret-" + "x" * 32,
        "PORTAL_ENVIRONMENT": "test",
        **extra,
    }


def migrate(database_url: str) -> None:
    """Run the real `portal migrate` command against a database."""
    env = portal_env(database_url, "http://127.0.0.1:1", "http://127.0.0.1:8000")
    result = subprocess.run(
        [sys.executable, "-m", "portal.cli", "migrate"],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"portal migrate failed:\n{result.stdout}\n{result.stderr}")
