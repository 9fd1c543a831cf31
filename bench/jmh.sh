#!/usr/bin/env bash
# bench/jmh.sh: the JMH per-frame benchmark (io.corral.bench.FrameCostBenchmark), then corral/netty ratios.
#   bench/jmh.sh                     2 forks x (3 warm-up + 3 measured 1 s iterations), GC profiler on
#   bench/jmh.sh -f 3 -i 5 -wi 5     any JMH option overrides (java -jar jmh -h lists them)
# Results: bench/results/jmh.csv (JMH's own) and the ratio table on stdout.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=common.sh
source "$ROOT/bench/common.sh"

CP="$BENCH_CP"
mkdir -p "$ROOT/bench/results"
# The forks inherit the class path through JMH's -jvmArgs default (java.class.path of this JVM).
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$CP" org.openjdk.jmh.Main FrameCostBenchmark \
  -prof gc -rf csv -rff "$ROOT/bench/results/jmh.csv" "$@"
echo
"$JAVA_HOME/bin/java" -cp "$CP" io.corral.bench.JmhRatios "$ROOT/bench/results/jmh.csv"
