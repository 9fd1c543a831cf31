package io.corral.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The cluster broadcast benchmark (bench/cluster-broadcast.sh; bench/README.md section 4): one Erlang process sends
 * one message to every member of pg group {@code bench}, N connections in all, and the clients time the last frame.
 *
 * <ul>
 *   <li>{@code corral}: an erlang-bridge node (also the driver: {@code corral_bcast_driver}) and two Corral JVMs
 *   ({@code corral serve --erlang-node BRIDGE}), N/2 connections each, every one a Java handler
 *   ({@link GroupBroadcastHandler}) that joined {@code bench} with {@code Connection.join}: pg holds one relay
 *   per JVM, and the JVM fans the message out.</li>
 *   <li>{@code corral-erlang}: the same, but every connection is served by the Cowboy module the cowboy target runs,
 *   through Corral's Erlang route: its proxies on the bridge node are the pg members (one message per connection,
 *   as on Cowboy), and the bridge node is pinned with the server.</li>
 *   <li>{@code cowboy}: one Erlang node running real Cowboy 2.17 (built from ../shared/cowboy or
 *   {@code CORRAL_COWBOY_SRC} into bench/target/cowboy) with N native websocket processes
 *   ({@code corral_bench_group_h}) that joined {@code bench}; the same driver sends from that node.</li>
 * </ul>
 *
 * Per round: time from just before the first send (the driver's wall clock) to the last frame read by any client
 * (the clients' wall clock, same machine), the CPU each process used over the round ({@code /proc}, 10 ms ticks),
 * and the methods each JVM's JIT compiled meanwhile ({@code jstat -compiler}, read from the JVM's perf-data file
 * without stopping it). Every connection must get exactly one {@code "bcast R"}.
 *
 * <p>Warm-up: {@code --warmup} rounds (30) before the measured ones, for every target, so that the rounds measured
 * are not the JIT's: on one shared core the JVMs' JIT compiles the fan-out path over 15 to 20 rounds of 10,000
 * connections (37 % of a Corral JVM's CPU was C2 in such rounds, by {@code perf}), and a round in which C2 runs
 * costs the JVM two to three times a warm one. The {@code jit} figures say how many methods each JVM compiled in
 * each round: a warm JVM still compiles a few per round (tier changes), a cold one tens to hundreds. BEAM compiles
 * at load time.
 *
 * <pre>
 * ClusterBroadcastBenchmark --root DIR [--targets corral,corral-erlang,cowboy] [--connections 10000] [--rounds 5]
 *     [--warmup 30] [--wave 500] [--server-cpu 0|''] [--client-cpu 1|''] [--cowboy-src DIR]
 * </pre>
 */
public final class ClusterBroadcastBenchmark {

    private final Path root;
    private final List<String> targets;
    private final int connections;
    private final int rounds;
    private final int warmup;
    private final int wave;
    private final String serverCpu;
    private final String clientCpu;
    private final String javaHome;
    private final String jinterface;
    private final Path cowboySrc;
    private final String cookie = "bcast_" + Long.toHexString(System.nanoTime());
    private final String host = shortHost();
    private final List<ChildProcess> started = new ArrayList<>();

    ClusterBroadcastBenchmark(Map<String, String> o) {
        root = Path.of(o.getOrDefault("root", ".")).toAbsolutePath();
        targets = List.of(o.getOrDefault("targets", "corral,corral-erlang,cowboy").split(","));
        connections = Integer.parseInt(o.getOrDefault("connections", "10000"));
        rounds = Integer.parseInt(o.getOrDefault("rounds", "5"));
        warmup = Integer.parseInt(o.getOrDefault("warmup", "30"));
        wave = Integer.parseInt(o.getOrDefault("wave", "500"));
        serverCpu = o.getOrDefault("server-cpu", "0");
        clientCpu = o.getOrDefault("client-cpu", "1");
        javaHome = o.getOrDefault("java-home", System.getProperty("java.home"));
        jinterface = o.getOrDefault("jinterface", System.getenv().getOrDefault("CORRAL_JINTERFACE_JAR", ""));
        String src = o.getOrDefault("cowboy-src", System.getenv().getOrDefault("CORRAL_COWBOY_SRC", ""));
        cowboySrc = src.isEmpty() ? root.resolve("../shared/cowboy").normalize() : Path.of(src);
    }

    /**
     * One round: processes' CPU in ms and, for JVMs, the methods their JIT compiled during it, by name; whether it
     * was a warm-up round.
     */
    record Round(String target, int round, boolean warmup, double toLastMs, double sendLoopMs, int frames,
            int failures, int members, Map<String, Double> cpuMs, Map<String, Long> compiled) {}

    /** A target set up and connected: its driver node, clients, the processes whose CPU counts, pg's member count. */
    record Setup(String target, ChildProcess driver, List<ChildProcess> clients, Map<String, ChildProcess> measured,
            int members) {}

    void run() throws Exception {
        List<Round> all = new ArrayList<>();
        try {
            // Every target is set up first and stays connected; then the rounds alternate between them (round r of
            // each target, then round r + 1 of each), so a change in the machine's load falls on all of them alike
            // and each round has a same-round ratio against native Cowboy. An idle target costs the shared core
            // only its clients' keep-alive pings.
            List<Setup> setups = new ArrayList<>();
            for (String t : targets) {
                setups.add(switch (t) {
                    case "corral" -> corral(false);
                    case "corral-erlang" -> corral(true);
                    case "cowboy" -> cowboy();
                    default -> throw new IllegalArgumentException("unknown target " + t + " (corral, corral-erlang, cowboy)");
                });
            }
            for (int r = 1; r <= warmup + rounds; r++) {
                for (Setup su : setups) all.add(round(su, r, r <= warmup));
            }
        } catch (IllegalStateException e) {
            // The failing process's output is in the message; the others' last lines often say why (a server
            // that refused or reset the connections, a node that went away).
            for (ChildProcess p : started) {
                System.err.println("cluster-broadcast: last output of " + p.name + " (pid " + p.process.pid() + "): "
                        + String.join(" | ", p.tail()));
            }
            throw e;
        } finally {
            stopAll();
        }
        System.out.printf("%-13s %5s %10s %12s %7s %8s %7s  %s%n", "target", "round", "to last ms", "send loop ms",
                "frames", "failures", "members", "CPU ms per process");
        for (Round r : all) {
            StringBuilder cpu = new StringBuilder();
            r.cpuMs().forEach((k, v) -> {
                cpu.append(String.format("%s %.0f", k, v));
                Long jit = r.compiled().get(k);
                cpu.append(jit == null ? "  " : String.format(" (jit %d)  ", jit));
            });
            String round = r.warmup() ? "w" + r.round() : String.valueOf(r.round());
            System.out.printf("%-13s %5s %10.1f %12.1f %7d %8d %7d  %s%n", r.target(), round, r.toLastMs(),
                    r.sendLoopMs(), r.frames(), r.failures(), r.members(), cpu.toString().trim());
        }
        // The warm-up rounds (w1..wN, the same work, every frame checked too) let the JVMs' JIT compile the fan-out
        // path before anything is measured, as JMH does; BEAM compiles at load time. The median is of the rest.
        for (String t : targets) {
            double[] ms = all.stream().filter(r -> r.target().equals(t) && !r.warmup())
                    .mapToDouble(Round::toLastMs).sorted().toArray();
            if (ms.length > 0) {
                System.out.printf("%s: median to last frame %.1f ms over %d rounds (after %d warm-up rounds)%n", t,
                        ms[ms.length / 2], ms.length, warmup);
            }
        }
        // Same-round ratios against native Cowboy: each measured round of a target over the cowboy round run right
        // after it, the median of those (below 1.0: sooner than Cowboy).
        for (String t : targets) {
            if (t.equals("cowboy") || !targets.contains("cowboy")) continue;
            List<Double> ratios = new ArrayList<>();
            for (Round r : all) {
                if (!r.target().equals(t) || r.warmup()) continue;
                all.stream().filter(c -> c.target().equals("cowboy") && c.round() == r.round()).findFirst()
                        .ifPresent(c -> ratios.add(r.toLastMs() / c.toLastMs()));
            }
            ratios.sort(null);
            if (!ratios.isEmpty()) {
                StringBuilder each = new StringBuilder();
                for (double x : ratios) each.append(String.format(" %.2f", x));
                System.out.printf("%s / cowboy: median of same-round ratios of the time to the last frame %.2fx"
                        + " (sorted:%s)%n", t, ratios.get(ratios.size() / 2), each);
            }
        }
        for (Round r : all) {
            if (r.failures() > 0 || r.frames() != connections) {
                throw new IllegalStateException(r.target() + " round " + r.round() + ": " + r.frames() + " frames, "
                        + r.failures() + " failures (want " + connections + ", 0)");
            }
        }
    }

    /**
     * {@code erlangRoute}: the connections are served by the Cowboy module {@code corral_bench_group_h} (the one the
     * cowboy target runs) through Corral's Erlang route: its proxies run on the bridge node and are the pg members,
     * so the driver sends one message per connection as on Cowboy. That node then does the handlers' work and is
     * pinned with the server, as the Cowboy node is; with Java handlers it only holds the relays and the driver.
     */
    private Setup corral(boolean erlangRoute) throws Exception {
        String target = erlangRoute ? "corral-erlang" : "corral";
        // Each target has nodes of its own names: all targets are up at once (bench/cluster-broadcast.sh checks
        // that none of these names is registered already).
        String prefix = erlangRoute ? "bcast_e" : "bcast_";
        String bridge = prefix + "bridge@" + host;
        Path bridgeHome = root.resolve("erlang-bridge");
        List<String> erl = pinned(erlangRoute ? serverCpu : clientCpu);
        erl.addAll(List.of("erl", "-sname", prefix + "bridge", "-setcookie", cookie, "-noshell", "-kernel", "start_pg",
                "true", "+sbwt", "none", "+sbwtdcpu", "none", "+sbwtdio", "none",
                "-pa", bridgeHome.resolve("ebin").toString(), bridgeHome.resolve("compat-ebin").toString(),
                root.resolve("bench/erlang/ebin").toString(),
                "-eval", "{ok, _} = application:ensure_all_started(corral_bridge).", "-s", "corral_bcast_driver", "main"));
        ChildProcess driver = start(erl);
        driver.send("joined");
        driver.await(l -> l.startsWith("JOINED "), 60, "driver start");

        Path routes = Files.createTempFile("corral-bcast-routes", ".conf");
        routes.toFile().deleteOnExit();
        Files.writeString(routes, erlangRoute
                ? "[{'_', [{\"/bcast\", corral_bench_group_h, #{notify => '" + bridge + "'}}]}].\n"
                : "[{'_', [{\"/bcast\", 'io.corral.bench.GroupBroadcastHandler', [{notify, '" + bridge + "'}]}]}].\n");
        Map<String, ChildProcess> jvms = new LinkedHashMap<>();
        List<ChildProcess> clients = new ArrayList<>();
        for (String name : List.of(prefix + "jvm_a", prefix + "jvm_b")) {
            int port = EchoBenchmark.freePort();
            List<String> cmd = pinned(serverCpu);
            // The heap ./corral gives itself at 1 GiB (EchoBenchmark.heapFlags), as bench/run.sh's servers get.
            cmd.add(java());
            cmd.addAll(EchoBenchmark.heapFlags("1g"));
            cmd.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-Dcorral.home=" + root));
            // BENCH_SERVER_JVM_OPTS: extra flags for the Corral JVMs, as in bench/run.sh (e.g. a flight recording).
            String extra = System.getenv("BENCH_SERVER_JVM_OPTS");
            if (extra != null && !extra.isBlank()) cmd.addAll(List.of(extra.trim().replace("%NAME%", name).split("\\s+")));
            cmd.addAll(List.of("-cp", serverClassPath(), "io.corral.cli.Main", "serve", "--port", String.valueOf(port),
                    "--routes", routes.toString(), "--node", name, "--cookie", cookie, "--erlang-node", bridge));
            ChildProcess jvm = start(cmd);
            jvm.await(l -> l.contains("listening on"), 60, name + " start");
            jvms.put(name, jvm);
            clients.add(startClient("ws://127.0.0.1:" + port + "/bcast", connections / 2));
        }
        for (ChildProcess c : clients) c.await(l -> l.startsWith("CONNECTED "), 900, "client connect");
        int members = awaitJoined(driver, clients.size() * (connections / 2));
        Map<String, ChildProcess> measured = new LinkedHashMap<>(jvms);
        measured.put("erl", driver);
        for (int i = 0; i < clients.size(); i++) measured.put("client" + (char) ('A' + i), clients.get(i));
        return new Setup(target, driver, clients, measured, members);
    }

    private Setup cowboy() throws Exception {
        Path out = root.resolve("bench/target/cowboy");
        if (!Files.isRegularFile(cowboySrc.resolve("build.sh"))) {
            throw new IllegalStateException("Cowboy sources not found at " + cowboySrc + " (set CORRAL_COWBOY_SRC)");
        }
        Process build = new ProcessBuilder("bash", cowboySrc.resolve("build.sh").toString(), out.toString())
                .inheritIO().start();
        if (build.waitFor() != 0) throw new IllegalStateException("Cowboy build failed");
        int port = EchoBenchmark.freePort();
        List<String> erl = pinned(serverCpu);
        erl.addAll(List.of("erl", "-sname", "bcast_cowboy", "-setcookie", cookie, "-noshell", "-kernel", "start_pg",
                "true", "+sbwt", "none", "+sbwtdcpu", "none", "+sbwtdio", "none", "+Q", "65536", "-pa"));
        for (String app : List.of("cowboy", "cowlib", "ranch")) erl.add(out.resolve("2.17.0/" + app + "/ebin").toString());
        erl.addAll(List.of(root.resolve("bench/erlang/ebin").toString(), "-s", "corral_bcast_driver", "main"));
        ChildProcess node = start(erl);
        node.send("cowboy " + port);
        node.await(l -> l.startsWith("COWBOY ") || l.startsWith("ERROR"), 60, "cowboy listener");
        ChildProcess client = startClient("ws://127.0.0.1:" + port + "/bcast", connections);
        client.await(l -> l.startsWith("CONNECTED "), 900, "client connect");
        int members = awaitJoined(node, connections);
        Map<String, ChildProcess> measured = new LinkedHashMap<>();
        measured.put("erl", node);
        measured.put("client", client);
        return new Setup("cowboy", node, List.of(client), measured, members);
    }

    /** Waits for every connection's `joined` notice; returns the group's pg member count. */
    private static int awaitJoined(ChildProcess driver, int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            driver.send("joined");
            int j = Integer.parseInt(driver.await(l -> l.startsWith("JOINED "), 30, "joined").split(" ")[1]);
            if (j >= n) break;
            if (System.nanoTime() > deadline) throw new IllegalStateException("only " + j + " of " + n + " joined");
            Thread.sleep(200);
        }
        driver.send("members");
        return Integer.parseInt(driver.await(l -> l.startsWith("MEMBERS "), 30, "members").split(" ")[1]);
    }

    /**
     * Round {@code r} of one target (warm-up rounds w1..wK, then K+1..: each round's number names its frames,
     * "bcast R", on the wire).
     */
    private Round round(Setup su, int r, boolean warm) throws Exception {
        String target = su.target();
        ChildProcess driver = su.driver();
        List<ChildProcess> clients = su.clients();
        Map<String, ChildProcess> measured = su.measured();
        int members = su.members();
        Map<String, Long> before = new LinkedHashMap<>();
        Map<String, Long> compiledBefore = compiledByJvm(measured);
        for (var e : measured.entrySet()) before.put(e.getKey(), EchoBenchmark.cpuTicks(e.getValue().process.pid()));
        for (ChildProcess c : clients) {
            c.send("ARM " + r);
            c.await(l -> l.equals("ARMED " + r), 30, "client arm");
        }
        driver.send("send " + r);
        String sent = driver.await(l -> l.startsWith("SENT " + r + " ") || l.startsWith("ERROR"), 300, "send");
        if (sent.startsWith("ERROR")) throw new IllegalStateException("driver: " + sent);
        long last = 0;
        int frames = 0;
        int failures = 0;
        for (ChildProcess c : clients) {
            String[] d = c.await(l -> l.startsWith("DONE " + r + " "), 120, "every frame of round " + r).split(" ");
            last = Math.max(last, Long.parseLong(d[3]));
            frames += Integer.parseInt(d[4]);
            failures += Integer.parseInt(d[5]);
        }
        Map<String, Double> cpu = new LinkedHashMap<>();
        for (var e : measured.entrySet()) {
            cpu.put(e.getKey(), (EchoBenchmark.cpuTicks(e.getValue().process.pid()) - before.get(e.getKey())) * 10.0);
        }
        Map<String, Long> compiled = new LinkedHashMap<>();
        compiledByJvm(measured).forEach((k, v) -> compiled.put(k, v - compiledBefore.getOrDefault(k, v)));
        String[] s = sent.split(" ");
        long t0 = Long.parseLong(s[2]);
        return new Round(target, r, warm, (last - t0) / 1000.0, (Long.parseLong(s[3]) - t0) / 1000.0, frames,
                failures, members, cpu, compiled);
    }

    /**
     * How many methods each JVM among {@code measured} has JIT-compiled so far, from {@code jstat -compiler PID}
     * (the JDK's own reader of the JVM's perf-data counters: it reads a file and does not attach to, pause or
     * otherwise disturb the JVM). Erlang nodes and JVMs whose counters cannot be read are left out.
     */
    private Map<String, Long> compiledByJvm(Map<String, ChildProcess> measured) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (var e : measured.entrySet()) {
            if (e.getKey().equals("erl")) continue;
            try {
                Process p = new ProcessBuilder(Path.of(javaHome, "bin", "jstat").toString(), "-compiler",
                        String.valueOf(e.getValue().process.pid())).redirectErrorStream(true).start();
                String[] lines = new String(p.getInputStream().readAllBytes()).trim().split("\n");
                if (p.waitFor() == 0 && lines.length == 2 && lines[0].trim().startsWith("Compiled")) {
                    out.put(e.getKey(), Long.parseLong(lines[1].trim().split("\\s+")[0]));
                }
            } catch (IOException | RuntimeException ex) {
                // counters unreadable (e.g. -XX:-UsePerfData): the round just shows no jit figure for it
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }
        return out;
    }

    private ChildProcess startClient(String url, int n) throws IOException {
        List<String> c = pinned(clientCpu);
        c.addAll(List.of(java(), "-Xmx1g", "--enable-native-access=ALL-UNNAMED", "-cp", benchClassPath(),
                "io.corral.bench.ScaleClient", "--url", url, "--connections", String.valueOf(n),
                "--wave", String.valueOf(wave)));
        return start(c);
    }

    private ChildProcess start(List<String> cmd) throws IOException {
        ChildProcess p = ChildProcess.start(cmd, root);
        started.add(p);
        return p;
    }

    private void stopAll() throws InterruptedException {
        for (ChildProcess p : started.reversed()) p.stop();
        started.clear();
    }

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

    private String serverClassPath() throws IOException {
        return root.resolve("java-node/target/classes") + ":"
                + Files.readString(root.resolve("java-node/target/classpath.txt")).trim()
                + (jinterface.isEmpty() ? "" : ":" + jinterface) + ":" + root.resolve("bench/target/classes");
    }

    private static String shortHost() {
        try {
            String h = InetAddress.getLocalHost().getHostName();
            int dot = h.indexOf('.');
            return dot > 0 ? h.substring(0, dot) : h;
        } catch (IOException e) {
            return "localhost";
        }
    }


    public static void main(String[] args) throws Exception {
        Map<String, String> o = EchoBenchmark.options(args, "ClusterBroadcastBenchmark --root DIR [--targets corral,corral-erlang,cowboy]"
                + " [--connections N] [--rounds R] [--warmup W] [--wave W] [--server-cpu N|''] [--client-cpu N|''] [--cowboy-src DIR]");
        try {
            new ClusterBroadcastBenchmark(o).run();
        } catch (IllegalStateException e) {
            System.err.println("cluster-broadcast: " + e.getMessage());
            System.exit(1);
        }
    }
}
