#!/usr/bin/env bash
# Benchmark: upload and download throughput through a running Parley node (fresh database),
# loaded by dev.parley.bench.UploadLoad. For each file size it uploads `count` files, `window` at a
# time (each load user has at most PARLEY_UPLOADS_PER_USER in progress, so the window is spread over
# enough users), then downloads each once; prints MB/s and files/s for both, and the CPU the node
# and PostgreSQL used. Everything it starts, it stops.
#
#   bench/uploads.sh [sizes=102400,5242880] [count=200,20] [window=4]
#   PARLEY_BENCH_NODES=2 bench/uploads.sh ...     two nodes (uploads to one, downloads from the other)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/scripts/lib.sh"
ensure_build_tools
ensure_postgres
ensure_jar "$ROOT"
cd "$ROOT"
CP=$(bench_classpath)

DB=parley_bench_uploads
psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null
export PARLEY_RUN_DIR=$ROOT/run/bench-uploads PARLEY_DB_NAME=$DB PARLEY_LB_PORT=18380 PARLEY_NODE_PORT_BASE=18381 \
       PARLEY_CLUSTER_PORT_BASE=16101 PARLEY_METRICS_PORT_BASE=19564 PARLEY_CLUSTER_NAME=parley-bench-uploads-$$ \
       PARLEY_PASSWORD_ITERATIONS=1000 PARLEY_REGISTRATIONS_PER_HOUR=1000000
NODES=${PARLEY_BENCH_NODES:-1}
trap '"$ROOT/scripts/cluster.sh" down' EXIT
"$ROOT/scripts/cluster.sh" up "$NODES"
pids=$(awk '/^node/ {print $2}' "$PARLEY_RUN_DIR/pids" | paste -sd,)
addresses=$(awk '/^node/ {print "127.0.0.1:" $3}' "$PARLEY_RUN_DIR/pids" | paste -sd,)
java -cp "$CP" dev.parley.bench.UploadLoad \
  nodes="$addresses" pids="$pids" "$@"
