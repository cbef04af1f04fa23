#!/usr/bin/env bash
# Benchmark: server-API notices to a 1,000-member conversation on a 2-node Parley cluster (fresh
# database), every member connected, loaded by dev.parley.bench.NoticeLoad. Prints notices/s,
# notice frames delivered/s and the CPU split. Everything it starts, it stops.
#
#   bench/notices.sh [members=1000] [notices=2000] [window=16]
#   PARLEY_BENCH_NODES=1 bench/notices.sh ...     one node instead of two
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/scripts/lib.sh"
ensure_build_tools
ensure_postgres
ensure_jar "$ROOT"
cd "$ROOT"
CP=$(bench_classpath)

# This run's own database (two runs at once do not clash), dropped at the end.
DB=parley_bench_notices_$$
psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null
# A throw-away key for this run only.
PARLEY_SERVER_API_KEYS=bench-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
export PARLEY_RUN_DIR=$ROOT/run/bench-notices-$$ PARLEY_DB_NAME=$DB PARLEY_LB_PORT=18280 PARLEY_NODE_PORT_BASE=18281 \
       PARLEY_CLUSTER_PORT_BASE=16001 PARLEY_CLUSTER_NAME=parley-bench-notices-$$ PARLEY_SERVER_API_KEYS
NODES=${PARLEY_BENCH_NODES:-2}
finish() {
  "$ROOT/scripts/cluster.sh" down || true
  psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null || true
}
trap finish EXIT
"$ROOT/scripts/cluster.sh" up "$NODES"
pids=$(awk '/^node/ {print $2}' "$PARLEY_RUN_DIR/pids" | paste -sd,)
addresses=$(awk '/^node/ {print "127.0.0.1:" $3}' "$PARLEY_RUN_DIR/pids" | paste -sd,)
java -cp "$CP" dev.parley.bench.NoticeLoad \
  nodes="$addresses" pids="$pids" "$@"
