package io.corral.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What one idle WebSocket connection costs each server, measured in the same run with the same JVM flags: plain
 * Netty ({@link NettyEchoServer}), Corral with the Java {@code io.corral.demo.EchoHandler} ({@code corral-java}), and
 * the same with Corral a hidden Erlang node ({@code corral-java-node}: every connection also has a pid), and Corral
 * serving the Erlang echo module {@code corral_bench_echo} through its local erl node ({@code corral-erlang}: the
 * node's RSS is reported apart, the route's cost being the JVM's and the node's together).
 *
 * <p>Per target: start the server pinned to {@code --server-cpu}; warm up (a {@link ScaleClient} opens
 * {@code --warmup-connections} and closes them, so classes are loaded and the baseline holds no first-use costs);
 * snapshot; a client opens {@code --connections} and waits; snapshot; the client closes; snapshot. A snapshot is the
 * live heap ({@code jcmd GC.class_histogram}: a full GC, then what is reachable), heap used after that GC, and
 * VmRSS from /proc. Per connection = (N snapshot - 0 snapshot) / N.
 *
 * <pre>
 * java io.corral.bench.IdleMemoryBenchmark --root DIR [--targets netty,corral-java,corral-java-node,corral-erlang]
 *     [--connections 10000] [--wave 500] [--warmup-connections 200] [--server-cpu 0] [--client-cpu 1]
 *     [--server-jvm '-Xms1024m -Xmx1024m -XX:MaxNewSize=64m'] [--out bench/results/idle.json]
 * </pre>
 */
public final class IdleMemoryBenchmark {

    /**
     * {@code classes}: live bytes by class name, from the histogram; {@code counts}: instances by class name;
     * {@code erlRss}: the RSS of the erl node the server started, -1 when none.
     */
    record Snapshot(long liveHeap, long heapUsed, long rss, int threads, Map<String, Long> classes,
            Map<String, Long> counts, long erlRss, long usedBeforeGc, long gcsBefore, long gcsAfter) {}

    record Result(String target, Snapshot zero, Snapshot loaded, Snapshot closed, Map<String, Long> topClasses) {
        /** Instances of {@code cls} more with the connections open than without. */
        long instancesGrown(String cls) {
            return loaded.counts().getOrDefault(cls, 0L) - zero.counts().getOrDefault(cls, 0L);
        }
    }

    private final Path root;
    private final String javaHome = System.getProperty("java.home");
    private final List<String> targets;
    private final int connections;
    private final int warmup;
    private final int wave;
    private final String serverCpu;
    private final String clientCpu;
    private final List<String> serverJvm;
    private final Path out;

    IdleMemoryBenchmark(Map<String, String> o) {
        root = Path.of(o.getOrDefault("root", ".")).toAbsolutePath().normalize();
        targets = List.of(o.getOrDefault("targets", "netty,corral-java,corral-java-node,corral-erlang").split(","));
        connections = Integer.parseInt(o.getOrDefault("connections", "10000"));
        warmup = Integer.parseInt(o.getOrDefault("warmup-connections", "200"));
        wave = Integer.parseInt(o.getOrDefault("wave", "500"));
        serverCpu = o.getOrDefault("server-cpu", "0");
        clientCpu = o.getOrDefault("client-cpu", "1");
        // The socket benchmark's server flags (EchoBenchmark: the launcher's heap at 1 GiB), so the two benchmarks
        // describe the same servers; every target gets the same.
        serverJvm = List.of(o.getOrDefault("server-jvm", String.join(" ", EchoBenchmark.heapFlags("1g")))
                .trim().split("\\s+"));
        out = root.resolve(o.getOrDefault("out", "bench/results/idle.json"));
    }

    void run() throws Exception {
        List<Result> results = new ArrayList<>();
        for (String t : targets) results.add(measure(t));
        String table = table(results);
        System.out.println();
        System.out.print(table);
        Files.createDirectories(out.getParent());
        Files.writeString(out, json(results));
        System.out.println("written " + root.relativize(out));
    }

