package io.corral.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The scale benchmark: what N idle WebSocket connections cost a Corral server that is an Erlang node, and how long one
 * Erlang process takes to get a message to all of them and each client its frame.
 *
 * <ol>
 *   <li>Starts {@code io.corral.cli.Main serve --node corral_scale --cookie C} with
 *       {@link BroadcastReplyHandler} on {@code /scale} (own process, optionally pinned), and an {@code erl} node
 *       running {@code corral_scale_driver} (bench/erlang).</li>
 *   <li>Warm-up: a {@link ScaleClient} opens {@code --warmup-connections}, gets one broadcast, closes. Code paths
 *       are loaded and compiled, so the baseline holds no first-use costs.</li>
 *   <li>Snapshot "0 connections": live heap ({@code jcmd GC.class_histogram}, which runs a full GC first), heap used
 *       after that GC ({@code jcmd GC.heap_info}), VmRSS and Threads from /proc/PID/status.</li>
 *   <li>A second {@link ScaleClient} (own process) opens N connections in waves; snapshot "N connections".</li>
 *   <li>The driver fetches every pid ({@code gen_server:call({corral, Node}, connections, 60000)}), then per round
 *       sends {@code {bcast, R}} to each pid from one process; the broadcast time is from the wall-clock instant
 *       before its first send to the instant the client read the last connection's frame (same machine, same
 *       clock: os:system_time vs Instant.now). Median over the rounds.</li>
 *   <li>Snapshot after the broadcasts; the client closes everything; snapshot after close (a leak check).</li>
 * </ol>
 *
 * <pre>
 * java io.corral.bench.ScaleBenchmark --root DIR [--connections 10000] [--rounds 3] [--wave 500]
 *     [--server-cpu 0] [--client-cpu 1] [--server-heap 1g] [--server-jvm 'EXTRA FLAGS'] [--threads T]
 *     [--route java|erlang] [--out bench/results/scale.json]
 * </pre>
 * {@code --server-cpu ''} / {@code --client-cpu ''} run unpinned. {@code --route erlang} serves the connections
 * through an Erlang handler (bench/erlang/corral_bench_idle_h.erl) on the erl node the server starts itself, and the
 * snapshots add that node's RSS: the Erlang route's cost per connection is the JVM's and the node's together.
 */
public final class ScaleBenchmark {

    /** What the server process holds at one moment. Bytes; -1 when unknown. */
    record Snapshot(String label, int connections, long liveHeap, long heapUsed, long heapCommitted, long rss,
            int threads, long erlRss) {}

    /** One broadcast round, wall-clock microseconds. */
    record Round(int round, long sendStart, long sendEnd, long firstFrame, long lastFrame, int frames, int failures,
            double serverCpuMs, double clientCpuMs, double driverCpuMs) {
        double totalMs() {
            return (lastFrame - sendStart) / 1000.0;
        }

        double sendLoopMs() {
            return (sendEnd - sendStart) / 1000.0;
        }

        double firstFrameMs() {
            return (firstFrame - sendStart) / 1000.0;
        }
    }

    private final Path root;
    private final String javaHome = System.getProperty("java.home");
    private final String jinterface;
    private final int connections;
    private final int warmupConnections;
    private final int rounds;
    private final int wave;
    private final String serverCpu;
    private final String clientCpu;
    private final String serverHeap;
    private final String threads;
    /** {@code java}: BroadcastReplyHandler; {@code erlang}: corral_bench_idle_h on Corral's own local erl node. */
    private final String route;
    private final List<String> serverJvm;
    private final Path out;
    private long serverPid;
    private final String cookie = "scale" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

