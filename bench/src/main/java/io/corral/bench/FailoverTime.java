package io.corral.bench;

import io.corral.Corral;
import io.corral.config.Settings;
import io.corral.wire.WireClient;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Failover time (bench/failover.sh; bench/README.md section 5): two erlang-bridge handler nodes and one Corral
 * (in this JVM) given both, placing by a hash of the {@code x-session} header so that every upgrade of one session
 * goes to one node while it lives. Per round: open a connection of that session, {@code kill -9} the node serving
 * it, then upgrade the same session as fast as possible until an upgrade is served (101 and an echo) by the other
 * node: the time covers noticing the node is gone and placing elsewhere. Reported: kill -> the old connection's
 * 1011 must be 1011, kill -> first served upgrade on the other node (failover), and the failed upgrades in between
 * (0 expected: an upgrade whose init is in flight when its node dies is placed again). The killed node is restarted between rounds.
 *
 * <pre>
 * FailoverTime --root DIR [--rounds 5]
 * </pre>
 */
public final class FailoverTime {

    public static void main(String[] args) throws Exception {
        Map<String, String> o = EchoBenchmark.options(args, "FailoverTime --root DIR [--rounds 5]");
        Path root = Path.of(o.getOrDefault("root", ".")).toAbsolutePath();
        int rounds = Integer.parseInt(o.getOrDefault("rounds", "5"));
        String host = InetAddress.getLocalHost().getHostName().split("\\.")[0];
        String cookie = "failover_" + Long.toHexString(System.nanoTime());
        String[] names = {"failover_h1@" + host, "failover_h2@" + host};
        Process[] nodes = new Process[2];
        nodes[0] = startNode(root, names[0], cookie, null);
        nodes[1] = startNode(root, names[1], cookie, names[0]);
        awaitEpmd(names[0]);
        awaitEpmd(names[1]);
        List<double[]> results = new ArrayList<>();
        try (Corral corral = Corral.start(Settings.builder().port(0).nodeName("failover_java").cookie(cookie)
                .erlangNode(names[0]).erlangNode(names[1]).placement(io.corral.erlang.Placement.parse("hash:header:x-session"))
                .routesText("failover routes", "[{'_', [{\"/echo\", corral_bench_node_h, []}]}].").build())) {
            for (int r = 1; r <= rounds; r++) {
                awaitServing(corral.port(), List.of(names), Duration.ofSeconds(60));
                String session = "x-session: round-" + r;
                WireClient victim = WireClient.connect("127.0.0.1", corral.port(), "/echo", session);
                victim.handshake();
                String served = victim.readFrame().text().substring(5);
                int k = served.equals(names[0]) ? 0 : 1;
                long t0 = System.nanoTime();
                nodes[k].destroyForcibly(); // SIGKILL
                double failoverMs = -1;
                int failed = 0;
                while (failoverMs < 0) {
                    try (WireClient c = WireClient.connect("127.0.0.1", corral.port(), "/echo", session)) {
                        if (c.handshake().status() != 101) {
                            failed++;
                        } else if (!c.readFrame().text().substring(5).equals(served)) {
                            c.sendText("x");
                            if ("x".equals(c.readFrame().text())) failoverMs = (System.nanoTime() - t0) / 1e6;
                        } // else served by the killed node before its death was noticed: try again
                    } catch (IOException e) {
                        failed++;
                    }
                }
                int code = victim.readFrame().closeCode();
                victim.close();
                System.out.printf("round %d: killed %s; first upgrade served elsewhere after %.1f ms (%d failed "
                        + "before it); old connection closed %d%n", r, served, failoverMs, failed, code);
                results.add(new double[] {failoverMs, failed});
                nodes[k].waitFor(10, TimeUnit.SECONDS);
                nodes[k] = startNode(root, names[k], cookie, names[1 - k]);
            }
        } finally {
            for (Process p : nodes) if (p != null) p.destroyForcibly();
        }
        double[] ms = results.stream().mapToDouble(x -> x[0]).sorted().toArray();
        System.out.printf("failover (kill -9 -> first upgrade served by another node): median %.1f ms, max %.1f ms "
                + "over %d rounds; failed upgrades in between: %d%n", ms[ms.length / 2], ms[ms.length - 1], ms.length,
                (int) results.stream().mapToDouble(x -> x[1]).sum());
    }

    private static Process startNode(Path root, String name, String cookie, String seed) throws IOException {
        Path bridge = root.resolve("erlang-bridge");
        String eval = "{ok, _} = application:ensure_all_started(corral_bridge)"
                + (seed == null ? "" : ", net_adm:ping('" + seed + "')") + ".";
        return new ProcessBuilder("erl", "-sname", name.substring(0, name.indexOf('@')), "-setcookie", cookie,
                "-noshell", "-pa", bridge.resolve("ebin").toString(), bridge.resolve("compat-ebin").toString(),
                root.resolve("bench/erlang/ebin").toString(), "-eval", eval)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static void awaitEpmd(String node) throws Exception {
        String shortName = node.substring(0, node.indexOf('@'));
        for (int i = 0; i < 300; i++) {
            Process p = new ProcessBuilder("epmd", "-names").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            if (out.contains("name " + shortName + " ")) return;
            Thread.sleep(100);
        }
        throw new IllegalStateException(node + " never registered with epmd");
    }

    private static void awaitServing(int port, List<String> nodes, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        java.util.Set<String> seen = new java.util.HashSet<>();
        while (!seen.containsAll(nodes)) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("only " + seen + " serve");
            try (WireClient c = WireClient.connect("127.0.0.1", port, "/echo")) {
                if (c.handshake().status() == 101) seen.add(c.readFrame().text().substring(5));
                else Thread.sleep(100);
            }
        }
    }
}