    private Result measure(String target) throws Exception {
        int port = EchoBenchmark.freePort();
        Path routes = null;
        List<String> cmd = pinned(serverCpu);
        cmd.add(Path.of(javaHome, "bin", "java").toString());
        cmd.addAll(serverJvm);
        cmd.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-Dio.netty.leakDetection.level=disabled"));
        switch (target) {
            case "netty" -> cmd.addAll(List.of("-cp", classPath("bench"), "io.corral.bench.NettyEchoServer",
                    String.valueOf(port), "--threads", "1"));
            case "corral-java", "corral-java-node" -> {
                routes = Files.createTempFile("corral-idle-routes", ".conf");
                Files.writeString(routes, "[{'_', [{\"/echo\", 'io.corral.demo.EchoHandler', []}]}].\n");
                cmd.addAll(List.of("-Dcorral.home=" + root, "-cp", classPath("java-node"), "io.corral.cli.Main",
                        "serve", "--port", String.valueOf(port), "--routes", routes.toString(), "--threads", "1",
                        "--max-connections", maxConnections()));
                if (target.equals("corral-java-node")) {
                    String cookie = "idle" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
                    cmd.addAll(List.of("--node", "corral_idle", "--cookie", cookie));
                }
            }
            case "corral-erlang" -> {
                routes = Files.createTempFile("corral-idle-routes", ".conf");
                Files.writeString(routes, "[{'_', [{\"/echo\", corral_bench_echo, []}]}].\n");
                cmd.addAll(List.of("-Dcorral.home=" + root, "-cp", classPath("java-node"), "io.corral.cli.Main",
                        "serve", "--port", String.valueOf(port), "--routes", routes.toString(), "--threads", "1",
                        "--max-connections", maxConnections(), "--pa", root.resolve("bench/erlang/ebin").toString()));
            }
            default -> throw new IllegalArgumentException("target " + target
                    + " (netty, corral-java, corral-java-node, corral-erlang)");
        }
        log("%s: %s", target, String.join(" ", cmd).replaceAll("--cookie \\S+", "--cookie <cookie>")
                .replaceAll("-cp \\S+", "-cp <class path>"));
        ChildProcess server = ChildProcess.start(cmd, root);
        try {
            server.await(l -> l.contains("listening on"), 60, target + " start");
            long pid = server.process.pid();
            String url = "ws://127.0.0.1:" + port + "/echo";

            ChildProcess warm = client(url, warmup);
            warm.await(l -> l.startsWith("CONNECTED "), 120, "warm-up connect");
            warm.send("CLOSE");
            warm.await(l -> l.equals("CLOSED"), 60, "warm-up close");
            warm.closeAndStop();
            Thread.sleep(1000);
            Snapshot zero = snapshot(pid);
            log("  0 connections: %s", describe(zero));

            ChildProcess c = client(url, connections);
            String connected = c.await(l -> l.startsWith("CONNECTED "), 900, "connect");
            log("  client: %s", connected);
            Thread.sleep(1000); // the last upgrades' tasks have run on the server's event loop
            Snapshot loaded = snapshot(pid);
            Map<String, Long> top = growth(zero, loaded);
            log("  %d connections: %s", connections, describe(loaded));

            c.send("CLOSE");
            c.await(l -> l.equals("CLOSED"), 120, "close");
            c.closeAndStop();
            Thread.sleep(2000);
            Snapshot closed = snapshot(pid);
            log("  after close: %s", describe(closed));
            return new Result(target, zero, loaded, closed, top);
        } finally {
            server.closeAndStop();
            if (routes != null) Files.deleteIfExists(routes);
        }
    }

