#!/usr/bin/env bash
# Runs every test: unit tests, then integration tests against real PostgreSQL, clustered nodes,
# nginx and headless Chromium (each installed and started here if missing).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/scripts/lib.sh"
ensure_build_tools
ensure_postgres
ensure_nginx
ensure_chromium
cd "$ROOT"
exec mvn -B verify "$@"
