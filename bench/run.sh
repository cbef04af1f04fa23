#!/usr/bin/env bash
# Benchmark: a 2-node Parley cluster on a fresh database, loaded by dev.parley.bench.ChatLoad.
# Prints throughput (messages acked after commit and delivered across nodes) and the memory
# an idle authenticated connection costs. Everything it starts, it stops.
#
#   bench/run.sh [pairs=200] [messages=250] [window=16] [idle=5000]
#   PARLEY_BENCH_NODES=1 bench/run.sh ...     one node instead of two
#   PARLEY_CLUSTER_TLS=off bench/run.sh ...   a plain-TCP event bus (cluster.sh's default is mutual TLS)
#   PARLEY_BENCH_DB=name PARLEY_BENCH_PORT_BASE=n bench/run.sh ...
#                                             another database (default parley_bench) and ports from n
#                                             (default 18180), so that two checkouts can run at once
#
# The per-connection and per-user rate limits are raised for the run (PARLEY_RATE_PER_SECOND,
# PARLEY_USER_SENDS_PER_SECOND) because each load connection sends far faster than a person, and
# the per-address sign-up limit (PARLEY_REGISTRATIONS_PER_HOUR) because every load user registers
# from 127.0.0.1; everything else is the shipped default.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/scripts/lib.sh"
ensure_build_tools
ensure_postgres
ensure_jar "$ROOT"
cd "$ROOT"
CP=$(bench_classpath)

# This run's own database (two runs at once do not clash), dropped at the end; its ports from
# PARLEY_BENCH_PORT_BASE (default 18180).
DB=${PARLEY_BENCH_DB:-parley_bench_$$}
PORTS=${PARLEY_BENCH_PORT_BASE:-18180}
psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null
export PARLEY_RUN_DIR=$ROOT/run/bench-$$ PARLEY_DB_NAME=$DB PARLEY_LB_PORT=$PORTS PARLEY_NODE_PORT_BASE=$((PORTS + 1)) \
       PARLEY_CLUSTER_PORT_BASE=$((PORTS - 2279)) PARLEY_METRICS_PORT_BASE=$((PORTS + 11)) PARLEY_CLUSTER_NAME=parley-bench-$$ \
       PARLEY_RATE_PER_SECOND=1000000 PARLEY_RATE_BURST=1000000 PARLEY_PASSWORD_ITERATIONS=1000 \
       PARLEY_USER_SENDS_PER_SECOND=1000000 PARLEY_USER_SEND_BURST=1000000 \
       PARLEY_REGISTRATIONS_PER_HOUR=1000000
NODES=${PARLEY_BENCH_NODES:-2}
finish() {
  "$ROOT/scripts/cluster.sh" down || true
  psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null || true
}
trap finish EXIT
"$ROOT/scripts/cluster.sh" up "$NODES"
pids=$(awk '/^node/ {print $2}' "$PARLEY_RUN_DIR/pids" | paste -sd,)
addresses=$(awk '/^node/ {print "127.0.0.1:" $3}' "$PARLEY_RUN_DIR/pids" | paste -sd,)
java -cp "$CP" dev.parley.bench.ChatLoad \
  nodes="$addresses" pids="$pids" "$@"
