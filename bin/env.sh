# Shared by ./corral and .ci/run: installs what Corral needs on a fresh Debian machine (idempotent) and finds
# JDK 25 and the installed OTP's JInterface version.

corral_apt_packages="erlang-nox erlang-dev erlang-jinterface erlang-eunit maven chromium"

corral_setup() {
  local missing=""
  command -v erl >/dev/null 2>&1 || missing=1
  command -v mvn >/dev/null 2>&1 || missing=1
  [ -n "$(ls /usr/lib/erlang/lib/jinterface-*/priv/OtpErlang.jar 2>/dev/null)" ] || missing=1
  # rebar3: the suite checks that erlang-bridge builds and passes its EUnit tests as rebar3 users run them.
  if ! command -v rebar3 >/dev/null 2>&1; then
    corral_apt_packages="$corral_apt_packages rebar3"
    missing=1
  fi
  # The test suite opens the demo's page in Debian's headless Chromium (DemoPageTest).
  [ -x /usr/bin/chromium ] || missing=1
  # Node's ws client is one of the test suite's clients (the java-maven machines ship node and npm).
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    corral_apt_packages="$corral_apt_packages nodejs npm"
    missing=1
  fi
  if [ -n "$missing" ]; then
    echo "corral: installing $corral_apt_packages (first run)" >&2
    if [ "$(id -u)" -ne 0 ]; then echo "corral: run as root once, or install: $corral_apt_packages" >&2; exit 1; fi
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $corral_apt_packages >&2
  fi
  if [ -z "${JAVA_HOME:-}" ] || ! "$JAVA_HOME/bin/java" -version 2>&1 | grep -q '"2[5-9]'; then
    JAVA_HOME="$(ls -d /usr/lib/jvm/temurin-25* /usr/lib/jvm/*-25-* 2>/dev/null | head -n1 || true)"
    if [ -z "$JAVA_HOME" ]; then echo "corral: JDK 25 not found under /usr/lib/jvm; set JAVA_HOME" >&2; exit 1; fi
  fi
  export JAVA_HOME
  export PATH="$JAVA_HOME/bin:$PATH"
  # The build installs the installed OTP's OtpErlang.jar as org.erlang.otp:jinterface (jinterface/pom.xml); tell it
  # the version erl reports, so a machine with another OTP than the pom's default builds without an edit.
  if [ -z "${CORRAL_JINTERFACE_VERSION:-}" ]; then
    CORRAL_JINTERFACE_VERSION="$(erl -noshell -eval 'io:format("~s", [lists:nthtail(11, filename:basename(code:lib_dir(jinterface)))]), halt().')"
  fi
  export CORRAL_JINTERFACE_VERSION
  corral_mvn_flags="-Dotp.jinterface.version=$CORRAL_JINTERFACE_VERSION"
  # Maven's own libraries trip JDK 25's sun.misc.Unsafe warning; it says nothing about Corral.
  export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
}

# The last successful build; every module's target/classpath.txt exists once it has run.
corral_stamp="$ROOT/target/corral-build.stamp"

# Prints something when the build is missing or a source is newer than the last build.
corral_stale() {
  [ -f "$corral_stamp" ] || { echo missing; return; }
  find "$ROOT" -path "$ROOT/.git" -prune -o -path '*/target' -prune -o \
    \( -name '*.java' -o -name '*.erl' -o -name '*.hrl' -o -name pom.xml -o -name '*.html' -o -name '*.conf' \) -newer "$corral_stamp" -print 2>/dev/null | head -n1
}

corral_build() {
  echo "corral: building (mvn package)" >&2
  (cd "$ROOT" && mvn -B -q -ntp $corral_mvn_flags -DskipTests package >&2)
  mkdir -p "$ROOT/target" && touch "$corral_stamp"
}

# Builds only when something changed since the last build (the launcher and the benchmark scripts use this).
corral_ensure_built() {
  [ -z "$(corral_stale)" ] || corral_build
}

# The engine's heap: fixed (-Xms = -Xmx), a quarter of the memory (the machine's, or the cgroup's limit when lower)
# and at most 1 GiB, the size the benchmarks run with. Left to the JVM, G1 starts small, with a quarter of the
# memory as its ceiling, and grows the heap whenever collections take more than 1 % of the time: a flood of tiny
# frames (short-lived garbage at hundreds of MB/s, 8 MB live) on a busy machine made the server's RSS climb by a
# hundred MB at a time, run after run (FloodTest), with nothing more held. Fixed, the heap's pages are all in use
# after warm-up and RSS stays where it is. Nothing when CORRAL_JAVA_OPTS sizes the heap itself.
# The young generation is at most a sixteenth of it (64 MiB at 1 GiB; -XX:MaxNewSize, an upper bound G1 keeps
# adapting under, a fixed size for Serial GC). A WebSocket server's garbage (upgrades, frames) dies young while what
# it keeps (the connections) lives long: with the JVM's default young generation (a third of the heap for Serial)
# an accept burst of 20,000 upgrades touched 270 MB of eden pages for the first time, RSS that stays after the burst
# and that no connection holds (bench/README.md, section 6). Bounded, the garbage reuses the same pages and RSS
# follows what the connections hold; a minor collection of 64 MiB with little surviving takes about a millisecond.
corral_heap_flags() {
  case " ${CORRAL_JAVA_OPTS:-} " in
    *-Xmx*|*-Xms*|*MaxHeapSize*|*InitialHeapSize*|*RAMPercentage*) return 0 ;;
  esac
  local kb limit mb
  kb="$(awk '/^MemTotal:/ {print $2}' /proc/meminfo 2>/dev/null || true)"
  [ -n "$kb" ] || return 0
  mb=$((kb / 1024))
  limit="$(cat /sys/fs/cgroup/memory.max 2>/dev/null || true)"
  case "$limit" in ''|*[!0-9]*) ;; *) [ $((limit / 1048576)) -lt "$mb" ] && mb=$((limit / 1048576)) ;; esac
  mb=$((mb / 4))
  [ "$mb" -gt 1024 ] && mb=1024
  local young=$((mb / 16))
  [ "$young" -lt 16 ] && young=16
  [ "$young" -gt $((mb / 3)) ] && young=$((mb / 3))
  echo "-Xms${mb}m -Xmx${mb}m -XX:MaxNewSize=${young}m"
}

# Runs the engine (./corral, and tests of the launcher itself). -XX:+ExitOnOutOfMemoryError: an OutOfMemoryError
# ends the JVM with "Terminating due to java.lang.OutOfMemoryError" as its last line and status 3, wherever it is
# thrown or caught, instead of leaving a half-alive server. CORRAL_CLASSPATH adds your handler classes or jars.
# Netty's leak detector is off in production runs (it keeps the JIT from inlining the frame unmask loop);
# CORRAL_JAVA_OPTS comes after, so -Dio.netty.leakDetection.level=paranoid there turns it back on.
corral_exec() {
  # shellcheck disable=SC2046 # the heap flags are several words
  exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -XX:+ExitOnOutOfMemoryError $(corral_heap_flags) \
    -Dio.netty.leakDetection.level=disabled ${CORRAL_JAVA_OPTS:-} \
    -Dcorral.home="$ROOT" \
    -cp "$ROOT/java-node/target/classes:$(cat "$ROOT/java-node/target/classpath.txt"):$ROOT/compat-tests/target/classes:$ROOT/wire-client/target/classes${CORRAL_CLASSPATH:+:$CORRAL_CLASSPATH}" \
    io.corral.cli.Main "$@"
}
