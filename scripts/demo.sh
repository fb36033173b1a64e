#!/usr/bin/env bash
# `make demo`: the portal on http://127.0.0.1:8000 with fictional demo data, an
# embedded PostgreSQL server (data in var/postgres; PORTAL_DATABASE_URL set to a
# real server skips it), the development identity provider on :9000, a mail
# catcher on 127.0.0.1:1025 (PORTAL_SMTP_HOST set to a real server skips it) and
# the notification worker. Ctrl-C stops them all. The identity provider and the
# mail catcher are for development only.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var

# A random session secret per machine, generated once, never committed.
[ -f var/demo.env ] || echo "PORTAL_SESSION_SECRET=$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')" > var/demo.env
set -a; source var/demo.env; set +a
export PORTAL_ENVIRONMENT=development
STOP_DB=""
if [ -z "${PORTAL_DATABASE_URL:-}" ]; then
  # The embedded server: started here, stopped on exit; its data stays in var/postgres.
  PORTAL_DATABASE_URL="$(uv run --frozen portal db start --data var/postgres)"
  export PORTAL_DATABASE_URL
  STOP_DB="uv run --frozen portal db stop --data var/postgres"
  echo "Database: embedded PostgreSQL, data in var/postgres (uv run portal db psql opens it)"
fi
stop_all() {
  kill ${IDP_PID:-} ${WORKER_PID:-} ${MAIL_PID:-} 2>/dev/null || true
  wait 2>/dev/null || true
  [ -z "$STOP_DB" ] || $STOP_DB >/dev/null
}
trap stop_all EXIT
trap 'exit 130' INT TERM
export PORTAL_BASE_URL="http://127.0.0.1:8000"
export PORTAL_OIDC_ISSUER="http://127.0.0.1:9000"
export PORTAL_OIDC_CLIENT_ID="early-help-portal"
export PORTAL_OIDC_CLIENT_SECRET="demo-client-secret-not-for-production"
export IDP_CLIENT_SECRET="$PORTAL_OIDC_CLIENT_SECRET"

uv run --frozen portal migrate >/dev/null
uv run --frozen portal demo-data --accounts devidp/accounts.json --issuer "$PORTAL_OIDC_ISSUER"
# The matching rules may have changed since the demo data was made.
uv run --frozen portal rebuild-search-keys >/dev/null

node devidp/server.mjs &
IDP_PID=$!

# The mail catcher: every demo email is sent to it and kept in var/demo-mail, where
# administrators read it on the Emails page. Started before the worker, so no
# email is tried before it listens.
if [ -z "${PORTAL_SMTP_HOST:-}" ]; then
  export PORTAL_SMTP_HOST=127.0.0.1 PORTAL_SMTP_PORT="${PORTAL_SMTP_PORT:-1025}"
  export PORTAL_DEMO_MAILBOX="$PWD/var/demo-mail"
  uv run --frozen portal mail-catcher --port "$PORTAL_SMTP_PORT" --mailbox "$PORTAL_DEMO_MAILBOX" &
  MAIL_PID=$!
  for _ in $(seq 100); do
    kill -0 "$MAIL_PID" 2>/dev/null || break
    (exec 3<>"/dev/tcp/127.0.0.1/$PORTAL_SMTP_PORT") 2>/dev/null && break
    sleep 0.1
  done
  if ! kill -0 "$MAIL_PID" 2>/dev/null; then
    echo "Email: no mail catcher; the worker sends to whatever listens on 127.0.0.1:$PORTAL_SMTP_PORT"
    unset PORTAL_DEMO_MAILBOX
  fi
fi

# The notification worker: due reminders and email, sent to PORTAL_SMTP_HOST:PORTAL_SMTP_PORT
# (the mail catcher above unless set); with no mail server there it says so and retries later.
uv run --frozen portal notify-worker &
WORKER_PID=$!

uv run --frozen python - <<'PY'
import json
accounts = json.load(open("devidp/accounts.json"))
print("\nDemo accounts (all fictional; every password is demo-password):")
for a in accounts:
    print(f"  {a['username']:<22} {a['name']:<22} {a['organisation'][:38]:<38} {', '.join(a['roles']) or '(no role)'}")
print("\nOpen http://127.0.0.1:8000 and sign in. Demo emails: sign in as portal.admin, then Emails.")
print("Ctrl-C stops the portal, the identity provider, the mail catcher and the notification worker.\n")
PY
uv run --frozen portal serve --host 127.0.0.1 --port 8000
