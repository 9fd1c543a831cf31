package io.corral.bridge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.corral.Corral;
import io.corral.config.Settings;
import io.corral.erlang.LocalErlangNode;
import io.corral.erlang.SpliceThreshold;
import io.corral.testsupport.RecordingLeakDetector;
import io.corral.wire.WireClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Large payloads of an Erlang route travel in Netty's buffers (spliced into the distribution packet towards the
 * handler node, a retained slice of the answer's packet back to the client): on real sockets with a real erl node,
 * with Netty's leak detector at paranoid for the whole class, so a buffer that a path fails to release fails the
 * test that caused it. Payloads below the threshold keep the array path; both kinds mixed on one connection keep
 * their order.
 */
class ErlangZeroCopyTest extends ErlangFixture {
    private static AutoCloseable paranoid;
    /**
     * One event loop: every connection shares the distribution connection's loop, where payloads travel as buffers
     * both ways (the fixture's Corral has one loop per core, where a connection on another loop copies them).
     */
    private static Corral oneLoop;

    /** The size from which payloads travel as buffers. */
    static final int SPLICE_MIN = SpliceThreshold.SPLICE_MIN;

    @BeforeAll
    static void paranoid() throws Exception {
        assumeTrue(RecordingLeakDetector.installed(), "Netty's leak detector is not RecordingLeakDetector in this JVM"
                + " (java-node's surefire configuration sets io.netty.customResourceLeakDetector): a leak could not fail"
                + " these tests");
        paranoid = RecordingLeakDetector.paranoid();
        oneLoop = Corral.start(Settings.builder().port(0).threads(1).routesText("one-loop routes", ROUTES)
                .codePaths(List.of(testModules(), LocalErlangNode.bridgeHome().resolve("examples-ebin"))).build());
        RecordingLeakDetector.collect(); // whatever earlier classes leaked is theirs, not this class's
    }

    @AfterAll
    static void normal() throws Exception {
        if (oneLoop != null) oneLoop.close();
        if (paranoid != null) paranoid.close();
    }

    /** Both Corrals: the one-loop one (buffers both ways) and the fixture's (connections on other loops too). */
    static List<Integer> ports() {
        return List.of(oneLoop.port(), port());
    }

    private static WireClient at(int port, String path) throws java.io.IOException {
        return WireClient.connect("127.0.0.1", port, path + "?id=" + newId());
    }

    private static void assertNoLeak(String why) throws Exception {
        List<String> leaks = RecordingLeakDetector.collect();
        assertTrue(leaks.isEmpty(), why + ": Netty's leak detector (paranoid) found " + leaks);
    }

    private static byte[] pattern(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (i * 31 + seed);
        return b;
    }

    /** Valid UTF-8 of exactly {@code n} bytes (the bridge's text frames must be). */
    private static String text(int n, int seed) {
        StringBuilder s = new StringBuilder(n);
        for (int i = 0; i < n; i++) s.append((char) ('a' + (i + seed) % 26));
        return s.toString();
    }

    /** A round trip on the connection: what was sent before it was handled and answered. */
    private static void sync(WireClient c) throws Exception {
        c.sendText("sync");
        assertEquals("sync", c.readFrame().text(), "the echo of the round trip's frame");
    }

    @Test
    void largeTextAndBinaryEchoesThroughTheErlangRouteComeBackByteExactAndLeakNothing() throws Exception {
        int[] sizes = {SPLICE_MIN - 1, SPLICE_MIN, SPLICE_MIN + 1, 16 * 1024, 70_000, 300_000};
        for (int port : ports()) try (WireClient c = at(port, "/erl/demo_echo")) {
            assertEquals(101, c.handshake().status());
            for (int round = 0; round < 5; round++) {
                for (int n : sizes) {
                    byte[] bin = pattern(n, round);
                    c.sendBinary(bin);
                    WireClient.Frame b = c.readFrame();
                    assertEquals(WireClient.Frame.BINARY, b.opcode(), "a binary of " + n + " bytes comes back binary");
                    assertArrayEquals(bin, b.payload(), "a binary of " + n + " bytes comes back byte for byte");
                    String t = text(n, round);
                    c.sendText(t);
                    WireClient.Frame f = c.readFrame();
                    assertEquals(WireClient.Frame.TEXT, f.opcode(), "a text of " + n + " bytes comes back text");
                    assertEquals(t, f.text(), "a text of " + n + " bytes comes back byte for byte");
                }
            }
            c.sendClose(1000, "");
            assertEquals(1000, c.readUntilClose().closeCode());
        }
        assertNoLeak("large and small echoes through the Erlang route");
    }

    @Test
    void largeAndSmallFramesPipelinedOnOneConnectionComeBackInTheOrderTheyWereSent() throws Exception {
        for (int port : ports()) try (WireClient c = at(port, "/erl/demo_echo")) {
            List<byte[]> sent = new ArrayList<>();
            assertEquals(101, c.handshake().status());
            // Sent without waiting: the events of one read batch share a distribution packet, array payloads
            // and spliced buffers side by side, and their answers come back in one or several packets.
            for (int i = 0; i < 120; i++) {
                int n = switch (i % 4) {
                    case 0 -> 5;
                    case 1 -> 20_000 + i;
                    case 2 -> SPLICE_MIN - 1;
                    default -> SPLICE_MIN + i;
                };
                byte[] b = pattern(n, i);
                b[0] = (byte) i; // which frame it is, should sizes repeat
                sent.add(b);
                c.sendBinary(b);
            }
            for (int i = 0; i < sent.size(); i++) {
                WireClient.Frame f = c.readFrame();
                assertArrayEquals(sent.get(i), f.payload(), "answer " + i + " is the echo of frame " + i
                        + " (" + sent.get(i).length + " bytes): the order of the events and of their answers holds");
            }
            c.sendClose(1000, "");
            assertEquals(1000, c.readUntilClose().closeCode());
        }
        assertNoLeak("a mix of large and small frames on one connection");
    }

