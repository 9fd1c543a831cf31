package io.corral.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The socket echo benchmark (and, scenario H, the handshake-rate benchmark): for each scenario and round, every
 * target in turn (plain Netty, Corral with the Java EchoHandler, Corral with an Erlang echo module, native Cowboy) is
 * started fresh pinned to one core, the {@link LoadTool} (A, B) or the {@link HandshakeTool} (H) runs pinned to the
 * other, and the medians over the rounds are compared with plain Netty's from the same run.
 *
 * <pre>
 * java io.corral.bench.EchoBenchmark --root DIR [--rounds 3] [--warmup 5] [--h-warmup 40] [--duration 10]
 *     [--targets netty,corral-java,corral-erlang,cowboy] [--scenarios A,B,H] [--b-window 4]
 *     [--server-cpu 0] [--client-cpu 1] [--cowboy-src DIR] [--out bench/results/latest.json]
 * </pre>
 *
 * The {@code cowboy} target is native Cowboy 2.17 serving the corral-erlang target's module (corral_bench_echo), on
 * an erl node with the scheduler flags Corral gives its own local node, pinned like the others; it is built from
 * {@code ../shared/cowboy} (or {@code CORRAL_COWBOY_SRC}, {@code --cowboy-src}) and skipped, with the reason, when
 * those sources are absent.
 *
 * Corral is started with the launcher's own command line (bin/corral: java-node classes + classpath.txt, which
 * holds the installed OTP's JInterface as an ordinary dependency). Every server, Corral's and the Netty baseline,
 * gets the same JVM flags, Netty's leak detector off included, as the launcher runs it.
 */
public final class EchoBenchmark {

    /**
     * A and B: {@code connections} kept open, each with {@code window} echoes in flight ({@link LoadTool}); the rate
     * is messages. H ({@code handshakes}): {@code connections} slots each opening, upgrading, echoing one message and
     * closing one connection after another ({@link HandshakeTool}); the rate is completed handshakes and the
     * latency connect -> 101.
     */
    record Scenario(String name, int connections, int window, int size, String type, boolean handshakes) {
        String describe() {
            return handshakes
                    ? connections + " slots x (connect, upgrade, 101, one " + size + " B " + type + " echo, close, server closes)"
                    : connections + " conns x " + window + " in flight x " + size + " B " + type;
        }

        /** What the rate columns count: "msg" (echoed messages) or "hs" (completed handshakes). */
        String unit() {
            return handshakes ? "hs" : "msg";
        }
    }

    /**
     * One measurement: null fields when the target could not run. {@code msgPerSec} is the scenario's rate (messages,
     * or handshakes in H); the cycle latencies (connect -> the server's close) are H's only, NaN otherwise.
     */
    record Sample(double msgPerSec, double p50us, double p99us, double p999us, double clientCpu, double serverCpu,
            int failures, double serverCoreBusy, double clientCoreBusy, double cycleP50us, double cycleP99us) {
        /** Messages per second of server CPU: what the server could do with a whole core to itself. */
        double msgPerServerCpuSecond() {
            return serverCpu > 0 ? msgPerSec / serverCpu : Double.NaN;
        }
    }

    static final List<String> ALL_TARGETS = List.of("netty", "corral-java", "corral-erlang", "cowboy");

    private final Path root;
    private final String java;
    private final String jinterface;
    private final int rounds;
    private final double warmup;
    /**
     * H's warm-up. Every handshake runs the upgrade's code paths once, so at H's rates the JVM servers' JIT takes
     * far longer to settle than in A or B: with 5 s, C2 was still compiling 12 s into a run (PrintCompilation) and an
     * Erlang-route server used 1.7x the CPU per handshake it uses once settled (2026-12-03). native Cowboy's BEAM
     * code is compiled when loaded, so a short warm-up favoured it. 40 s: the rates no longer move after it.
     */
    private final double hWarmup;
    private final double duration;
    private final List<String> targets;
    private final List<Scenario> scenarios;
    private final String serverCpu;
    private final Path cowboySrc;
    private final String clientCpu;
    private final Path out;
    private final List<String> serverJvm = concat(heapFlags("1g"), List.of("--enable-native-access=ALL-UNNAMED",
            "-Dio.netty.leakDetection.level=disabled"));
    private final List<String> clientJvm = List.of("-Xms512m", "-Xmx512m", "--enable-native-access=ALL-UNNAMED");
    /** Targets that could not start, with why; they are not tried again. */
    private final Map<String, String> unavailable = new LinkedHashMap<>();

