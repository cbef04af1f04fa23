#!/usr/bin/env bash
# Push benchmark: notifications per second one node sustains to a local webhook receiver and to
# the fake push service (Web Push encryption included), and an online pair's delivery latency with
# and without a push storm. One node in the benchmark's JVM, on a fresh database it drops after.
#
#   bench/push.sh [users=200] [messages=10] [probes=200]   (users: away members of one group)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/scripts/lib.sh"
ensure_build_tools
ensure_postgres
cd "$ROOT"
CP=$(bench_classpath)
java -cp "$CP" dev.parley.bench.PushLoad "$@"
