#!/usr/bin/env bash
# Search benchmark: GET /search latency (p50/p95 per query and overall) over 1,000,000 stored
# messages in 1,000 conversations, through the real HTTP route of one node in the benchmark's JVM,
# for rare, common, two-word, prefix, Chinese and scoped queries by a user in 300 conversations and
# one in a single conversation. The data (dev.parley.bench.SearchData: mixed English and Chinese
# text, Zipf-like word frequencies) is streamed in with COPY into its own database, dropped after
# the run unless keep=true (then the next run reuses it and skips the generation, ~4 minutes here).
#
#   bench/search.sh [db=parley_search_bench] [messages=1000000] [conversations=1000] [requests=40] [keep=false]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/scripts/lib.sh"
ensure_build_tools
ensure_postgres
cd "$ROOT"
CP=$(bench_classpath)
java -cp "$CP" dev.parley.bench.SearchLoad "$@"
