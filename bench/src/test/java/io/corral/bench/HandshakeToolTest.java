package io.corral.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.Corral;
import io.corral.config.Settings;
import java.net.URI;
import org.junit.jupiter.api.Test;

/**
 * The handshake-rate tool on real sockets, two seconds per case, so that it cannot rot unnoticed: it
 * completes cycles (connect, 101, echo, close, the server's close) against plain Netty and against Corral's Java
 * route, and it reports failures, not a rate, when no server answers.
 */
class HandshakeToolTest {

    /**
     * No warm-up: every cycle starts inside the window, so even on a loaded machine where a cold cycle takes hundreds
     * of milliseconds the first ones are counted, with their latencies.
     */
    private static HandshakeTool.Report run(int port, int slots) throws InterruptedException {
        HandshakeTool.Options o = HandshakeTool.Options.parse(new String[] {"--url", "ws://127.0.0.1:" + port + "/echo",
                "--slots", String.valueOf(slots), "--size", "32", "--warmup", "0", "--duration", "2",
                "--threads", "1"});
        return new HandshakeTool(o).run();
    }

    private static void assertCompletedCycles(HandshakeTool.Report r, String server) {
        assertEquals(0, r.failures(), server + ": every cycle (101, a 32 B echo, the close reply, the server's close)"
                + " went as the protocol says");
        assertTrue(r.handshakes() > 0, server + ": some cycles completed in 2 s, got " + r.handshakes());
        assertTrue(r.handshake().count() > 0 && r.handshake().count() <= r.handshakes(),
                "latency counts only cycles that began and ended in the window: " + r.handshake().count()
                        + " of " + r.handshakes());
        assertEquals(r.handshake().count(), r.cycle().count(), "one connect->101 and one whole-cycle latency per cycle");
        assertTrue(r.handshake().percentile(0.5) <= r.cycle().percentile(0.5),
                "the 101 comes before the server's close in every cycle, so its median is not above the cycle's");
    }

    @Test
    void cyclesCompleteAgainstPlainNetty() throws Exception {
        try (NettyEchoServer server = NettyEchoServer.start("127.0.0.1", 0, 1, false)) {
            assertCompletedCycles(run(server.port(), 4), "plain Netty");
        }
    }

    @Test
    void cyclesCompleteAgainstCorralWithAJavaHandler() throws Exception {
        try (Corral corral = Corral.start(Settings.builder().port(0).routesText("handshake tool routes",
                "[{'_', [{\"/echo\", 'io.corral.demo.EchoHandler', []}]}].").build())) {
            assertCompletedCycles(run(corral.port(), 4), "Corral, Java route");
        }
    }

    @Test
    void noServerIsReportedAsFailuresNotAsARate() throws Exception {
        int port = EchoBenchmark.freePort(); // free now, and nothing is started on it
        HandshakeTool.Report r = run(port, 2);
        assertEquals(0, r.handshakes(), "no server: no handshake can complete");
        assertTrue(r.failures() > 0, "every refused connect is counted as a failure, so the tool exits non-zero");
    }

    @Test
    void optionsWithoutAUrlAreRefused() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> HandshakeTool.Options.parse(new String[] {"--slots", "32"}));
        assertTrue(e.getMessage().contains("--url"), "the message names what is missing: " + e.getMessage());
    }

    @Test
    void defaultsAreTheBenchmarkRow() {
        HandshakeTool.Options o = HandshakeTool.Options.parse(new String[] {"--url", "ws://127.0.0.1:1/echo"});
        assertEquals(32, o.slots(), "the row is measured with 32 concurrent slots");
        assertEquals(URI.create("ws://127.0.0.1:1/echo"), o.url(), "the URL is taken as given");
    }
}
