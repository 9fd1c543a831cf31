#!/usr/bin/env bash
# bench/run.sh: the socket echo benchmark. Builds when a source is newer than the last build, compiles the Erlang
# echo module, then runs io.corral.bench.EchoBenchmark (servers pinned to CPU 0, load tool to CPU 1). The cowboy
# target builds native Cowboy 2.17 from ../shared/cowboy (or CORRAL_COWBOY_SRC) into bench/target/cowboy.
#   bench/run.sh                                   everything: scenarios A and B, all targets, 3 rounds
#   bench/run.sh --targets netty,corral-java --rounds 5 --duration 20
# Options are EchoBenchmark's (see bench/README.md). The table goes to stdout, JSON to bench/results/latest.json.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=common.sh
source "$ROOT/bench/common.sh"

if command -v erlc >/dev/null 2>&1; then bench_erlc corral_bench_echo.erl corral_bench_cowboy.erl; fi

if ! command -v taskset >/dev/null 2>&1; then echo "bench: taskset (util-linux) is needed to pin processes" >&2; exit 1; fi

exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED \
  -cp "$BENCH_CP" \
  io.corral.bench.EchoBenchmark --root "$ROOT" "$@"