    @Test
    void aClientThatDisconnectsWithLargeFramesInFlightBothWaysLeavesNothingUnreleased() throws Exception {
        for (int round = 0; round < 6; round++) {
            int port = ports().get(round % 2);
            // The handler pushes 64 KiB frames (commands of its own, not answers) for as long as the connection lives.
            WireClient flood = at(port, "/erl/script");
            assertEquals(101, flood.handshake().status());
            assertEquals("hello from websocket_init", flood.readFrame().text());
            flood.sendText("flood");
            assertEquals(64 * 1024, flood.readFrame().payload().length, "the pushed frames are 64 KiB");
            // Echoes of large frames, sent and never read.
            WireClient echo = at(port, "/erl/demo_echo");
            assertEquals(101, echo.handshake().status());
            for (int i = 0; i < 40; i++) echo.sendBinary(pattern(16 * 1024, i));
            flood.close(); // unread data in its receive buffer: a reset
            echo.close();
        }
        // The server has seen both ends by the time a new connection on the same route is served and answered.
        for (int port : ports()) try (WireClient c = at(port, "/erl/demo_echo")) {
            assertEquals(101, c.handshake().status());
            sync(c);
        }
        Thread.sleep(500);
        assertNoLeak("clients gone with large frames queued to them and to the handler node");
    }

    @Test
    void aBridgeThatAnswersMoreEventsThanItWasSentClosesWith1011AndReleasesTheAnswersNobodyWaitsFor()
            throws Exception {
        for (int port : ports()) {
            try (WireClient c = at(port, "/erl/script")) {
                assertEquals(101, c.handshake().status());
                assertEquals("hello from websocket_init", c.readFrame().text());
                // ws_script answers it twice over (two answers in one replies message), then with its own answer.
                c.sendText("answer-twice");
                WireClient.Frame f = c.readFrame();
                assertArrayEquals(filled(4096, 1), f.payload(), "the first answer takes the event's place");
                WireClient.Frame end = c.readFrame();
                assertEquals(WireClient.Frame.CLOSE, end.opcode(), "nothing is written after the first answer but the"
                        + " close: " + end);
                assertEquals(1011, end.closeCode(), "an answer with no event waiting for it breaks the contract"
                        + " (erlang-bridge/CONTRACT.md section 4): the connection closes as for a crash, and neither"
                        + " the surplus answer nor the proxy's own answer (to a pid that has exited) is written");
            }
            // Whatever the node sent behind the surplus answer on the same distribution connection has been read
            // once a round trip on a new connection to it comes back.
            try (WireClient c = at(port, "/erl/demo_echo")) {
                assertEquals(101, c.handshake().status());
                sync(c);
            }
        }
        assertNoLeak("answers with no event waiting for them");
    }

    private static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) value);
        return b;
    }

    @Test
    void theHandlerNodeGoingDownWithLargeFramesInFlightClosesWith1011AndLeavesNothingUnreleased() throws Exception {
        String suffix = ProcessHandle.current().pid() + "_zc";
        String handlers = "zc_handlers_" + suffix + "@localhost";
        String cookie = "zc_test_cookie";
        Path bridge = LocalErlangNode.bridgeHome();
        Path tests = testModules();
        Process erl = BridgeNode.start(handlers, cookie, List.of(bridge.resolve("ebin"), bridge.resolve("compat-ebin"),
                bridge.resolve("examples-ebin"), tests));
        Corral own = null;
        try {
            own = Corral.start(Settings.builder().port(0).threads(1).nodeName("zc_java_" + suffix + "@localhost").cookie(cookie)
                    .erlangNode(handlers).routesText("zero-copy routes", """
                            [{'_', [{"/erl/script", ws_script, []}, {"/erl/demo_echo", demo_echo, []}]}].
                            """).build());
            try (WireClient flood = WireClient.connect("127.0.0.1", own.port(), "/erl/script?id=zc_down");
                    WireClient echo = WireClient.connect("127.0.0.1", own.port(), "/erl/demo_echo")) {
                assertEquals(101, flood.handshake().status());
                assertEquals("hello from websocket_init", flood.readFrame().text());
                assertEquals(101, echo.handshake().status());
                byte[] first = pattern(16 * 1024, 1);
                echo.sendBinary(first);
                assertArrayEquals(first, echo.readFrame().payload(), "the route works before the node goes");
                flood.sendText("flood");
                assertEquals(64 * 1024, flood.readFrame().payload().length);
                for (int i = 0; i < 40; i++) echo.sendBinary(pattern(16 * 1024, i));
                erl.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                assertEquals(1011, flood.readUntilClose().closeCode(), "the node serving the handler went away");
                assertEquals(1011, echo.readUntilClose().closeCode(), "the node serving the handler went away");
            }
        } finally {
            if (own != null) own.close();
            erl.destroyForcibly();
        }
        assertNoLeak("the handler node gone with large frames in flight both ways");
    }
}
