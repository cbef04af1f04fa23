#!/usr/bin/env bash
# Starts or stops a local Parley cluster: N nodes (java -jar target/parley.jar) plus nginx as the
# WebSocket-aware load balancer in front. Stops exactly the processes it started, by PID.
#
#   scripts/cluster.sh up [N]     start N nodes (default 3) and nginx; prints the URL
#   scripts/cluster.sh down       stop them
#   scripts/cluster.sh status     list what runs
#
# Environment (defaults in brackets): PARLEY_LB_PORT [8080], PARLEY_NODE_PORT_BASE [8081],
# PARLEY_CLUSTER_PORT_BASE [5701], PARLEY_METRICS_PORT_BASE [9464; node i serves /metrics on
# loopback at base+i], PARLEY_RUN_DIR [run/cluster], PARLEY_DB_NAME [parley],
# PARLEY_CLUSTER_NAME [parley-local], PARLEY_TLS_DIR [$PARLEY_RUN_DIR/tls] (the development
# cluster CA and node keystores, made once with keytool and reused), PARLEY_CLUSTER_TLS [on]
# (off: a plain-TCP event bus, e.g. to measure what TLS costs), PARLEY_TRUSTED_PROXIES
# [127.0.0.1,::1: the nginx started here], PARLEY_JWT_SECRET [random, made once per run
# directory and kept in $PARLEY_RUN_DIR/jwt-secret (mode 600), so tokens survive a down/up], and
# PARLEY_NODE_JAVA_OPTS [] (extra JVM flags for every node, after the defaults), and any PARLEY_*
# node setting (passed through).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/scripts/lib.sh"

RUN_DIR=${PARLEY_RUN_DIR:-$ROOT/run/cluster}
LB_PORT=${PARLEY_LB_PORT:-8080}
NODE_BASE=${PARLEY_NODE_PORT_BASE:-8081}
CLUSTER_BASE=${PARLEY_CLUSTER_PORT_BASE:-5701}
METRICS_BASE=${PARLEY_METRICS_PORT_BASE:-9464}
DB_NAME=${PARLEY_DB_NAME:-parley}
CLUSTER_NAME=${PARLEY_CLUSTER_NAME:-parley-local}
TLS_DIR=${PARLEY_TLS_DIR:-$RUN_DIR/tls}
CLUSTER_TLS=${PARLEY_CLUSTER_TLS:-on}
# JVM flags of every node, then PARLEY_NODE_JAVA_OPTS. The heap free ratios make a full GC give
# back what a burst (10,000 logins) grew the heap by, so an idle node's RSS follows its live heap:
# 21.3 -> 13.4 KB RSS per idle connection at 10,000 (docs/performance.md, "Memory per idle connection").
NODE_JAVA_OPTS="-Xss512k -XX:MinHeapFreeRatio=5 -XX:MaxHeapFreeRatio=20 ${PARLEY_NODE_JAVA_OPTS:-}"

wait_http() {
  local url=$1 seconds=$2
  for _ in $(seq 1 $((seconds * 4))); do
    curl -fs -o /dev/null "$url" && return 0
    sleep 0.25
  done
  return 1
}

# The token key: PARLEY_JWT_SECRET if set, else this run directory's own random one, made once.
jwt_secret() {
  if [ -n "${PARLEY_JWT_SECRET:-}" ]; then printf '%s' "$PARLEY_JWT_SECRET"; return 0; fi
  local file="$RUN_DIR/jwt-secret"
  if [ ! -s "$file" ]; then
    (umask 077 && head -c 48 /dev/urandom | base64 -w 0 > "$file")
    log "made a random token key in $file"
  fi
  chmod 600 "$file"
  cat "$file"
}