    ScaleBenchmark(Map<String, String> o) {
        root = Path.of(o.getOrDefault("root", ".")).toAbsolutePath().normalize();
        jinterface = o.getOrDefault("jinterface", System.getenv().getOrDefault("CORRAL_JINTERFACE_JAR", ""));
        connections = Integer.parseInt(o.getOrDefault("connections", "10000"));
        warmupConnections = Integer.parseInt(o.getOrDefault("warmup-connections", "200"));
        rounds = Integer.parseInt(o.getOrDefault("rounds", "3"));
        wave = Integer.parseInt(o.getOrDefault("wave", "500"));
        serverCpu = o.getOrDefault("server-cpu", "0");
        clientCpu = o.getOrDefault("client-cpu", "1");
        serverHeap = o.getOrDefault("server-heap", "1g");
        threads = o.getOrDefault("threads", "");
        route = o.getOrDefault("route", "java");
        if (!route.equals("java") && !route.equals("erlang")) throw new IllegalArgumentException("--route java|erlang");
        String extra = o.getOrDefault("server-jvm", "").trim();
        serverJvm = extra.isEmpty() ? List.of() : List.of(extra.split("\\s+"));
        out = root.resolve(o.getOrDefault("out", "bench/results/scale.json"));
    }

    void run() throws Exception {
        int port = EchoBenchmark.freePort();
        String host = shortHost();
        String javaNode = "corral_scale@" + host;
        Path routes = Files.createTempFile("corral-scale-routes", ".conf");
        Files.writeString(routes, route.equals("erlang")
                ? "[{'_', [{\"/scale\", corral_bench_idle_h, []}]}].\n"
                : "[{'_', [{\"/scale\", 'io.corral.bench.BroadcastReplyHandler', []}]}].\n");
        String url = "ws://127.0.0.1:" + port + "/scale";

        List<String> cmd = pinned(serverCpu);
        cmd.add(java());
        cmd.addAll(EchoBenchmark.heapFlags(serverHeap)); // the launcher's heap of that size
        cmd.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-Dio.netty.leakDetection.level=disabled"));
        cmd.addAll(serverJvm);
        cmd.addAll(List.of("-Dcorral.home=" + root, "-cp", serverClassPath(), "io.corral.cli.Main", "serve",
                "--port", String.valueOf(port), "--routes", routes.toString(),
                "--node", "corral_scale", "--cookie", cookie,
                // The listener's default limit (the open-file limit less a quarter, at most 1,024 held back) is under
                // the 19,950 connections this machine's fd limit allows; the benchmark sets the connections.
                "--max-connections", String.valueOf(connections + warmupConnections)));
        if (!threads.isEmpty()) cmd.addAll(List.of("--threads", threads));
        if (route.equals("erlang")) cmd.addAll(List.of("--pa", root.resolve("bench/erlang/ebin").toString()));
        log("server: %s", String.join(" ", cmd).replace(cookie, "<cookie>"));
        ChildProcess server = ChildProcess.start(cmd, root);
        ChildProcess driver = null;
        List<Snapshot> snaps = new ArrayList<>();
        List<Round> results = new ArrayList<>();
        String pidsLine = null;
        List<String> problems = new ArrayList<>();
        try {
            server.await(l -> l.contains("listening on"), 60, "server start");
            long pid = server.process.pid();
            serverPid = pid;
            log("server pid %d, node %s, %s", pid, javaNode, url);

            List<String> erl = pinned(clientCpu);
            // No scheduler busy-waiting: erl shares its CPU with the client, and a spinning scheduler would take the
            // client's time while it reads the broadcast's frames.
            erl.addAll(List.of("erl", "-sname", "scale_driver", "-setcookie", cookie, "-noshell",
                    "+sbwt", "none", "+sbwtdcpu", "none", "+sbwtdio", "none", "-pa",
                    root.resolve("bench/erlang/ebin").toString(), "-run", "corral_scale_driver", "main", javaNode));
            driver = ChildProcess.start(erl, root);
            driver.send("count");
            driver.await(l -> l.startsWith("COUNT "), 60, "driver: first call to the corral service");

            // Warm-up: every code path of a connection's life once, so the baseline holds no first-use costs.
            log("warm-up: %d connections, one broadcast, close", warmupConnections);
            ChildProcess warm = startClient(url, warmupConnections);
            warm.await(l -> l.startsWith("CONNECTED "), 120, "warm-up client connect");
            driver.send("pids");
            driver.await(l -> l.startsWith("PIDS "), 90, "warm-up pids");
            broadcast(driver, warm, 0);
            warm.send("CLOSE");
            warm.await(l -> l.equals("CLOSED"), 60, "warm-up close");
            warm.closeAndStop();
            awaitCount(driver, 0);

            snaps.add(snapshot(pid, "0 connections", 0));
            log("  %s", describe(snaps.getLast()));

            log("opening %d connections (waves of %d)", connections, wave);
            ChildProcess client = startClient(url, connections);
            String connected = client.await(l -> l.startsWith("CONNECTED "), 900, "client connect");
            log("  client: %s", connected);
            int serverSide = awaitCount(driver, connections);
            snaps.add(snapshot(pid, connections + " connections", serverSide));
            log("  %s", describe(snaps.getLast()));

            driver.send("pids");
            pidsLine = driver.await(l -> l.startsWith("PIDS ") || l.startsWith("ERROR"), 120,
                    "gen_server:call(corral, connections)");
            log("  driver: %s", pidsLine);
            if (pidsLine.startsWith("ERROR")) throw new IllegalStateException("connections call failed: " + pidsLine);
            int pids = Integer.parseInt(pidsLine.split(" ")[1]);
            if (pids != connections) problems.add("the corral service listed " + pids + " pids for " + connections
                    + " connections");

            for (int r = 1; r <= rounds; r++) {
                Round x = broadcast(driver, client, r);
                results.add(x);
                log("  round %d: %.1f ms to the last frame (send loop %.1f ms, first frame after %.1f ms), %d frames,"
                        + " %d failures; CPU ms: server %.0f, client %.0f", r, x.totalMs(), x.sendLoopMs(),
                        x.firstFrameMs(), x.frames(), x.failures(), x.serverCpuMs(), x.clientCpuMs());
                if (x.frames() != connections || x.failures() > 0) {
                    problems.add("round " + r + ": " + x.frames() + " frames, " + x.failures() + " failures");
                }
                Thread.sleep(500);
            }
            snaps.add(snapshot(pid, "after broadcasts", awaitCount(driver, connections)));
            log("  %s", describe(snaps.getLast()));

            client.send("CLOSE");
            client.await(l -> l.equals("CLOSED"), 120, "client close");
            client.closeAndStop();
            snaps.add(snapshot(pid, "after close", awaitCount(driver, 0)));
            log("  %s", describe(snaps.getLast()));
        } finally {
            if (driver != null) {
                driver.send("quit");
                driver.closeAndStop();
            }
            server.closeAndStop();
            Files.deleteIfExists(routes);
        }

        String table = table(snaps, results, pidsLine, problems);
        System.out.println();
        System.out.print(table);
        Files.createDirectories(out.getParent());
        Files.writeString(out, json(snaps, results, pidsLine, problems));
        System.out.println("written " + root.relativize(out));
    }

