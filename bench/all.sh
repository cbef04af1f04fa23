#!/usr/bin/env bash
# Every scenario of issue 13, one after another, each on its own nodes and database
# (bench/bench.sh): what docs/performance.md reports. Run it on a quiet machine; it takes about
# 25 minutes. Each run's full output and a summary go to run/bench-all-<time>/ (BENCH_OUT).
#
#   bench/all.sh              everything
#   bench/all.sh pairs room   only the scenarios whose names start with these words
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${BENCH_OUT:-$ROOT/run/bench-all-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT"
ONLY=("$@")

run() {
  local name=$1
  shift
  if [ ${#ONLY[@]} -gt 0 ]; then
    local pick=0
    for o in "${ONLY[@]}"; do [[ $name == "$o"* ]] && pick=1; done
    [ "$pick" = 1 ] || return 0
  fi
  { echo; echo "== $name: bench/bench.sh $* (load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%H:%M:%S))"; } | tee -a "$OUT/summary.txt"
  "$ROOT/bench/bench.sh" "$@" > "$OUT/$name.txt" 2>&1
  grep -v '^\[parley\]\|^debconf\|NOTICE\|^psql' "$OUT/$name.txt" | grep -v '^\s*$' | head -40 | tee -a "$OUT/summary.txt"
}

run pairs-light-1 pairs rates=500 seconds=10 warmup=30
run pairs-light-2 pairs nodes=2 rates=500 seconds=10 warmup=30
run pairs-step-1 pairs rates=1000,2000,4000,8000,12000,16000,20000,24000,28000 seconds=5 warmup=10
run pairs-step-2 pairs nodes=2 rates=1000,2000,4000,8000,12000,16000,20000,24000 seconds=5 warmup=10
run room-100-1 room members=100 rates=500,1000,2000,3000,4000,5000 seconds=5
run room-100-2 room nodes=2 members=100 rates=500,1000,2000,3000,4000 seconds=5
run room-1000-1 room members=1000 rates=50,100,200,300,400 seconds=5
run conns-10000-1 conns users=10000
run conns-10000-2 conns nodes=2 users=10000
run scale-1 scale conversations=500 unread=200 probes=20
run explain-1 explain rows=10
BENCH_GENERATOR_OPTS=${BENCH_GENERATOR_OPTS:--Xmx6g} run conns-100000-1 conns users=100000
echo "summary: $OUT/summary.txt"
