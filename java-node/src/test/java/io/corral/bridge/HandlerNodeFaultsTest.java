package io.corral.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.Corral;
import io.corral.config.Settings;
import io.corral.erlang.LocalErlangNode;
import io.corral.wire.WireClient;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The handler node's faults as a client sees them: the local node Corral starts is restarted when it dies, and a
 * node that hangs is taken as down after net_ticktime, so upgrades are refused at once instead of waiting for init.
 */
class HandlerNodeFaultsTest {

    /** Far below RemoteEndpoint's 15 s init timeout: an answer this quick did not wait for a dead node. */
    private static final long PROMPT_MS = 5_000;

    /**
     * net_ticktime in the tick test, the same on both sides as distribution requires (kernel's net_ticktime: "all
     * communicating nodes should have the same value"): erl ticks every TICK / 4 that it has written nothing, so a
     * live idle erl is at most about TICK / 2 silent, and the JVM takes a node as down after TICK of silence.
     */
    private static final Duration TICK = Duration.ofSeconds(8);

    private Corral corral;
    private Process erl;
    private Path erlLog;

    /** What the erl node logged, for a failure's message. */
    private String erlLog() {
        try {
            return erlLog == null ? "" : "\nerl's log (ms, [{node, packets in, packets out}]):\n"
                    + java.nio.file.Files.readString(erlLog);
        } catch (IOException e) {
            return "\n(erl's log unreadable: " + e + ")";
        }
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (erl != null) {
            new ProcessBuilder("kill", "-CONT", Long.toString(erl.pid())).start().waitFor();
            erl.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        if (corral != null) corral.close();
    }

    private static ProcessHandle processOf(String nodeName) {
        String shortName = nodeName.substring(0, nodeName.indexOf('@'));
        return ProcessHandle.current().descendants()
                .filter(h -> h.info().commandLine().map(c -> c.contains("-sname " + shortName)).orElse(false))
                .filter(h -> h.info().command().map(c -> c.contains("beam")).orElse(false))
                .findFirst().orElseThrow(() -> new AssertionError("no beam process for " + nodeName));
    }

    /** One upgrade: its status (or -1 when the socket failed) and how long the answer took. */
    private record Attempt(int status, long millis) {}

    private Attempt upgrade(String path) {
        long t0 = System.nanoTime();
        int status;
        try (WireClient c = WireClient.connect("127.0.0.1", corral.port(), path)) {
            status = c.handshake().status();
        } catch (IOException e) {
            status = -1;
        }
        return new Attempt(status, (System.nanoTime() - t0) / 1_000_000);
    }

    @Test
    void aKilledLocalHandlerNodeIsRestartedAndServesAgainWhileUpgradesMeanwhileGet503AtOnce() throws Exception {
        corral = Corral.start(Settings.builder().port(0).routesText("supervision routes", """
                [{'_', [{"/erl/echo", demo_echo, []}]}].
                """).codePaths(List.of(LocalErlangNode.bridgeHome().resolve("examples-ebin"))).build());
        long served = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (upgrade("/erl/echo").status() != 101) {
            assertTrue(System.nanoTime() < served, "served before the fault");
            Thread.sleep(100);
        }
        ProcessHandle first = processOf(corral.handlerNode());
        try (WireClient open = WireClient.connect("127.0.0.1", corral.port(), "/erl/echo")) {
            assertEquals(101, open.handshake().status());
            open.setReadTimeout(Duration.ofSeconds(20));
            new ProcessBuilder("kill", "-9", Long.toString(first.pid())).start().waitFor();
            assertEquals(1011, open.readUntilClose().closeCode(), "the connection its node served closes 1011");
        }
        List<Attempt> attempts = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            Attempt a = upgrade("/erl/echo");
            attempts.add(a);
            if (a.status() == 101) break;
            Thread.sleep(50);
        }
        assertEquals(101, attempts.getLast().status(), "the restarted node serves the route again: " + attempts);
        assertTrue(attempts.stream().anyMatch(a -> a.status() == 503), "while it was down upgrades got 503: " + attempts);
        assertTrue(attempts.stream().allMatch(a -> a.status() == 503 || a.status() == 101),
                "nothing but 503 or 101: " + attempts);
        assertTrue(attempts.stream().allMatch(a -> a.millis() < PROMPT_MS), "every answer came at once: " + attempts);
        assertTrue(processOf(corral.handlerNode()).pid() != first.pid(), "a new OS process runs the node");
    }

