"""Testshire installed the way a real area plugin is: a distribution whose
entry points name it in the ``portal`` and ``portal_demo`` groups, which
``importlib.metadata`` finds on ``PYTHONPATH``. Only the ``portal`` commands
run with that path see it, so the tests' own process keeps Derby and
Derbyshire as its installed areas."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support.processes import ROOT, portal_env

DISTRIBUTION = "early_help_testshire-0.1.0.dist-info"
METADATA = "Metadata-Version: 2.1\nName: early-help-testshire\nVersion: 0.1.0\n"
ENTRY_POINTS = """\
[portal]
testshire = tests.support.testshire

[portal_demo]
testshire = tests.support.testshire_demo
"""


def install(folder: Path) -> dict[str, str]:
    """Put Testshire's distribution metadata in ``folder``: the environment
    variables under which a command finds it installed."""
    dist = folder / DISTRIBUTION
    dist.mkdir(parents=True, exist_ok=True)
    (dist / "METADATA").write_text(METADATA)
    (dist / "entry_points.txt").write_text(ENTRY_POINTS)
    paths = [str(folder), os.environ.get("PYTHONPATH", "")]
    return {"PYTHONPATH": os.pathsep.join(p for p in paths if p)}


def portal_command(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run the real `portal` command (the current directory, the repository, on its path)."""
    return subprocess.run(
        [sys.executable, "-m", "portal.cli", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def migrate_with_testshire(database_url: str, folder: Path) -> subprocess.CompletedProcess[str]:
    """`portal migrate` with Testshire installed: the core's migrations, every
    installed area's, and Testshire's own after the core's."""
    env = portal_env(database_url, "http://127.0.0.1:1", "http://127.0.0.1:8000")
    return portal_command("migrate", env={**env, **install(folder)})