    EchoBenchmark(Map<String, String> o) {
        root = Path.of(o.getOrDefault("root", ".")).toAbsolutePath().normalize();
        java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        jinterface = o.getOrDefault("jinterface", System.getenv().getOrDefault("CORRAL_JINTERFACE_JAR", ""));
        rounds = Integer.parseInt(o.getOrDefault("rounds", "3"));
        warmup = Double.parseDouble(o.getOrDefault("warmup", "5"));
        hWarmup = Double.parseDouble(o.getOrDefault("h-warmup", "40"));
        duration = Double.parseDouble(o.getOrDefault("duration", "10"));
        List<String> named = List.of(o.getOrDefault("targets", String.join(",", ALL_TARGETS)).split(","));
        for (String t : named) {
            if (!ALL_TARGETS.contains(t)) throw new IllegalArgumentException("unknown target " + t + "; known: " + ALL_TARGETS);
        }
        // --tls false (default): ws:// only; true: every target over wss:// (its rows compare with Netty over TLS);
        // both: each target twice per round, plain and as TARGET+tls, so TLS's own cost is measured in the same run.
        tlsMode = o.getOrDefault("tls", "false");
        if (!List.of("false", "true", "both").contains(tlsMode)) {
            throw new IllegalArgumentException("--tls is false, true or both, not " + tlsMode);
        }
        targets = tlsMode.equals("both")
                ? named.stream().<String>flatMap(t -> Stream.of(t, t + TLS_SUFFIX)).toList() : named;
        int bWindow = Integer.parseInt(o.getOrDefault("b-window", "1"));
        Map<String, Scenario> known = Map.of(
                "A", new Scenario("A", 100, 8, 32, "text", false),
                "B", new Scenario("B", 10, bWindow, 16 * 1024, "binary", false),
                "H", new Scenario("H", 32, 1, 32, "text", true));
        scenarios = new ArrayList<>();
        for (String s : o.getOrDefault("scenarios", "A,B,H").split(",")) {
            Scenario sc = known.get(s);
            if (sc == null) throw new IllegalArgumentException("unknown scenario " + s + "; known: A, B, H");
            scenarios.add(sc);
        }
        String src = o.getOrDefault("cowboy-src", System.getenv().getOrDefault("CORRAL_COWBOY_SRC", ""));
        cowboySrc = src.isEmpty() ? root.resolve("../shared/cowboy").normalize() : Path.of(src);
        serverCpu = o.getOrDefault("server-cpu", "0");
        clientCpu = o.getOrDefault("client-cpu", "1");
        out = root.resolve(o.getOrDefault("out", "bench/results/latest.json"));
        // --tls true: every target serves wss:// with the same throw-away certificate and the same TLS engine
        // (Corral's Tls), and the load tool connects over TLS 1.3: the ratio is Corral+TLS against Netty+TLS.
        certs = tlsMode.equals("false") ? null : io.corral.tls.TestCertificates.create();
    }

    static final String TLS_SUFFIX = "+tls";
    private final String tlsMode;
    private final io.corral.tls.TestCertificates certs;

    /** Whether this run of {@code target} is over TLS: every target with --tls true, the +tls ones with both. */
    private boolean overTls(String target) {
        return tlsMode.equals("true") || target.endsWith(TLS_SUFFIX);
    }

    /** The row a target's ratios are taken against: plain Netty, or Netty over TLS for a TLS row. */
    private String baselineOf(String target) {
        return target.endsWith(TLS_SUFFIX) ? "netty" + TLS_SUFFIX : "netty";
    }

    private List<String> tlsFlags(String target) {
        return !overTls(target) ? List.of() : List.of("--tls-cert", certs.server.certFile().toString(),
                "--tls-key", certs.server.keyFile().toString());
    }

    // ---------------------------------------------------------------- the run

