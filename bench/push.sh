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
mvn -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
java -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" dev.parley.bench.PushLoad "$@"