    /**
     * Corral's listener limit for the run: its default is the open-file limit less a quarter (at most 1,024 held
     * back), 18,976 at this machine's 20,000, under the 19,950 connections the benchmark can hold; plain Netty has
     * no limit. The connections (and the fds they need) are the benchmark's, not the limit's.
     */
    private String maxConnections() {
        return String.valueOf(connections + warmup);
    }

    private ChildProcess client(String url, int n) throws IOException {
        List<String> c = pinned(clientCpu);
        c.addAll(List.of(Path.of(javaHome, "bin", "java").toString(), "-Xmx1g", "--enable-native-access=ALL-UNNAMED",
                "-cp", classPath("bench"), "io.corral.bench.ScaleClient", "--url", url, "--connections",
                String.valueOf(n), "--wave", String.valueOf(wave)));
        return ChildProcess.start(c, root);
    }

    // ---------------------------------------------------------------- measuring

    private static final Pattern HISTO_TOTAL = Pattern.compile("(?m)^Total\\s+(\\d+)\\s+(\\d+)");
    private static final Pattern HISTO_ROW = Pattern.compile("(?m)^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");
    private static final Pattern HEAP_USED = Pattern.compile("(?m)^\\s*([^\\n]*?)\\s+total (\\d+)K, used (\\d+)K");

