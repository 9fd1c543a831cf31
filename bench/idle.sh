#!/usr/bin/env bash
# bench/idle.sh: memory per idle WebSocket connection (io.corral.bench.IdleMemoryBenchmark): plain Netty, Corral with
# the Java echo handler, and Corral as a hidden Erlang node, in one run with the same server flags. Live heap, heap
# used and RSS per connection. Not part of `mvn verify`.
#   bench/idle.sh                                   10,000 connections per target
#   bench/idle.sh --connections 5000 --targets netty,corral-java
# The table goes to stdout, JSON to bench/results/idle.json.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=../bin/env.sh
source "$ROOT/bin/env.sh"
corral_setup

corral_ensure_built
stamp="$ROOT/bench/target/classpath.txt"

# The server and the client each hold one fd per connection (plus their own).
need=$(( ${CONNECTIONS:-10000} + 500 ))
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$need" ]; then
  ulimit -n "$need" 2>/dev/null || echo "bench: ulimit -n is $(ulimit -n); raise it for many connections" >&2
fi
if ! command -v taskset >/dev/null 2>&1; then
  echo "bench: taskset not found: running unpinned" >&2
  set -- --server-cpu '' --client-cpu '' "$@"
fi

exec "$JAVA_HOME/bin/java" -cp "$ROOT/bench/target/classes:$(cat "$stamp")" \
  io.corral.bench.IdleMemoryBenchmark --root "$ROOT" "$@"