    @Test
    void aHandlerNodeSilentForNetTicktimeIsDownItsConnectionsClose1011AndUpgradesGet503AtOnce() throws Exception {
        String suffix = ProcessHandle.current().pid() + "_" + System.nanoTime() % 100_000;
        String handlers = "tick_handlers_" + suffix + "@localhost";
        String cookie = "tick_test_cookie";
        Path bridge = LocalErlangNode.bridgeHome();
        // erl's own record, every 500 ms, of the packets it has read from and written to each hidden node
        // (net_kernel:node_info/1's in and out): on a false down it says whether erl ran and what it sent. Its
        // output goes to a file of its own, never to this JVM's stdout (surefire's channel), and -noinput keeps it
        // off this JVM's stdin.
        erlLog = Path.of("target", "tick-erl-" + suffix + ".log");
        String watch = "spawn(fun W() -> io:format(\"~p ~p~n\", [erlang:system_time(millisecond),"
                + " [{N, proplists:get_value(in, I), proplists:get_value(out, I)}"
                + " || N <- nodes(hidden), {ok, I} <- [net_kernel:node_info(N)]]]), timer:sleep(500), W() end)";
        erl = new ProcessBuilder("erl", "-noinput", "-sname", handlers, "-setcookie", cookie,
                "-kernel", "net_ticktime", Long.toString(TICK.toSeconds()),
                "-pa", bridge.resolve("ebin").toString(),
                "-pa", bridge.resolve("compat-ebin").toString(), "-pa", bridge.resolve("examples-ebin").toString(),
                "-eval", "{ok, _} = application:ensure_all_started(corral_bridge), " + watch + ".")
                .redirectErrorStream(true).redirectOutput(erlLog.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (corral == null) {
            try {
                corral = Corral.start(Settings.builder().port(0).nodeName("tick_java_" + suffix + "@localhost")
                        .cookie(cookie).erlangNode(handlers).netTickTime(TICK)
                        .routesText("tick routes", "[{'_', [{\"/erl/echo\", demo_echo, []}]}].").build());
            } catch (Corral.StartException e) {
                if (System.nanoTime() > deadline) throw e;
                Thread.sleep(200); // the erl node is still booting
            }
        }
        // The node serves once the JVM has placed the route on it (placement learns a node's modules after start).
        long served = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (upgrade("/erl/echo").status() != 101) {
            assertTrue(System.nanoTime() < served, "the handler node serves the route");
            Thread.sleep(100);
        }
        try (WireClient open = WireClient.connect("127.0.0.1", corral.port(), "/erl/echo")) {
            assertEquals(101, open.handshake().status());
            // Idle for two tick times and more: ticks keep a live node connected.
            long idleFrom = System.currentTimeMillis();
            Thread.sleep(2 * TICK.toMillis() + 1_000);
            int idle = upgrade("/erl/echo").status();
            assertEquals(101, idle, () -> "a quiet but live node is not taken as down (idle from " + idleFrom
                    + " to " + System.currentTimeMillis() + " ms)" + erlLog());
            new ProcessBuilder("kill", "-STOP", Long.toString(erl.pid())).start().waitFor();
            // Closed once net_ticktime has passed in silence; the read timeout is the "not never" bound.
            open.setReadTimeout(TICK.multipliedBy(4));
            assertEquals(1011, open.readUntilClose().closeCode(),
                    () -> "the hung node's connection closes 1011" + erlLog());
        }
        Attempt a = upgrade("/erl/echo");
        assertEquals(503, a.status(), "the node is down: service unavailable");
        assertTrue(a.millis() < PROMPT_MS, "at once, not after the init timeout: " + a);
        // Resumed, the node is connected again and serves the route.
        new ProcessBuilder("kill", "-CONT", Long.toString(erl.pid())).start().waitFor();
        long back = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (upgrade("/erl/echo").status() != 101) {
            assertTrue(System.nanoTime() < back, () -> "the resumed node serves the route again" + erlLog());
            Thread.sleep(200);
        }
    }
}
