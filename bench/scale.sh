#!/usr/bin/env bash
# bench/scale.sh: the scale benchmark (io.corral.bench.ScaleBenchmark). N idle WebSocket connections on a Corral
# server that is a hidden Erlang node: heap, RSS and threads with N connections vs 0, then one Erlang process sends a
# message to every connection's pid and the client times the last reply frame. Not part of `mvn verify`.
#   bench/scale.sh                                  10,000 connections, 3 broadcast rounds
#   bench/scale.sh --connections 2000 --rounds 5    (options: see bench/README.md)
#   bench/scale.sh --route erlang                   the same through an Erlang handler (JVM and erl node RSS apart)
# The table goes to stdout, JSON to bench/results/scale.json.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=../bin/env.sh
source "$ROOT/bin/env.sh"
corral_setup

corral_ensure_built
stamp="$ROOT/bench/target/classpath.txt"

mkdir -p "$ROOT/bench/erlang/ebin"
erlc -o "$ROOT/bench/erlang/ebin" "$ROOT/bench/erlang/corral_scale_driver.erl" "$ROOT/bench/erlang/corral_bench_idle_h.erl"

# Each process opens one fd per connection (plus the JVM's own): the server and the client run apart for that reason.
need=$(( ${CONNECTIONS:-10000} + 500 ))
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$need" ]; then
  ulimit -n "$need" 2>/dev/null || echo "bench: ulimit -n is $(ulimit -n); raise it for many connections" >&2
fi
if [ -n "$(pgrep -x epmd 2>/dev/null)" ] && epmd -names 2>/dev/null | grep -q '^name scale_driver '; then
  echo "bench: an Erlang node named scale_driver is already running (epmd -names)" >&2; exit 1
fi
if ! command -v taskset >/dev/null 2>&1; then
  echo "bench: taskset not found: running unpinned" >&2
  set -- --server-cpu '' --client-cpu '' "$@"
fi

exec "$JAVA_HOME/bin/java" -cp "$ROOT/bench/target/classes:$(cat "$stamp")" \
  io.corral.bench.ScaleBenchmark --root "$ROOT" "$@"
