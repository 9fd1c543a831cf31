#!/usr/bin/env bash
# bench/cluster-broadcast.sh: the cluster broadcast benchmark (io.corral.bench.ClusterBroadcastBenchmark). One
# Erlang process sends one message to every member of pg group `bench`: N Java connections spread over two Corral
# JVMs (one erlang-bridge node holds the group's relays); the same with the Cowboy module served through Corral's
# Erlang route (its proxies are the members); then N native Cowboy 2.17 websocket processes on one node.
# The clients time the last frame; CPU per process per round. Not part of `mvn verify`.
#   bench/cluster-broadcast.sh                                        10,000 connections, 3 rounds, all three targets
#   bench/cluster-broadcast.sh --connections 200 --rounds 1           a smoke test
#   bench/cluster-broadcast.sh --targets corral                       (options: see bench/README.md section 4)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=common.sh
source "$ROOT/bench/common.sh"

bench_erlc corral_bcast_driver.erl corral_bench_group_h.erl

bench_fd_limit "${CONNECTIONS:-10000}"
bench_no_node bcast_bridge bcast_jvm_a bcast_jvm_b bcast_ebridge bcast_ejvm_a bcast_ejvm_b bcast_cowboy

exec "$JAVA_HOME/bin/java" -cp "$BENCH_CP" \
  io.corral.bench.ClusterBroadcastBenchmark --root "$ROOT" "${BENCH_PIN[@]}" "$@"
