#!/usr/bin/env bash
# bench/failover.sh: failover time (io.corral.bench.FailoverTime). Two erlang-bridge nodes, one Corral given both;
# kill -9 the node serving a session and time until that session's next upgrade is served by the other node.
#   bench/failover.sh                 5 rounds
#   bench/failover.sh --rounds 10
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=../bin/env.sh
source "$ROOT/bin/env.sh"
corral_setup

corral_ensure_built
stamp="$ROOT/bench/target/classpath.txt"

mkdir -p "$ROOT/bench/erlang/ebin"
erlc -o "$ROOT/bench/erlang/ebin" "$ROOT/bench/erlang/corral_bench_node_h.erl"

exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Dcorral.home="$ROOT" \
  -cp "$ROOT/bench/target/classes:$(cat "$stamp")" \
  io.corral.bench.FailoverTime --root "$ROOT" "$@"