    void run() throws Exception {
        Map<String, Map<String, List<Sample>>> results = new LinkedHashMap<>();
        for (Scenario sc : scenarios) {
            Map<String, List<Sample>> byTarget = new LinkedHashMap<>();
            for (String t : targets) byTarget.put(t, new ArrayList<>());
            results.put(sc.name(), byTarget);
            for (int r = 1; r <= rounds; r++) {
                for (String t : targets) {
                    if (unavailable.containsKey(t)) continue;
                    log("scenario %s (%s), round %d/%d, target %s", sc.name(), sc.describe(), r, rounds, t);
                    Sample s = runOnce(sc, t);
                    if (s != null) {
                        byTarget.get(t).add(s);
                        log("  %.0f %s/s, p50 %.0f us, p99 %.0f us, p99.9 %.0f us, server CPU %.2f, client CPU %.2f%s",
                                s.msgPerSec(), sc.unit(), s.p50us(), s.p99us(), s.p999us(), s.serverCpu(), s.clientCpu(),
                                s.failures() > 0 ? ", " + s.failures() + " FAILURES" : "");
                    }
                }
            }
        }
        String table = table(results);
        System.out.println();
        System.out.print(table);
        for (var e : unavailable.entrySet()) System.out.println("skipped " + e.getKey() + ": " + e.getValue());
        Files.createDirectories(out.getParent());
        Files.writeString(out, json(results));
        System.out.println("written " + root.relativize(out));
    }

    /** Servers started so far in this run (for {@code %NAME%} in BENCH_SERVER_JVM_OPTS). */
    private int serverStarts;

