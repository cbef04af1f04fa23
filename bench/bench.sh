#!/usr/bin/env bash
# Benchmark scenarios of issue 13, loaded by dev.parley.bench.Bench (docs/performance.md,
# "Benchmark"): 1 or 2 Parley nodes on a database of this run's own (parley_bench_<scenario>_<pid>,
# dropped at the end), the data made beforehand by SQL and the server API, one scenario measured,
# its CPU split printed. Everything it starts, it stops, by PID; every scenario is bounded in count
# and time.
#
#   bench/bench.sh pairs [nodes=1] [users=1000] [rates=500] [seconds=10] [drain=5] [loops=2] [warmup=0]
#   bench/bench.sh pairs rates=1000,2000,4000,8000,12000,16000,20000,24000 seconds=5   step mode
#   bench/bench.sh room  [nodes=1] [members=100] [rates=1000,2000,3000] [seconds=5]
#   bench/bench.sh conns [nodes=1] [users=10000] [inflight=200] [rounds=1]   (100000: 127.0.0.x sources;
#                       rounds=2: the same logins once unmeasured first, on a node whose JIT has compiled them)
#   bench/bench.sh scale [conversations=500] [unread=200] [probes=20]
#   bench/bench.sh explain [rows=10] [messages=1000000]   EXPLAIN (ANALYZE, BUFFERS) of both appends on a big log
#
# Environment: PARLEY_CLUSTER_TLS [on] (cluster.sh's event-bus TLS), PARLEY_NODE_JAVA_OPTS (extra
# node JVM flags, e.g. to try a memory setting), BENCH_GENERATOR_OPTS [-Xmx2g] (the generator's).
# The per-connection and per-user send limits are raised for the run (each load connection sends
# far faster than a person); everything else is the shipped default.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/scripts/lib.sh"
SCENARIO=${1:?usage: bench/bench.sh pairs|room|conns|scale|explain [nodes=N] [key=value ...]}
shift
NODES=1
ARGS=()
for a in "$@"; do
  case "$a" in
    nodes=*) NODES=${a#nodes=} ;;
    *) ARGS+=("$a") ;;
  esac
done
ensure_build_tools
ensure_postgres
ensure_jar "$ROOT"
cd "$ROOT"
mvn -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test \
  > target/bench-build.log 2>&1 || { cat target/bench-build.log; exit 1; }

# 100,000 connections need as many descriptors in the node and in the generator.
ulimit -n 262144 2>/dev/null || ulimit -n "$(ulimit -Hn)"

# Ports of this run: a block of ten free ones, so parallel runs do not clash.
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for _ in $(seq 1 50); do
  BASE=$((20000 + (RANDOM % 2000) * 10))
  ok=1
  for p in $(seq "$BASE" $((BASE + 9))); do port_free "$p" || ok=0; done
  [ "$ok" = 1 ] && break
done

DB=parley_bench_${SCENARIO}_$$
PARLEY_SERVER_API_KEYS=bench-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
export PARLEY_RUN_DIR=$ROOT/run/bench-$SCENARIO-$$ PARLEY_DB_NAME=$DB PARLEY_LB_PORT=$BASE \
       PARLEY_NODE_PORT_BASE=$((BASE + 1)) PARLEY_CLUSTER_PORT_BASE=$((BASE + 4)) \
       PARLEY_METRICS_PORT_BASE=$((BASE + 7)) PARLEY_CLUSTER_NAME=parley-bench-$$ \
       PARLEY_RATE_PER_SECOND=1000000 PARLEY_RATE_BURST=1000000 \
       PARLEY_USER_SENDS_PER_SECOND=1000000 PARLEY_USER_SEND_BURST=1000000 PARLEY_SERVER_API_KEYS

finish() {
  "$ROOT/scripts/cluster.sh" down || true
  psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null || true
  rm -rf "$PARLEY_RUN_DIR"
}
trap finish EXIT
"$ROOT/scripts/cluster.sh" up "$NODES"
pids=$(awk '/^node/ {print $2}' "$PARLEY_RUN_DIR/pids" | paste -sd,)
addresses=$(awk '/^node/ {print "127.0.0.1:" $3}' "$PARLEY_RUN_DIR/pids" | paste -sd,)
log "scenario $SCENARIO on $NODES node(s) (pids $pids), database $DB, load average $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$SCENARIO" = explain ]; then # the node has migrated the database; the rest is SQL
  rows=10
  messages=1000000
  for a in "${ARGS[@]}"; do
    case "$a" in rows=*) rows=${a#rows=} ;; messages=*) messages=${a#messages=} ;; esac
  done
  append_one=$(java -cp target/test-classes:target/classes dev.parley.store.AppendStatementText)
  timeout $((900 + messages / 5000)) psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d "$DB" -v rows="$rows" \
    -v per=$((messages / 1000)) -v append_one="$append_one" -f "$ROOT/bench/explain-append.sql"
  exit 0
fi
# Bounded: a scenario that hangs is stopped after 15 minutes.
# shellcheck disable=SC2086
timeout 900 java ${BENCH_GENERATOR_OPTS:--Xmx2g} -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  dev.parley.bench.Bench scenario="$SCENARIO" nodes="$addresses" pids="$pids" db="$DB" key="$PARLEY_SERVER_API_KEYS" \
  "${ARGS[@]}"