    /** The classes whose live bytes grew most from {@code a} to {@code b}, largest first (name -> bytes). */
    private static Map<String, Long> growth(Snapshot a, Snapshot b) {
        Map<String, Long> top = new LinkedHashMap<>();
        b.classes().entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - a.classes().getOrDefault(e.getKey(), 0L)))
                .sorted((x, y) -> Long.compare(y.getValue(), x.getValue())).limit(24)
                .forEach(e -> top.put(e.getKey(), e.getValue()));
        return top;
    }

    private Snapshot snapshot(long pid) throws Exception {
        // Heap used before the histogram's full GC: against the previous snapshot's heap after its GC, what was
        // allocated in between, garbage included, as long as no collection ran in between (the GC counts tell).
        long gcsBefore = gcCount(pid);
        long usedBeforeGc = heapUsed(jcmd(pid, "GC.heap_info"));
        String histo = jcmd(pid, "GC.class_histogram");
        Matcher m = HISTO_TOTAL.matcher(histo);
        long live = m.find() ? Long.parseLong(m.group(2)) : -1;
        Map<String, Long> classes = new LinkedHashMap<>();
        Map<String, Long> counts = new LinkedHashMap<>();
        Matcher r = HISTO_ROW.matcher(histo);
        while (r.find()) {
            classes.merge(r.group(3), Long.parseLong(r.group(2)), Long::sum);
            counts.merge(r.group(3), Long.parseLong(r.group(1)), Long::sum);
        }
        long used = heapUsed(jcmd(pid, "GC.heap_info"));
        long gcsAfter = gcCount(pid);
        Thread.sleep(500);
        Map<String, String> status = ScaleBenchmark.procStatus(pid);
        long rss = status.containsKey("VmRSS") ? Long.parseLong(status.get("VmRSS").replace("kB", "").trim()) * 1024 : -1;
        int thr = status.containsKey("Threads") ? Integer.parseInt(status.get("Threads").trim()) : -1;
        return new Snapshot(live, used, rss, thr, classes, counts, ScaleBenchmark.erlRss(pid), usedBeforeGc,
                gcsBefore, gcsAfter);
    }

    private static long heapUsed(String heapInfo) {
        Matcher u = HEAP_USED.matcher(heapInfo);
        long used = 0;
        while (u.find()) {
            if (u.group(1).contains("Metaspace") || u.group(1).contains("class space")) continue;
            used += Long.parseLong(u.group(3)) * 1024;
        }
        return used;
    }

    private static final Pattern GC_INVOCATIONS = Pattern.compile("(?m)^sun\\.gc\\.collector\\.\\d+\\.invocations=(\\d+)");

    /** Collections so far, every collector (the JVM's perf counters); -1 when they cannot be read. */
    private long gcCount(long pid) {
        try {
            Matcher m = GC_INVOCATIONS.matcher(jcmd(pid, "PerfCounter.print"));
            long n = 0;
            boolean any = false;
            while (m.find()) {
                n += Long.parseLong(m.group(1));
                any = true;
            }
            return any ? n : -1;
        } catch (Exception e) {
            return -1;
        }
    }

    /**
     * Bytes allocated per connection while the connections opened (upgrades, garbage included): heap used before the
     * loaded snapshot's GC minus heap used after the empty one's; NaN when a collection ran in between.
     */
    private double allocatedPerConnection(Result r) {
        if (r.zero().gcsAfter() < 0 || r.zero().gcsAfter() != r.loaded().gcsBefore()) return Double.NaN;
        return (r.loaded().usedBeforeGc() - r.zero().heapUsed()) / (double) connections;
    }

    private String jcmd(long pid, String what) throws Exception {
        Process p = new ProcessBuilder(Path.of(javaHome, "bin", "jcmd").toString(), String.valueOf(pid), what)
                .redirectErrorStream(true).start();
        String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("jcmd " + pid + " " + what + " failed: " + s);
        }
        return s;
    }

    // ---------------------------------------------------------------- reporting

    private double per(Result r, java.util.function.ToLongFunction<Snapshot> f) {
        return (f.applyAsLong(r.loaded()) - f.applyAsLong(r.zero())) / (double) connections;
    }

    private String table(List<Result> results) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "idle connections: %d per target; server %s, pinned to CPU %s; client CPU %s%n",
                connections, String.join(" ", serverJvm), serverCpu.isEmpty() ? "-" : serverCpu,
                clientCpu.isEmpty() ? "-" : clientCpu));
        b.append(String.format(Locale.ROOT, "%-17s %14s %14s %12s %9s %14s %9s %14s %15s%n", "target", "live heap B/conn",
                "heap used B/conn", "RSS B/conn", "RSS KiB", "/netty (RSS)", "threads", "erl RSS B/conn",
                "allocated B/conn"));
        Result netty = results.stream().filter(r -> r.target().equals("netty")).findFirst().orElse(null);
        for (Result r : results) {
            double rss = per(r, Snapshot::rss);
            String ratio = netty == null ? "-" : String.format(Locale.ROOT, "%.2fx", rss / per(netty, Snapshot::rss));
            String erl = r.loaded().erlRss() < 0 ? "-" : String.format(Locale.ROOT, "%.0f", per(r, Snapshot::erlRss));
            double alloc = allocatedPerConnection(r);
            b.append(String.format(Locale.ROOT, "%-17s %14.0f %14.0f %12.0f %9.1f %14s %4d->%d %14s %15s%n", r.target(),
                    per(r, Snapshot::liveHeap), per(r, Snapshot::heapUsed), rss, rss / 1024, ratio,
                    r.zero().threads(), r.loaded().threads(), erl,
                    Double.isNaN(alloc) ? "- (a GC ran)" : String.format(Locale.ROOT, "%.0f", alloc)));
        }
        b.append("after close (live heap MB, 0 connections -> after): ");
        b.append(results.stream().map(r -> String.format(Locale.ROOT, "%s %.1f -> %.1f", r.target(),
                r.zero().liveHeap() / 1048576.0, r.closed().liveHeap() / 1048576.0)).collect(Collectors.joining(", ")));
        b.append('\n');
        for (Result r : results) {
            b.append(r.target()).append(", live bytes per connection by class (growth from 0 connections): ");
            b.append(r.topClasses().entrySet().stream()
                    .map(e -> String.format(Locale.ROOT, "%s %.0f B/conn (%.2f per conn)", e.getKey(),
                            e.getValue() / (double) connections, r.instancesGrown(e.getKey()) / (double) connections))
                    .collect(Collectors.joining(", ")));
            b.append('\n');
        }
        return b.toString();
    }

    private String json(List<Result> results) {
        StringBuilder b = new StringBuilder("{\n");
        b.append("  \"date\": \"").append(Instant.now()).append("\", \"connections\": ").append(connections)
                .append(", \"serverJvm\": \"").append(String.join(" ", serverJvm)).append("\",\n  \"targets\": [\n");
        b.append(results.stream().map(r -> String.format(Locale.ROOT, "    {\"target\": \"%s\", \"liveHeapPerConn\": %.1f,"
                + " \"heapUsedPerConn\": %.1f, \"rssPerConn\": %.1f, \"rssZero\": %d, \"rssLoaded\": %d,"
                + " \"liveHeapAfterClose\": %d, \"liveHeapZero\": %d, \"erlRssPerConn\": %s, \"allocatedPerConn\": %s,%n"
                + "      \"classesPerConn\": {%s}}", r.target(), per(r, Snapshot::liveHeap),
                per(r, Snapshot::heapUsed), per(r, Snapshot::rss), r.zero().rss(), r.loaded().rss(),
                r.closed().liveHeap(), r.zero().liveHeap(),
                r.loaded().erlRss() < 0 ? "null" : String.format(Locale.ROOT, "%.1f", per(r, Snapshot::erlRss)),
                Double.isNaN(allocatedPerConnection(r)) ? "null"
                        : String.format(Locale.ROOT, "%.1f", allocatedPerConnection(r)),
                classGrowth(r))).collect(Collectors.joining(",\n")));
        b.append("\n  ]\n}\n");
        return b.toString();
    }

    /**
     * Every class whose live bytes changed by at least 4 B per connection: {@code "name": [bytes, instances]} per
     * connection, so that two targets can be told apart class by class.
     */
    private String classGrowth(Result r) {
        java.util.Set<String> names = new java.util.TreeSet<>(r.loaded().classes().keySet());
        names.addAll(r.zero().classes().keySet());
        return names.stream()
                .map(n -> Map.entry(n, r.loaded().classes().getOrDefault(n, 0L) - r.zero().classes().getOrDefault(n, 0L)))
                .filter(e -> Math.abs(e.getValue()) >= 4L * connections)
                .sorted((x, y) -> Long.compare(y.getValue(), x.getValue()))
                .map(e -> String.format(Locale.ROOT, "\"%s\": [%.1f, %.2f]", e.getKey().replace("\"", ""),
                        e.getValue() / (double) connections, r.instancesGrown(e.getKey()) / (double) connections))
                .collect(Collectors.joining(", "));
    }

    private static String describe(Snapshot s) {
        return String.format(Locale.ROOT, "live heap %.1f MB, heap used %.1f MB, RSS %.1f MB, %d threads",
                s.liveHeap() / 1048576.0, s.heapUsed() / 1048576.0, s.rss() / 1048576.0, s.threads());
    }

    // ---------------------------------------------------------------- plumbing

    private String classPath(String module) throws IOException {
        return root.resolve(module + "/target/classes") + ":"
                + Files.readString(root.resolve(module + "/target/classpath.txt")).trim();
    }

    private static List<String> pinned(String cpu) {
        List<String> c = new ArrayList<>();
        if (!cpu.isEmpty()) c.addAll(List.of("taskset", "-c", cpu));
        return c;
    }


    private static void log(String fmt, Object... args) {
        EchoBenchmark.log(fmt, args);
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = EchoBenchmark.options(args, "IdleMemoryBenchmark --root DIR [--targets netty,corral-java,"
                + "corral-java-node,corral-erlang] [--connections N] [--wave W] [--warmup-connections N] [--server-cpu N|'']"
                + " [--client-cpu N|''] [--server-jvm 'FLAGS'] [--out FILE]");
        try {
            new IdleMemoryBenchmark(o).run();
        } catch (IllegalStateException e) {
            System.err.println("idle: " + e.getMessage());
            System.exit(1);
        }
    }
}
