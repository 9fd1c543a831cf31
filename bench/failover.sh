#!/usr/bin/env bash
# bench/failover.sh: failover time (io.corral.bench.FailoverTime). Two erlang-bridge nodes, one Corral given both;
# kill -9 the node serving a session and time until that session's next upgrade is served by the other node.
#   bench/failover.sh                 5 rounds
#   bench/failover.sh --rounds 10
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=common.sh
source "$ROOT/bench/common.sh"

bench_erlc corral_bench_node_h.erl

exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Dcorral.home="$ROOT" \
  -cp "$BENCH_CP" \
  io.corral.bench.FailoverTime --root "$ROOT" "$@"
