#!/usr/bin/env bash
# `make bench` drives the portal with Debian's wrk (HTTP load generator with Lua scripting).
set -euo pipefail
if command -v wrk >/dev/null; then exit 0; fi
echo "Installing Debian's wrk for the benchmarks..."
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk >/dev/null
wrk --version | head -1 || true
