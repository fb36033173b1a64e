#!/usr/bin/env bash
# Every test, in one pytest run: unit, integration (PostgreSQL) and browser, spread
# over the machine's cores by pytest-xdist, a test file to a worker (some files
# build on what their earlier tests left; each worker has its own databases).
# PostgreSQL: PORTAL_TEST_POSTGRES_URL if set ("embedded" forces the embedded
# server), else the server at 127.0.0.1:5432 if it answers, else an embedded
# server started for this run (tests/support/database.py).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-chromium.sh
exec uv run --frozen pytest -n "${PYTEST_WORKERS:-auto}" --dist loadfile "$@"
