package io.corral.erlang;

import io.corral.Corral;
import io.corral.api.Term;
import io.corral.config.Settings;
import io.corral.wire.WireClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A cluster on this machine for the cluster tests: three real {@code erl} handler nodes running erlang-bridge (the
 * second and third join the first, so pg sees all three) and two Corral JVMs, each a hidden node with its own
 * listener. JVM A runs in the test's JVM and is given only the first handler node: it finds the other two through
 * pg. JVM B is a child {@code java} process ({@code corral serve}) given all three with {@code --erlang-node}.
 */
final class Cluster implements AutoCloseable {

    static final String COOKIE = "corral_cluster_test";
    static final String ROUTES = """
            [{'_', [
                {"/erl", ws_cluster_h, []},
                {"/java", 'io.corral.erlang.ClusterJavaHandler', []}
            ]}].
            """;

    final List<ErlangPeer> handlers = new ArrayList<>();
    Corral a;
    Process b;
    int portB;
    String nodeB;
    private final Path routes;
    private final Path logB;

    private Cluster() throws IOException {
        routes = Files.createTempFile("corral-cluster", ".conf");
        Files.writeString(routes, ROUTES);
        logB = Path.of("target/cluster-jvm-b.log").toAbsolutePath();
    }

    static Cluster start() throws Exception {
        Cluster c = new Cluster();
        try {
            Path tests = compileHandlers();
            for (int i = 0; i < 3; i++) {
                c.handlers.add(ErlangPeer.start("clh" + (i + 1) + "_", COOKIE,
                        handlerArgs(tests, i == 0 ? List.of() : List.of(c.handlers.getFirst().name))));
            }
            for (ErlangPeer h : c.handlers) awaitEpmd(h.name);
            String suffix = Long.toString(ProcessHandle.current().pid());
            c.a = Corral.start(Settings.builder().port(0).nodeName("clusterA_" + suffix).cookie(COOKIE)
                    .erlangNode(c.handlers.getFirst().name).routesText("cluster routes", ROUTES).build());
            c.nodeB = "clusterB_" + suffix + "@" + NodeSettings.localHost(false);
            c.startB();
            return c;
        } catch (Exception | Error e) {
            c.close();
            throw e;
        }
    }

    /** erlang-bridge and the test handlers on the code path, the default pg scope, and a ping to join the first. */
    static List<String> handlerArgs(Path tests, List<String> seeds) {
        Path bridge = LocalErlangNode.bridgeHome();
        StringBuilder eval = new StringBuilder("{ok, _} = application:ensure_all_started(corral_bridge)");
        // Join the seeds, retrying while they are still booting.
        for (String s : seeds) {
            eval.append(", Join = fun J(0) -> pang; J(N) -> case net_adm:ping('").append(s)
                    .append("') of pong -> pong; pang -> timer:sleep(100), J(N - 1) end end, pong = Join(300)");
        }
        eval.append('.');
        return List.of("-kernel", "start_pg", "true", "-pa", bridge.resolve("ebin").toString(), "-pa",
                bridge.resolve("compat-ebin").toString(), "-pa", bridge.resolve("apps/corral/ebin").toString(), "-pa",
                tests.toString(), "-eval", eval.toString());
    }

    /** Waits until {@code node} is registered with epmd (erl registers before its -eval runs). */
    static void awaitEpmd(String node) throws Exception {
        String shortName = node.substring(0, node.indexOf('@'));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            Process names = new ProcessBuilder("epmd", "-names").redirectErrorStream(true).start();
            String out = new String(names.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            names.waitFor();
            if (out.contains("name " + shortName + " ")) return;
            Thread.sleep(100);
        }
        throw new AssertionError(node + " never registered with epmd");
    }

    static Path compileHandlers() throws Exception {
        Path tests = Path.of("target/test-erlang").toAbsolutePath();
        Files.createDirectories(tests);
        Process erlc = new ProcessBuilder("erlc", "-o", tests.toString(), "src/test/erlang/ws_cluster_h.erl")
                .inheritIO().start();
        if (!erlc.waitFor(60, TimeUnit.SECONDS) || erlc.exitValue() != 0) throw new IOException("erlc failed");
        return tests;
    }

    /** Starts JVM B (again, after a test killed it): a new port in {@link #portB}. */
    void startB() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "io.corral.cli.Main", "serve", "--port", "0", "--node", nodeB, "--cookie", COOKIE,
                "--routes", routes.toString()));
        for (ErlangPeer h : handlers) cmd.addAll(List.of("--erlang-node", h.name));
        b = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            Pattern listening = Pattern.compile("listening on ws://[^:]+:(\\d+)");
            try (BufferedReader r = new BufferedReader(new InputStreamReader(b.getInputStream(), StandardCharsets.UTF_8));
                    var log = Files.newBufferedWriter(logB)) {
                for (String line; (line = r.readLine()) != null; ) {
                    log.write(line);
                    log.newLine();
                    log.flush();
                    Matcher m = listening.matcher(line);
                    if (m.find()) port.complete(Integer.parseInt(m.group(1)));
                }
            } catch (IOException e) {
                port.completeExceptionally(e);
            }
            port.completeExceptionally(new IOException("JVM B ended before listening; see " + logB));
        });
        portB = port.get(60, TimeUnit.SECONDS);
    }

    int portA() {
        return a.port();
    }

    ErlangNode javaA() {
        return a.node();
    }

    /** Evaluates on handler node {@code i} (0-2). */
    Term eval(int i, String src, Term... args) throws Exception {
        return handlers.get(i).eval(javaA(), src, args);
    }

    /** An upgrade to {@code path} on {@code port}; returns the client after the 101 and the serving node's name. */
    static Upgraded open(int port, String path, String... extraHeaders) throws IOException {
        WireClient c = WireClient.connect("127.0.0.1", port, path, extraHeaders);
        c.setReadTimeout(Duration.ofSeconds(20));
        int status = c.handshake().status();
        if (status != 101) {
            c.close();
            return new Upgraded(null, status, null);
        }
        String hello = c.readFrame().text();
        return new Upgraded(c, 101, hello.substring(hello.indexOf(':') + 1));
    }

    record Upgraded(WireClient client, int status, String node) {}

    /**
     * Waits until upgrades on {@code port} land on every node in {@code nodes} (placement spreads consecutive
     * upgrades over the serving nodes, so a node that serves is reached within a few).
     */
    static void awaitServing(int port, List<String> nodes, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        java.util.Set<String> seen = new java.util.HashSet<>();
        while (!seen.containsAll(nodes)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("upgrades on port " + port + " reached only " + seen + " of " + nodes);
            }
            Upgraded u = open(port, "/erl");
            if (u.client() != null) {
                seen.add(u.node());
                u.client().close();
            } else {
                Thread.sleep(100);
            }
        }
    }

    List<String> handlerNames() {
        return handlers.stream().map(h -> h.name).toList();
    }

    @Override
    public void close() {
        if (b != null) {
            b.destroy();
            try {
                if (!b.waitFor(10, TimeUnit.SECONDS)) b.destroyForcibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (a != null) a.close();
        for (ErlangPeer h : handlers) {
            try {
                h.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            Files.deleteIfExists(routes);
        } catch (IOException ignored) {
            // a temp file
        }
    }
}
