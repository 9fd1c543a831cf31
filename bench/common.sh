# bench/common.sh: what every bench/*.sh script does before it starts its Java driver. Sourced, not run:
#   ROOT=...; source "$ROOT/bench/common.sh"
# Sets up the toolchain (bin/env.sh), builds when a source is newer than the last build, and gives the scripts
# BENCH_CP (the bench classes and their class path) and the helpers below.
# shellcheck source=../bin/env.sh
source "$ROOT/bin/env.sh"
corral_setup
corral_ensure_built
BENCH_CP="$ROOT/bench/target/classes:$(cat "$ROOT/bench/target/classpath.txt")"

# bench_erlc FILE...: compiles the benchmark's Erlang modules (bench/erlang/*.erl) into bench/erlang/ebin.
bench_erlc() {
  mkdir -p "$ROOT/bench/erlang/ebin"
  local f args=()
  for f in "$@"; do args+=("$ROOT/bench/erlang/$f"); done
  erlc -o "$ROOT/bench/erlang/ebin" "${args[@]}"
}

# bench_fd_limit N: raises the open-file limit to N connections plus headroom, or says why it could not.
bench_fd_limit() {
  local need=$(( $1 + 500 ))
  if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$need" ]; then
    ulimit -n "$need" 2>/dev/null || echo "bench: ulimit -n is $(ulimit -n); raise it for many connections" >&2
  fi
}

# bench_no_node NAME...: refuses to start when an Erlang node of one of these names is already registered.
bench_no_node() {
  local n
  for n in "$@"; do
    if epmd -names 2>/dev/null | grep -q "^name $n "; then
      echo "bench: an Erlang node named $n is already running (epmd -names)" >&2; exit 1
    fi
  done
}

# BENCH_PIN: empty when taskset pins processes; else the driver options that run everything unpinned.
BENCH_PIN=()
if ! command -v taskset >/dev/null 2>&1; then
  echo "bench: taskset not found: running unpinned" >&2
  BENCH_PIN=(--server-cpu '' --client-cpu '')
fi
