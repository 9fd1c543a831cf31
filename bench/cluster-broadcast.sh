#!/usr/bin/env bash
# bench/cluster-broadcast.sh: the cluster broadcast benchmark (io.corral.bench.ClusterBroadcastBenchmark). One
# Erlang process sends one message to every member of pg group `bench`: N Java connections spread over two Corral
# JVMs (one erlang-bridge node holds the group's relays), then N native Cowboy 2.17 websocket processes on one
# node. The clients time the last frame; CPU per process per round. Not part of `mvn verify`.
#   bench/cluster-broadcast.sh                                        10,000 connections, 3 rounds, both targets
#   bench/cluster-broadcast.sh --connections 200 --rounds 1           a smoke test
#   bench/cluster-broadcast.sh --targets corral                       (options: see bench/README.md section 4)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=../bin/env.sh
source "$ROOT/bin/env.sh"
corral_setup

corral_ensure_built
stamp="$ROOT/bench/target/classpath.txt"

mkdir -p "$ROOT/bench/erlang/ebin"
erlc -o "$ROOT/bench/erlang/ebin" "$ROOT/bench/erlang/corral_bcast_driver.erl" "$ROOT/bench/erlang/corral_bench_group_h.erl"

need=$(( ${CONNECTIONS:-10000} + 500 ))
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$need" ]; then
  ulimit -n "$need" 2>/dev/null || echo "bench: ulimit -n is $(ulimit -n); raise it for many connections" >&2
fi
for n in bcast_bridge bcast_cowboy bcast_jvm_a bcast_jvm_b; do
  if epmd -names 2>/dev/null | grep -q "^name $n "; then
    echo "bench: an Erlang node named $n is already running (epmd -names)" >&2; exit 1
  fi
done
if ! command -v taskset >/dev/null 2>&1; then
  echo "bench: taskset not found: running unpinned" >&2
  set -- --server-cpu '' --client-cpu '' "$@"
fi

exec "$JAVA_HOME/bin/java" -cp "$ROOT/bench/target/classes:$(cat "$stamp")" \
  io.corral.bench.ClusterBroadcastBenchmark --root "$ROOT" "$@"
