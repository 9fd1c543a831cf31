#!/usr/bin/env bash
# bench/idle.sh: memory per idle WebSocket connection (io.corral.bench.IdleMemoryBenchmark): plain Netty, Corral with
# the Java echo handler, Corral as a hidden Erlang node, and Corral serving an Erlang echo module, in one run with the
# same server flags. Live heap, heap used and RSS per connection (and the erl node's). Not part of `mvn verify`.
#   bench/idle.sh                                   10,000 connections per target
#   bench/idle.sh --connections 5000 --targets netty,corral-java
#   bench/idle.sh --connections 2000 --targets corral-java,corral-erlang   (the Erlang route's JVM cost by class)
# The table goes to stdout, JSON to bench/results/idle.json.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=common.sh
source "$ROOT/bench/common.sh"

# corral-erlang serves this module through Corral's local erl node.
bench_erlc corral_bench_echo.erl

# The server and the client each hold one fd per connection (plus their own).
bench_fd_limit "${CONNECTIONS:-10000}"

exec "$JAVA_HOME/bin/java" -cp "$BENCH_CP" \
  io.corral.bench.IdleMemoryBenchmark --root "$ROOT" "${BENCH_PIN[@]}" "$@"
