#!/usr/bin/env bash
# Every test, in one pytest run: unit, integration on SQLite and PostgreSQL, browser.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-chromium.sh

export PORTAL_TEST_POSTGRES_URL="${PORTAL_TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432/postgres}"
if ! uv run --frozen python scripts/pg_ready.py "$PORTAL_TEST_POSTGRES_URL"; then
  if [ "${CI:-}" = "true" ]; then
    echo "ERROR: PostgreSQL is not reachable at $PORTAL_TEST_POSTGRES_URL; CI requires it." >&2
    exit 1
  fi
  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" >&2
  echo "!! PostgreSQL is NOT reachable: the PostgreSQL half of the suite will FAIL.  !!" >&2
  echo "!! Start it, or set PORTAL_TEST_POSTGRES_URL to a server you can reach.       !!" >&2
  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" >&2
fi
exec uv run --frozen pytest "$@"