    private ChildProcess startClient(String url, int n) throws IOException {
        List<String> c = pinned(clientCpu);
        c.addAll(List.of(java(), "-Xmx1g", "--enable-native-access=ALL-UNNAMED", "-cp", benchClassPath(),
                "io.corral.bench.ScaleClient", "--url", url, "--connections", String.valueOf(n),
                "--wave", String.valueOf(wave),
                // The Java route's handler has the default 60 s idle_timeout: the client pings to keep the first
                // connections open while the last are opened. The Erlang route's (corral_bench_idle_h) has none,
                // and a ping is an event for its proxy (websocket_handle): its connections stay truly idle.
                "--keepalive-ms", route.equals("erlang") ? "0" : "20000"));
        return ChildProcess.start(c, root);
    }

    /** One round: arm the client, have the driver send, wait for the client's last frame. */
    private Round broadcast(ChildProcess driver, ChildProcess client, int r) throws Exception {
        long server0 = EchoBenchmark.cpuTicks(serverPid), client0 = EchoBenchmark.cpuTicks(client.process.pid());
        long driver0 = EchoBenchmark.cpuTicks(driver.process.pid());
        client.send("ARM " + r);
        client.await(l -> l.equals("ARMED " + r), 30, "client arm");
        driver.send("send " + r);
        String sent = driver.await(l -> l.startsWith("SENT " + r + " ") || l.startsWith("ERROR"), 300, "driver send");
        if (sent.startsWith("ERROR")) throw new IllegalStateException("driver: " + sent);
        String done;
        try {
            done = client.await(l -> l.startsWith("DONE " + r + " "), 120, "every frame of round " + r);
        } catch (IllegalStateException e) {
            client.send("STATUS");
            String st = client.await(l -> l.startsWith("STATUS "), 10, "client status");
            throw new IllegalStateException(e.getMessage() + "; client " + st + " (got open failures)");
        }
        // CPU used by each process over the round (10 ms ticks; includes the arm/send/done messaging, which is tiny).
        double serverCpu = (EchoBenchmark.cpuTicks(serverPid) - server0) * 10.0;
        double clientCpu = (EchoBenchmark.cpuTicks(client.process.pid()) - client0) * 10.0;
        double driverCpu = (EchoBenchmark.cpuTicks(driver.process.pid()) - driver0) * 10.0;
        String[] s = sent.split(" ");
        String[] d = done.split(" ");
        return new Round(r, Long.parseLong(s[2]), Long.parseLong(s[3]), Long.parseLong(d[2]), Long.parseLong(d[3]),
                Integer.parseInt(d[4]), Integer.parseInt(d[5]), serverCpu, clientCpu, driverCpu);
    }

