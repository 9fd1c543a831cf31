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
# shellcheck source=common.sh
source "$ROOT/bench/common.sh"

bench_erlc corral_scale_driver.erl corral_bench_idle_h.erl

# Each process opens one fd per connection (plus the JVM's own): the server and the client run apart for that reason.
bench_fd_limit "${CONNECTIONS:-10000}"
bench_no_node scale_driver

exec "$JAVA_HOME/bin/java" -cp "$BENCH_CP" \
  io.corral.bench.ScaleBenchmark --root "$ROOT" "${BENCH_PIN[@]}" "$@"
