#!/usr/bin/env bash
# bench/idle.sh: memory per idle WebSocket connection (io.corral.bench.IdleMemoryBenchmark): plain Netty, Corral with
# the Java echo handler, and Corral as a hidden Erlang node, in one run with the same server flags. Live heap, heap
# used and RSS per connection. Not part of `mvn verify`.
#   bench/idle.sh                                   10,000 connections per target
#   bench/idle.sh --connections 5000 --targets netty,corral-java
# The table goes to stdout, JSON to bench/results/idle.json.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=common.sh
source "$ROOT/bench/common.sh"

# The server and the client each hold one fd per connection (plus their own).
bench_fd_limit "${CONNECTIONS:-10000}"

exec "$JAVA_HOME/bin/java" -cp "$BENCH_CP" \
  io.corral.bench.IdleMemoryBenchmark --root "$ROOT" "${BENCH_PIN[@]}" "$@"