    /** Polls the corral service until the listener has {@code n} live connections (closing is asynchronous). */
    private int awaitCount(ChildProcess driver, int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int c = -1;
        while (System.nanoTime() < deadline) {
            driver.send("count");
            String l = driver.await(x -> x.startsWith("COUNT ") || x.startsWith("ERROR"), 60, "count");
            if (l.startsWith("ERROR")) throw new IllegalStateException("driver: " + l);
            c = Integer.parseInt(l.split(" ")[1]);
            if (c == n) return c;
            Thread.sleep(200);
        }
        throw new IllegalStateException("the server reports " + c + " connections, expected " + n);
    }

    // ---------------------------------------------------------------- measuring the server

    private static final Pattern HISTO_TOTAL = Pattern.compile("(?m)^Total\\s+(\\d+)\\s+(\\d+)");
    /** A heap (G1) or generation (Serial, Parallel) line of GC.heap_info; Metaspace lines are excluded by name. */
    private static final Pattern HEAP_USED = Pattern.compile("(?m)^\\s*([^\\n]*?)\\s+total (\\d+)K, used (\\d+)K");

    private Snapshot snapshot(long pid, String label, int conns) throws Exception {
        // GC.class_histogram counts live objects only, after a full GC (System.gc()-equivalent, synchronous).
        String histo = jcmd(pid, "GC.class_histogram");
        Matcher m = HISTO_TOTAL.matcher(histo);
        long live = m.find() ? Long.parseLong(m.group(2)) : -1;
        // Heap used right after that GC: the live set plus whatever the collector keeps (G1 regions, TLABs).
        String info = jcmd(pid, "GC.heap_info");
        Matcher u = HEAP_USED.matcher(info);
        long used = -1, committed = -1;
        while (u.find()) {
            if (u.group(1).contains("Metaspace") || u.group(1).contains("class space")) continue;
            committed = Math.max(committed, 0) + Long.parseLong(u.group(2)) * 1024;
            used = Math.max(used, 0) + Long.parseLong(u.group(3)) * 1024;
        }
        Thread.sleep(500); // let the GC's freeing settle before reading RSS
        Map<String, String> status = procStatus(pid);
        long rss = status.containsKey("VmRSS") ? Long.parseLong(status.get("VmRSS").replace("kB", "").trim()) * 1024 : -1;
        int thr = status.containsKey("Threads") ? Integer.parseInt(status.get("Threads").trim()) : -1;
        return new Snapshot(label, conns, live, used, committed, rss, thr, erlRss(pid));
    }