    private Sample runOnce(Scenario sc, String target) throws Exception {
        int port = freePort();
        Path routes = null;
        List<String> cmd = new ArrayList<>(List.of("taskset", "-c", serverCpu, java));
        cmd.addAll(serverJvm);
        // BENCH_SERVER_JVM_OPTS: extra flags for the JVM servers (netty, corral-*), e.g. a flight recording of a run;
        // %NAME% in them becomes SCENARIO-TARGET-N (N counts the server starts), so each server gets a file of its own.
        String extra = System.getenv("BENCH_SERVER_JVM_OPTS");
        serverStarts++;
        if (extra != null && !extra.isBlank()) {
            String name = sc.name() + "-" + target + "-" + serverStarts;
            cmd.addAll(List.of(extra.trim().replace("%NAME%", name).split("\\s+")));
        }
        String path = "/echo";
        switch (target.endsWith(TLS_SUFFIX) ? target.substring(0, target.length() - TLS_SUFFIX.length()) : target) {
            case "netty" -> cmd.addAll(List.of("-cp", benchClassPath(), "io.corral.bench.NettyEchoServer",
                    String.valueOf(port), "--threads", "1"));
            case "corral-java", "corral-erlang" -> {
                boolean erlang = target.startsWith("corral-erlang");
                routes = Files.createTempFile("corral-bench-routes", ".conf");
                Files.writeString(routes, erlang
                        ? "[{'_', [{\"/echo\", corral_bench_echo, []}]}].\n"
                        : "[{'_', [{\"/echo\", 'io.corral.demo.EchoHandler', []}]}].\n");
                cmd.addAll(List.of("-Dcorral.home=" + root, "-cp", corralClassPath(), "io.corral.cli.Main", "serve",
                        "--port", String.valueOf(port), "--routes", routes.toString(), "--threads", "1"));
                if (erlang) cmd.addAll(List.of("--pa", root.resolve("bench/erlang/ebin").toString()));
            }
            case "cowboy" -> {
                if (overTls(target)) {
                    unavailable.put(target, "TLS is not set up for native Cowboy here");
                    return null;
                }
                String why = buildCowboy();
                if (why != null) {
                    log("  cowboy: %s", why);
                    unavailable.put(target, why);
                    return null;
                }
                cmd = new ArrayList<>(List.of("taskset", "-c", serverCpu, "erl", "-noshell", "-noinput"));
                // The scheduler flags Corral's own local node gets (LocalErlangNode): matched, no busy-waiting.
                cmd.addAll(List.of("+sbwt", "none", "+sbwtdcpu", "none", "+sbwtdio", "none", "-pa"));
                for (String app : List.of("cowboy", "cowlib", "ranch")) {
                    cmd.add(root.resolve("bench/target/cowboy/2.17.0/" + app + "/ebin").toString());
                }
                cmd.add(root.resolve("bench/erlang/ebin").toString());
                cmd.addAll(List.of("-eval", "corral_bench_cowboy:start(" + port + ")"));
            }
            default -> throw new IllegalStateException(target);
        }
        if (!target.startsWith("cowboy")) cmd.addAll(tlsFlags(target));
        ChildProcess server = ChildProcess.start(cmd, root);
        try {
            String why = server.awaitLine(l -> l.contains("listening on"), 60);
            if (why != null) {
                String msg = "the server did not start (" + why + ")";
                log("  %s: %s", target, msg);
                unavailable.put(target, msg);
                return null;
            }
            List<String> client = new ArrayList<>(List.of("taskset", "-c", clientCpu, java));
            client.addAll(clientJvm);
            String url = (overTls(target) ? "wss" : "ws") + "://127.0.0.1:" + port + path;
            double warmup = sc.handshakes() ? hWarmup : this.warmup;
            client.addAll(sc.handshakes()
                    ? List.of("-cp", benchClassPath(), "io.corral.bench.HandshakeTool", "--url", url,
                            "--slots", String.valueOf(sc.connections()), "--size", String.valueOf(sc.size()),
                            "--warmup", String.valueOf(warmup), "--duration", String.valueOf(duration))
                    : List.of("-cp", benchClassPath(), "io.corral.bench.LoadTool", "--url", url,
                            "--connections", String.valueOf(sc.connections()), "--window", String.valueOf(sc.window()),
                            "--size", String.valueOf(sc.size()), "--type", sc.type(),
                            "--warmup", String.valueOf(warmup), "--duration", String.valueOf(duration)));
            ChildProcess load = ChildProcess.start(client, root);
            long[] serverTicks = new long[2];
            long[][] cores = new long[2][];
            String result = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos((long) (warmup + duration + 60));
            String line;
            while ((line = load.nextLine(deadline)) != null) {
                if (line.equals("PHASE measure")) {
                    serverTicks[0] = serverTicks(server.process.pid());
                    cores[0] = coreBusyTicks();
                } else if (line.equals("PHASE done")) {
                    serverTicks[1] = serverTicks(server.process.pid());
                    cores[1] = coreBusyTicks();
                }
                else if (line.startsWith("RESULT ")) result = line;
            }
            load.process.waitFor(10, TimeUnit.SECONDS);
            load.process.destroyForcibly();
            if (result == null) {
                log("  load tool gave no result; its output:%n    %s", String.join("\n    ", load.tail()));
                return null;
            }
            if (load.process.exitValue() != 0) log("  load tool exit %d: %s", load.process.exitValue(), String.join(" | ", load.tail()));
            Map<String, String> kv = Arrays.stream(result.substring(7).split(" "))
                    .map(p -> p.split("=", 2)).collect(Collectors.toMap(p -> p[0], p -> p[1]));
            double serverCpuCores = (serverTicks[1] - serverTicks[0]) / (double) CLOCK_TICKS / duration;
            return new Sample(d(kv, sc.handshakes() ? "handshakesPerSec" : "msgPerSec"), d(kv, "p50us"),
                    d(kv, "p99us"), d(kv, "p999us"), d(kv, "cpuCores"), serverCpuCores, (int) d(kv, "failures"),
                    busy(cores, Integer.parseInt(serverCpu)), busy(cores, Integer.parseInt(clientCpu)),
                    sc.handshakes() ? d(kv, "cycleP50us") : Double.NaN, sc.handshakes() ? d(kv, "cycleP99us") : Double.NaN);
        } finally {
            server.stop();
            if (routes != null) Files.deleteIfExists(routes);
        }
    }

    private String cowboyBuilt;