up() {
  local n=${1:-3}
  if [ -f "$RUN_DIR/pids" ]; then log "already up (see $RUN_DIR/pids); run '$0 down' first"; exit 1; fi
  ensure_postgres
  ensure_database "$DB_NAME"
  ensure_nginx
  ensure_jar "$ROOT"
  mkdir -p "$RUN_DIR"
  if [ "$CLUSTER_TLS" = on ]; then ensure_cluster_certs "$TLS_DIR" "$n"; fi
  local secret
  secret=$(jwt_secret)
  : > "$RUN_DIR/pids"
  local members="" upstreams=""
  for i in $(seq 0 $((n - 1))); do
    members="$members${members:+,}127.0.0.1:$((CLUSTER_BASE + i))"
    upstreams="$upstreams    server 127.0.0.1:$((NODE_BASE + i)) max_fails=1 fail_timeout=2s;\n"
  done
  for i in $(seq 0 $((n - 1))); do
    if [ "$CLUSTER_TLS" = on ]; then
      export PARLEY_CLUSTER_TLS_KEYSTORE="$TLS_DIR/node$i.p12" PARLEY_CLUSTER_TLS_TRUSTSTORE="$TLS_DIR/truststore.p12" \
             PARLEY_CLUSTER_TLS_KEYSTORE_PASSWORD="$(cat "$TLS_DIR/password")" \
             PARLEY_CLUSTER_TLS_TRUSTSTORE_PASSWORD="$(cat "$TLS_DIR/password")"
    fi
    # shellcheck disable=SC2086 # NODE_JAVA_OPTS: the flags are words
    PARLEY_HTTP_PORT=$((NODE_BASE + i)) PARLEY_CLUSTER_PORT=$((CLUSTER_BASE + i)) PARLEY_METRICS_PORT=$((METRICS_BASE + i)) \
    PARLEY_CLUSTER_MEMBERS=$members PARLEY_CLUSTER_NAME=$CLUSTER_NAME PARLEY_DB_NAME=$DB_NAME \
    PARLEY_CLUSTER_XML="$ROOT/cluster.xml" PARLEY_CONFIG="$ROOT/conf/config.json" \
    PARLEY_JWT_SECRET=$secret PARLEY_TRUSTED_PROXIES=${PARLEY_TRUSTED_PROXIES:-127.0.0.1,::1} \
      nohup java $NODE_JAVA_OPTS -jar "$ROOT/target/parley.jar" > "$RUN_DIR/node$i.log" 2>&1 &
    echo "node$i $! $((NODE_BASE + i))" >> "$RUN_DIR/pids"
  done
  sed -e "s#@RUN_DIR@#$RUN_DIR#g" -e "s#@LB_PORT@#$LB_PORT#g" -e "s#@UPSTREAMS@#$upstreams#" \
    "$ROOT/conf/nginx.conf" > "$RUN_DIR/nginx.conf"
  for i in $(seq 0 $((n - 1))); do
    wait_http "http://127.0.0.1:$((NODE_BASE + i))/api/v1/health/ready" 90 \
      || { log "node$i did not become ready; see $RUN_DIR/node$i.log"; down; exit 1; }
  done
  nohup /usr/sbin/nginx -p "$RUN_DIR" -c "$RUN_DIR/nginx.conf" > "$RUN_DIR/nginx.out" 2>&1 &
  echo "nginx $! $LB_PORT" >> "$RUN_DIR/pids"
  wait_http "http://127.0.0.1:$LB_PORT/api/v1/health" 20 \
    || { log "nginx did not come up; see $RUN_DIR/nginx-error.log"; down; exit 1; }
  log "$n nodes behind nginx (event bus TLS: $CLUSTER_TLS). Open http://localhost:$LB_PORT"
  log "stop with: scripts/cluster.sh down"
}

down() {
  [ -f "$RUN_DIR/pids" ] || { log "nothing to stop"; return 0; }
  while read -r name pid port; do
    if kill -0 "$pid" 2>/dev/null; then kill "$pid" 2>/dev/null || true; fi
  done < "$RUN_DIR/pids"
  while read -r name pid port; do
    for _ in $(seq 1 80); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    if kill -0 "$pid" 2>/dev/null; then log "$name ($pid) did not stop; killing it"; kill -9 "$pid" 2>/dev/null || true; fi
  done < "$RUN_DIR/pids"
  rm -f "$RUN_DIR/pids"
  log "stopped"
}

status() {
  [ -f "$RUN_DIR/pids" ] || { echo "not running"; return 0; }
  while read -r name pid port; do
    if kill -0 "$pid" 2>/dev/null; then echo "$name pid $pid port $port: running"; else echo "$name pid $pid port $port: gone"; fi
  done < "$RUN_DIR/pids"
}

case "${1:-}" in
  up) shift; up "$@" ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 up [N] | down | status" >&2; exit 2 ;;
esac