    /** VmRSS of the erl node the server started for its Erlang handlers (a beam.smp below it), -1 when none. */
    static long erlRss(long serverPid) {
        long total = -1;
        for (ProcessHandle h : ProcessHandle.of(serverPid).map(p -> p.descendants().toList()).orElse(List.of())) {
            if (!h.info().command().orElse("").endsWith("beam.smp")) continue;
            try {
                String v = procStatus(h.pid()).get("VmRSS");
                if (v != null) total = Math.max(total, 0) + Long.parseLong(v.replace("kB", "").trim()) * 1024;
            } catch (IOException | RuntimeException e) {
                // it exited meanwhile
            }
        }
        return total;
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

    static Map<String, String> procStatus(long pid) throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            int c = l.indexOf(':');
            if (c > 0) m.put(l.substring(0, c), l.substring(c + 1).trim());
        }
        return m;
    }

    // ---------------------------------------------------------------- reporting

    static double median(List<Double> xs) {
        return EchoBenchmark.median(xs);
    }

    private static String mb(long bytes) {
        return bytes < 0 ? "?" : String.format(Locale.ROOT, "%.1f", bytes / 1048576.0);
    }

    private static String describe(Snapshot s) {
        return String.format(Locale.ROOT, "%s: live heap %s MB, heap used %s MB, heap committed %s MB, RSS %s MB,"
                + " %d threads", s.label(), mb(s.liveHeap()), mb(s.heapUsed()), mb(s.heapCommitted()), mb(s.rss()),
                s.threads());
    }

    /** (with N - with 0) / N, in bytes. */
    private double perConnection(List<Snapshot> snaps, java.util.function.ToLongFunction<Snapshot> f) {
        Snapshot zero = snaps.get(0);
        Snapshot full = snaps.get(1);
        return (f.applyAsLong(full) - f.applyAsLong(zero)) / (double) connections;
    }

    private String table(List<Snapshot> snaps, List<Round> rounds, String pidsLine, List<String> problems) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%-18s %11s %12s %12s %12s %9s %8s %10s%n", "server", "connections",
                "live heap MB", "heap used MB", "committed MB", "RSS MB", "threads", "erl RSS MB"));
        for (Snapshot s : snaps) {
            b.append(String.format(Locale.ROOT, "%-18s %11d %12s %12s %12s %9s %8d %10s%n", s.label(), s.connections(),
                    mb(s.liveHeap()), mb(s.heapUsed()), mb(s.heapCommitted()), mb(s.rss()), s.threads(),
                    s.erlRss() < 0 ? "-" : mb(s.erlRss())));
        }
        if (snaps.size() >= 2) {
            b.append(String.format(Locale.ROOT, "per connection ((%d conns - 0) / %d): live heap %.0f B, heap used %.0f B,"
                    + " heap committed %.0f B, RSS %.0f B; threads %d -> %d%n", connections, connections,
                    perConnection(snaps, Snapshot::liveHeap), perConnection(snaps, Snapshot::heapUsed),
                    perConnection(snaps, Snapshot::heapCommitted), perConnection(snaps, Snapshot::rss),
                    snaps.get(0).threads(), snaps.get(1).threads()));
            if (snaps.get(1).erlRss() >= 0) {
                b.append(String.format(Locale.ROOT, "per connection, Erlang route: JVM RSS %.0f B + erl node RSS %.0f B"
                        + " = %.0f B%n", perConnection(snaps, Snapshot::rss), perConnection(snaps, Snapshot::erlRss),
                        perConnection(snaps, Snapshot::rss) + perConnection(snaps, Snapshot::erlRss)));
            }
        }
        if (pidsLine != null) {
            String[] p = pidsLine.split(" ");
            if (p.length >= 4) b.append(String.format(Locale.ROOT, "gen_server:call({corral, Node}, connections): %s pids"
                    + " in %s ms, %s bytes%n", p[1], p[2], p[3]));
        }
        if (!rounds.isEmpty()) {
            b.append(String.format(Locale.ROOT, "%-6s %12s %12s %14s %8s %9s %11s %11s %11s%n", "round", "to last ms",
                    "send loop ms", "first frame ms", "frames", "failures", "srv CPU ms", "cli CPU ms", "erl CPU ms"));
            for (Round r : rounds) {
                b.append(String.format(Locale.ROOT, "%-6d %12.1f %12.1f %14.1f %8d %9d %11.0f %11.0f %11.0f%n", r.round(),
                        r.totalMs(), r.sendLoopMs(), r.firstFrameMs(), r.frames(), r.failures(), r.serverCpuMs(),
                        r.clientCpuMs(), r.driverCpuMs()));
            }
            b.append(String.format(Locale.ROOT, "broadcast to %d connections: median %.1f ms from the first send to the"
                    + " last frame read by the client (%d rounds)%n", connections,
                    median(rounds.stream().map(Round::totalMs).toList()), rounds.size()));
        }
        b.append(String.format(Locale.ROOT, "server pinned to CPU %s, client and erl driver to CPU %s; server heap %s"
                + " (the launcher's flags for that size)%n",
                serverCpu.isEmpty() ? "-" : serverCpu, clientCpu.isEmpty() ? "-" : clientCpu, serverHeap));
        for (String p : problems) b.append("PROBLEM: ").append(p).append('\n');
        return b.toString();
    }

    private String json(List<Snapshot> snaps, List<Round> rounds, String pidsLine, List<String> problems) {
        StringBuilder b = new StringBuilder("{\n");
        b.append("  \"date\": \"").append(Instant.now()).append("\",\n");
        b.append(String.format(Locale.ROOT, "  \"connections\": %d, \"rounds\": %d, \"wave\": %d, \"serverCpu\": \"%s\","
                + " \"clientCpu\": \"%s\", \"serverHeap\": \"%s\",%n", connections, rounds.size(), wave, serverCpu,
                clientCpu, serverHeap));
        b.append("  \"snapshots\": [\n");
        b.append(snaps.stream().map(s -> String.format(Locale.ROOT, "    {\"label\": \"%s\", \"connections\": %d,"
                + " \"liveHeapBytes\": %d, \"heapUsedBytes\": %d, \"heapCommittedBytes\": %d, \"rssBytes\": %d,"
                + " \"threads\": %d, \"erlRssBytes\": %d}", s.label(), s.connections(), s.liveHeap(), s.heapUsed(),
                s.heapCommitted(), s.rss(), s.threads(), s.erlRss())).collect(Collectors.joining(",\n")));
        b.append("\n  ],\n");
        if (snaps.size() >= 2) {
            b.append(String.format(Locale.ROOT, "  \"perConnection\": {\"liveHeapBytes\": %.1f, \"heapUsedBytes\": %.1f,"
                    + " \"heapCommittedBytes\": %.1f, \"rssBytes\": %.1f, \"erlRssBytes\": %s},%n",
                    perConnection(snaps, Snapshot::liveHeap), perConnection(snaps, Snapshot::heapUsed),
                    perConnection(snaps, Snapshot::heapCommitted), perConnection(snaps, Snapshot::rss),
                    snaps.get(1).erlRss() < 0 ? "null" : String.format(Locale.ROOT, "%.1f",
                            perConnection(snaps, Snapshot::erlRss))));
            b.append(String.format(Locale.ROOT, "  \"threads\": {\"zero\": %d, \"loaded\": %d},%n",
                    snaps.get(0).threads(), snaps.get(1).threads()));
        }
        if (pidsLine != null && pidsLine.startsWith("PIDS ")) {
            String[] p = pidsLine.split(" ");
            b.append(String.format(Locale.ROOT, "  \"connectionsCall\": {\"pids\": %s, \"millis\": %s, \"bytes\": %s},%n",
                    p[1], p[2], p[3]));
        }
        b.append("  \"broadcast\": {\"medianMillis\": ")
                .append(rounds.isEmpty() ? "null" : String.format(Locale.ROOT, "%.1f",
                        median(rounds.stream().map(Round::totalMs).toList())))
                .append(", \"rounds\": [");
        b.append(rounds.stream().map(r -> String.format(Locale.ROOT, "{\"round\": %d, \"toLastFrameMillis\": %.1f,"
                + " \"sendLoopMillis\": %.1f, \"firstFrameMillis\": %.1f, \"frames\": %d, \"failures\": %d,"
                + " \"serverCpuMillis\": %.0f, \"clientCpuMillis\": %.0f, \"driverCpuMillis\": %.0f}", r.round(),
                r.totalMs(), r.sendLoopMs(), r.firstFrameMs(), r.frames(), r.failures(), r.serverCpuMs(),
                r.clientCpuMs(), r.driverCpuMs())).collect(Collectors.joining(", ")));
        b.append("]},\n");
        b.append("  \"problems\": [").append(problems.stream().map(p -> "\"" + p.replace("\"", "'") + "\"")
                .collect(Collectors.joining(", "))).append("]\n}\n");
        return b.toString();
    }

    // ---------------------------------------------------------------- plumbing

    private String java() {
        return Path.of(javaHome, "bin", "java").toString();
    }

    private static List<String> pinned(String cpu) {
        List<String> c = new ArrayList<>();
        if (!cpu.isEmpty()) c.addAll(List.of("taskset", "-c", cpu));
        return c;
    }

    private String benchClassPath() throws IOException {
        return root.resolve("bench/target/classes") + ":" + Files.readString(root.resolve("bench/target/classpath.txt")).trim()
                + (jinterface.isEmpty() ? "" : ":" + jinterface);
    }

    /** bin/corral's class path + OtpErlang.jar + bench/target/classes (for BroadcastReplyHandler). */
    private String serverClassPath() throws IOException {
        return root.resolve("java-node/target/classes") + ":"
                + Files.readString(root.resolve("java-node/target/classpath.txt")).trim()
                + (jinterface.isEmpty() ? "" : ":" + jinterface) + ":" + root.resolve("bench/target/classes");
    }

    /** The host part {@code erl -sname} uses (as NodeSettings.localHost(false)). */
    private static String shortHost() {
        try {
            String h = InetAddress.getLocalHost().getHostName();
            int dot = h.indexOf('.');
            return dot > 0 ? h.substring(0, dot) : h;
        } catch (IOException e) {
            return "localhost";
        }
    }


    private static void log(String fmt, Object... args) {
        EchoBenchmark.log(fmt, args);
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = EchoBenchmark.options(args, "ScaleBenchmark --root DIR [--connections N] [--rounds R]"
                + " [--wave W] [--warmup-connections N] [--server-cpu N|''] [--client-cpu N|''] [--server-heap 1g]"
                + " [--server-jvm 'FLAGS'] [--threads T] [--route java|erlang] [--out FILE]");
        try {
            new ScaleBenchmark(o).run();
        } catch (IllegalStateException e) {
            System.err.println("scale: " + e.getMessage());
            System.exit(1);
        }
    }
}