    /** Builds native Cowboy 2.17 once per run into bench/target/cowboy; null when built, else why not. */
    private String buildCowboy() throws Exception {
        if (cowboyBuilt != null) return cowboyBuilt.isEmpty() ? null : cowboyBuilt;
        Path build = cowboySrc.resolve("build.sh");
        if (!Files.isRegularFile(build)) {
            cowboyBuilt = "Cowboy sources not found at " + cowboySrc + " (set CORRAL_COWBOY_SRC or --cowboy-src)";
        } else if (!Files.isRegularFile(root.resolve("bench/erlang/ebin/corral_bench_cowboy.beam"))) {
            cowboyBuilt = "bench/erlang/ebin/corral_bench_cowboy.beam is missing (bench/run.sh compiles it)";
        } else {
            Process p = new ProcessBuilder("bash", build.toString(), root.resolve("bench/target/cowboy").toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            cowboyBuilt = p.waitFor() == 0 ? "" : "building Cowboy with " + build + " failed (exit " + p.exitValue() + ")";
        }
        return cowboyBuilt.isEmpty() ? null : cowboyBuilt;
    }

    private static double d(Map<String, String> kv, String k) {
        return Double.parseDouble(kv.get(k));
    }

    private String benchClassPath() throws IOException {
        return root.resolve("bench/target/classes") + ":" + Files.readString(root.resolve("bench/target/classpath.txt")).trim()
                + (jinterface.isEmpty() ? "" : ":" + jinterface);
    }

    /** bin/corral's class path (plus {@code --jinterface JAR}, to try another OtpErlang.jar). */
    private String corralClassPath() throws IOException {
        return root.resolve("java-node/target/classes") + ":"
                + Files.readString(root.resolve("java-node/target/classpath.txt")).trim()
                + (jinterface.isEmpty() ? "" : ":" + jinterface);
    }

    /** A port free on this machine now (the kernel picks it; the server binds it right after). */
    /**
     * The heap the launcher gives a server of this size (bin/env.sh, corral_heap_flags): fixed, and a young
     * generation of at most a sixteenth of it (64 MiB at 1 GiB). Every benchmark starts every server side, plain
     * Netty included, with these flags, so the figures are those of the servers ./corral runs.
     */
    static List<String> heapFlags(String size) {
        String s = size.trim().toLowerCase(Locale.ROOT);
        long mb = s.endsWith("g") ? Long.parseLong(s.substring(0, s.length() - 1)) * 1024
                : s.endsWith("m") ? Long.parseLong(s.substring(0, s.length() - 1))
                : Long.parseLong(s) / (1024 * 1024);
        long young = Math.min(mb / 3, Math.max(16, mb / 16));
        return List.of("-Xms" + mb + "m", "-Xmx" + mb + "m", "-XX:MaxNewSize=" + young + "m");
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }

    /**
     * A port free to listen on, below the kernel's ephemeral range ({@code ip_local_port_range}), from 10000 up.
     * Not a port the kernel hands out itself ({@code bind(0)} picks from that range): the benchmarks' clients open
     * tens of thousands of connections, each taking an ephemeral port, and a server port from the same range can be
     * taken by one of them between the check here and the server's own bind, or clash with a TIME_WAIT left by an
     * earlier run.
     */
    static int freePort() throws IOException {
        int low = 32768;
        try {
            // readAllLines, not readString: a sysctl file reports size 0, and readString then returns its first byte.
            low = Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).getFirst()
                    .trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            // not Linux, or unreadable: the usual lower bound
        }
        int span = Math.max(1, low - 10_000);
        int start = ThreadLocalRandom.current().nextInt(span);
        for (int i = 0; i < span; i++) {
            int port = 10_000 + (start + i) % span;
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress("127.0.0.1", port));
                return port;
            } catch (IOException taken) {
                // in use: the next one
            }
        }
        throw new IOException("no free port between 10000 and " + low);
    }

    /** Linux USER_HZ; 100 on every mainstream kernel build. */
    private static final int CLOCK_TICKS = 100;

    /**
     * utime + stime of a server and every process it started (corral-erlang's embedded erl node runs beside the JVM on
     * the same pinned core: leaving it out would credit Corral with CPU it did not count), in clock ticks.
     */
    static long serverTicks(long pid) {
        long t = cpuTicks(pid);
        for (ProcessHandle h : ProcessHandle.of(pid).map(p -> p.descendants().toList()).orElse(List.of())) {
            t += cpuTicks(h.pid());
        }
        return t;
    }

    /** utime + stime of a process (all its threads), in clock ticks, from /proc. */
    static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15 of stat(5)
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** Busy ticks (everything but idle and iowait) of each CPU, from /proc/stat; empty when unreadable. */
    static long[] coreBusyTicks() {
        try {
            List<Long> busy = new ArrayList<>();
            for (String l : Files.readAllLines(Path.of("/proc/stat"))) {
                if (!l.startsWith("cpu") || l.startsWith("cpu ")) continue;
                String[] f = l.trim().split("\\s+");
                long b = 0;
                for (int i = 1; i < f.length && i <= 8; i++) if (i != 4 && i != 5) b += Long.parseLong(f[i]);
                busy.add(b);
            }
            return busy.stream().mapToLong(Long::longValue).toArray();
        } catch (IOException | RuntimeException e) {
            return new long[0];
        }
    }

    /** How busy CPU {@code cpu} was over the measured window (1.0 = fully), by anyone: us, the kernel, others. */
    private double busy(long[][] cores, int cpu) {
        if (cores[0] == null || cores[1] == null || cores[0].length <= cpu || cores[1].length <= cpu) return Double.NaN;
        return (cores[1][cpu] - cores[0][cpu]) / (double) CLOCK_TICKS / duration;
    }

    // ---------------------------------------------------------------- reporting

    static double median(List<Double> xs) {
        if (xs.isEmpty()) return Double.NaN;
        double[] a = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = a.length;
        return n % 2 == 1 ? a[n / 2] : (a[n / 2 - 1] + a[n / 2]) / 2;
    }

    private static List<Double> field(List<Sample> s, java.util.function.ToDoubleFunction<Sample> f) {
        return s.stream().map(x -> f.applyAsDouble(x)).toList();
    }

    private String table(Map<String, Map<String, List<Sample>>> results) {
        StringBuilder b = new StringBuilder();
        String unit = null;
        for (Scenario sc : scenarios) {
            // A header whenever the rate's unit changes: messages (A, B) or handshakes (H).
            if (!sc.unit().equals(unit)) {
                unit = sc.unit();
                b.append(String.format(Locale.ROOT, "%-3s %-18s %10s %8s %8s %9s %11s %9s %11s %11s %7s %7s %8s %8s%n",
                        "sc", "target", unit + "/s", "p50 us", "p99 us", "p99.9 us", unit + "/s/Netty", "p99/Netty",
                        unit + "/CPU-s", "/Netty", "srv CPU", "cli CPU", "srv core", "cli core"));
            }
            Map<String, List<Sample>> byTarget = results.get(sc.name());
            for (var e : byTarget.entrySet()) {
                List<Sample> base = byTarget.getOrDefault(baselineOf(e.getKey()), List.of());
                double baseRate = median(field(base, Sample::msgPerSec));
                double baseP99 = median(field(base, Sample::p99us));
                double basePerCpu = median(field(base, Sample::msgPerServerCpuSecond));
                List<Sample> s = e.getValue();
                if (s.isEmpty()) {
                    b.append(String.format(Locale.ROOT, "%-3s %-18s %12s%n", sc.name(), e.getKey(), "skipped"));
                    continue;
                }
                double rate = median(field(s, Sample::msgPerSec));
                double p99 = median(field(s, Sample::p99us));
                b.append(String.format(Locale.ROOT, "%-3s %-18s %10.0f %8.0f %8.0f %9.0f %11.2f %9.2f %11.0f %11.2f %7.2f %7.2f %8.2f %8.2f%n",
                        sc.name(), e.getKey(), rate, median(field(s, Sample::p50us)), p99,
                        median(field(s, Sample::p999us)), rate / baseRate, p99 / baseP99,
                        median(field(s, Sample::msgPerServerCpuSecond)),
                        median(field(s, Sample::msgPerServerCpuSecond)) / basePerCpu,
                        median(field(s, Sample::serverCpu)), median(field(s, Sample::clientCpu)),
                        median(field(s, Sample::serverCoreBusy)), median(field(s, Sample::clientCoreBusy))));
            }
        }
        for (Scenario sc : scenarios) {
            List<Sample> corral = results.get(sc.name()).getOrDefault("corral-erlang", List.of());
            List<Sample> cowboy = results.get(sc.name()).getOrDefault("cowboy", List.of());
            if (corral.isEmpty() || cowboy.isEmpty()) continue;
            b.append(String.format(Locale.ROOT, "%-3s corral-erlang / native cowboy: %s/s %.2fx, %s/CPU-s %.2fx, p99 %.2fx%n",
                    sc.name(), sc.unit(), median(field(corral, Sample::msgPerSec)) / median(field(cowboy, Sample::msgPerSec)), sc.unit(),
                    median(field(corral, Sample::msgPerServerCpuSecond)) / median(field(cowboy, Sample::msgPerServerCpuSecond)),
                    median(field(corral, Sample::p99us)) / median(field(cowboy, Sample::p99us))));
        }
        for (Scenario sc : scenarios) {
            if (!sc.handshakes()) continue;
            // H's p50/p99 columns are connect -> 101; the whole cycle (echo and close included) is here.
            b.append(String.format(Locale.ROOT, "%-3s whole cycle, connect -> server's close (p50 / p99 us):", sc.name()));
            for (var e : results.get(sc.name()).entrySet()) {
                if (e.getValue().isEmpty()) continue;
                b.append(String.format(Locale.ROOT, "  %s %.0f / %.0f", e.getKey(),
                        median(field(e.getValue(), Sample::cycleP50us)), median(field(e.getValue(), Sample::cycleP99us))));
            }
            b.append('\n');
        }
        if (tlsMode.equals("both")) {
            // TLS's own cost per target: its TLS row against its plain row, measured in the same rounds.
            b.append(String.format(Locale.ROOT, "%nTLS cost (TARGET+tls / TARGET, same run)%n%-3s %-14s %11s %9s %11s%n",
                    "sc", "target", "msg/s", "p99", "msg/CPU-s"));
            for (Scenario sc : scenarios) {
                Map<String, List<Sample>> byTarget = results.get(sc.name());
                for (var e : byTarget.entrySet()) {
                    if (!e.getKey().endsWith(TLS_SUFFIX)) continue;
                    String plainName = e.getKey().substring(0, e.getKey().length() - TLS_SUFFIX.length());
                    List<Sample> tls = e.getValue(), plain = byTarget.getOrDefault(plainName, List.of());
                    if (tls.isEmpty() || plain.isEmpty()) continue;
                    b.append(String.format(Locale.ROOT, "%-3s %-14s %11.2f %9.2f %11.2f%n", sc.name(), plainName,
                            median(field(tls, Sample::msgPerSec)) / median(field(plain, Sample::msgPerSec)),
                            median(field(tls, Sample::p99us)) / median(field(plain, Sample::p99us)),
                            median(field(tls, Sample::msgPerServerCpuSecond))
                                    / median(field(plain, Sample::msgPerServerCpuSecond))));
                }
            }
        }
        b.append("msg/CPU-s (hs/CPU-s): msg/s (handshakes/s) divided by the server's CPU use, erl nodes included, the"
                + " noise-robust figure when others share the core\n");
        b.append("srv/cli CPU: cores used by the server / load tool process; srv/cli core: how busy their pinned CPU was"
                + " (by anyone: a gap between the two is the kernel or other processes)\n");
        b.append(String.format(Locale.ROOT, "medians of %d rounds; %.0f s warm-up (H: %.0f s) + %.0f s measured per run;"
                + " server on CPU %s, load tool on CPU %s%n", rounds, warmup, hWarmup, duration, serverCpu, clientCpu));
        for (Scenario sc : scenarios) b.append("  ").append(sc.name()).append(": ").append(sc.describe()).append('\n');
        return b.toString();
    }

    private String json(Map<String, Map<String, List<Sample>>> results) {
        StringBuilder b = new StringBuilder("{\n");
        b.append("  \"date\": \"").append(Instant.now()).append("\",\n");
        b.append(String.format(Locale.ROOT, "  \"rounds\": %d, \"warmupSeconds\": %s, \"hWarmupSeconds\": %s,"
                + " \"durationSeconds\": %s,%n", rounds, warmup, hWarmup, duration));
        b.append("  \"serverCpu\": \"").append(serverCpu).append("\", \"clientCpu\": \"").append(clientCpu).append("\",\n");
        b.append("  \"skipped\": {");
        b.append(unavailable.entrySet().stream().map(e -> "\"" + e.getKey() + "\": \"" + esc(e.getValue()) + "\"")
                .collect(Collectors.joining(", ")));
        b.append("},\n  \"scenarios\": [\n");
        List<String> scs = new ArrayList<>();
        for (Scenario sc : scenarios) {
            Map<String, List<Sample>> byTarget = results.get(sc.name());
            StringBuilder s = new StringBuilder();
            s.append(String.format(Locale.ROOT, "    {\"name\": \"%s\", \"connections\": %d, \"window\": %d, \"size\": %d,"
                    + " \"type\": \"%s\", \"rate\": \"%s\", \"targets\": {%n", sc.name(), sc.connections(), sc.window(),
                    sc.size(), sc.type(), sc.handshakes() ? "handshakes (msgPerSec = handshakes/s)" : "messages"));
            List<String> ts = new ArrayList<>();
            for (var e : byTarget.entrySet()) {
                List<Sample> x = e.getValue();
                if (x.isEmpty()) {
                    ts.add("      \"" + e.getKey() + "\": null");
                    continue;
                }
                List<Sample> base = byTarget.getOrDefault(baselineOf(e.getKey()), List.of());
                double baseRate = median(field(base, Sample::msgPerSec));
                double baseP99 = median(field(base, Sample::p99us));
                double basePerCpu = median(field(base, Sample::msgPerServerCpuSecond));
                double rate = median(field(x, Sample::msgPerSec));
                double p99 = median(field(x, Sample::p99us));
                ts.add(String.format(Locale.ROOT, "      \"%s\": {\"msgPerSec\": %.1f, \"p50us\": %.1f, \"p99us\": %.1f,"
                                + " \"p999us\": %.1f, \"ratioMsgPerSec\": %s, \"ratioP99\": %s, \"serverCpu\": %.2f,"
                                + " \"clientCpu\": %.2f, \"msgPerServerCpuSecond\": %.1f, \"ratioMsgPerServerCpuSecond\": %s,"
                                + " \"cycleP50us\": %s, \"cycleP99us\": %s, \"rounds\": [%s]}",
                        e.getKey(), rate, median(field(x, Sample::p50us)), p99, median(field(x, Sample::p999us)),
                        num(rate / baseRate), num(p99 / baseP99), median(field(x, Sample::serverCpu)),
                        median(field(x, Sample::clientCpu)), median(field(x, Sample::msgPerServerCpuSecond)),
                        num(median(field(x, Sample::msgPerServerCpuSecond)) / basePerCpu),
                        num(median(field(x, Sample::cycleP50us))), num(median(field(x, Sample::cycleP99us))),
                        x.stream().map(r -> String.format(Locale.ROOT,
                                "{\"msgPerSec\": %.1f, \"p99us\": %.1f, \"serverCpu\": %.2f, \"clientCpu\": %.2f,"
                                        + " \"serverCoreBusy\": %s, \"clientCoreBusy\": %s, \"failures\": %d}",
                                r.msgPerSec(), r.p99us(), r.serverCpu(), r.clientCpu(), num(r.serverCoreBusy()),
                                num(r.clientCoreBusy()), r.failures()))
                                .collect(Collectors.joining(", "))));
            }
            s.append(String.join(",\n", ts)).append("\n    }}");
            scs.add(s.toString());
        }
        b.append(String.join(",\n", scs)).append("\n  ]\n}\n");
        return b.toString();
    }

    private static String num(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.3f", v) : "null";
    }

    private static String esc(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", " ");
    }

    /** {@code --name value} pairs; exits with {@code usage} on anything else. */
    static Map<String, String> options(String[] args, String usage) {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                System.err.println("usage: " + usage);
                System.exit(2);
            }
            o.put(args[i].substring(2), args[++i]);
        }
        return o;
    }

    static void log(String fmt, Object... args) {
        System.out.println(String.format(Locale.ROOT, fmt, args));
        System.out.flush();
    }

    public static void main(String[] args) throws Exception {
        new EchoBenchmark(options(args, "EchoBenchmark --root DIR [--rounds R] [--warmup S] [--h-warmup S] [--duration S]"
                + " [--targets netty,corral-java,corral-erlang,cowboy] [--scenarios A,B,H] [--b-window W]"
                + " [--server-cpu N] [--client-cpu N] [--tls false|true|both] [--cowboy-src DIR] [--out FILE]")).run();
    }
}
