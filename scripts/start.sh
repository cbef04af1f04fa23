#!/usr/bin/env bash
# One command from a fresh machine to a running Parley: PostgreSQL (installed and started if
# needed), the database, the build, and a 2-node cluster behind nginx on http://localhost:8080.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/scripts/lib.sh"
ensure_build_tools
exec "$ROOT/scripts/cluster.sh" up "${PARLEY_NODES:-2}"
