package io.corral.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.Corral;
import io.corral.config.Settings;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The handshake-rate tool on real sockets, two seconds per case, so that it cannot rot unnoticed: it
 * completes cycles (connect, 101, echo, close, the server's close) against plain Netty, Corral's Java route and a
 * scripted Netty echo; it reports failures, not a rate, when no server answers, and when a server answers wrongly
 * (a refused upgrade, a wrong Sec-WebSocket-Accept, a wrong echo, a close instead of the echo).
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

    /** The 101 a server must send for the request's key, with {@code accept} in place of the right answer. */
    private static byte[] switching(String accept) {
        return ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** The Sec-WebSocket-Key of a request head, as a server reads it. */
    private static String keyOf(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("sec-websocket-key:")) return line.substring(18).trim();
        }
        throw new AssertionError("no Sec-WebSocket-Key in " + head);
    }

    private static void assertOnlyFailures(HandshakeTool.Report r, String why) {
        assertEquals(0, r.handshakes(), why + ": no cycle completes");
        assertTrue(r.failures() > 0, why + ": counted as failures, so the tool exits non-zero");
    }

    /** An unmasked server frame of up to 125 B. */
    private static byte[] serverFrame(int opcode, byte[] payload) {
        byte[] f = new byte[2 + payload.length];
        f[0] = (byte) (0x80 | opcode);
        f[1] = (byte) payload.length;
        System.arraycopy(payload, 0, f, 2, payload.length);
        return f;
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    /**
     * A raw server that answers a whole cycle at once: the 101 with {@code accept} of the request's key, a text echo
     * of {@code echoSize} bytes, its close frame; it closes the connection once the client's echo (38 B) and close
     * (1000 "bye", 11 B) have come in.
     */
    private static ScriptedServer rawCycle(java.util.function.UnaryOperator<String> accept, int echoSize)
            throws InterruptedException {
        return ScriptedServer.raw(head -> concat(switching(accept.apply(RawFrames.acceptFor(keyOf(head)))),
                serverFrame(RawFrames.OP_TEXT, new byte[echoSize]),
                serverFrame(RawFrames.OP_CLOSE, new byte[] {0x03, (byte) 0xE8})), 2 + 4 + 32 + 2 + 4 + 2 + 3);
    }

    @Test
    void aRawServerAnsweringAsTheRfcSaysCompletesCycles() throws Exception {
        // The control for the wrong answers below, which differ from this server only in what they name.
        try (ScriptedServer server = rawCycle(right -> right, 32)) {
            assertCompletedCycles(run(server.port(), 2), "a raw server answering the whole cycle at once");
        }
    }

    @Test
    void aWrongAcceptFailsTheCycle() throws Exception {
        try (ScriptedServer server = rawCycle(right -> RawFrames.acceptFor("AAAAAAAAAAAAAAAAAAAAAA=="), 32)) {
            assertOnlyFailures(run(server.port(), 1), "a 101 with the accept of another key");
        }
    }

    @Test
    void anEchoOfTheWrongSizeFailsTheCycle() throws Exception {
        try (ScriptedServer server = rawCycle(right -> right, 31)) {
            assertOnlyFailures(run(server.port(), 1), "a 31 B echo of 32 B");
        }
    }

    @Test
    void aRefusedUpgradeFailsTheCycle() throws Exception {
        try (ScriptedServer server = ScriptedServer.raw(head -> "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII))) {
            assertOnlyFailures(run(server.port(), 1), "a 400");
        }
    }

    @Test
    void aWrongEchoFailsTheCycle() throws Exception {
        try (ScriptedServer server = ScriptedServer.websocket((ctx, frame) -> ctx.writeAndFlush(
                new BinaryWebSocketFrame(frame.content())))) {
            assertOnlyFailures(run(server.port(), 1), "a binary echo of a text message");
        }
        try (ScriptedServer server = ScriptedServer.websocket((ctx, frame) -> {
            frame.release();
            ctx.writeAndFlush(new CloseWebSocketFrame(1000, "no echo"));
        })) {
            assertOnlyFailures(run(server.port(), 1), "a close frame instead of the echo");
        }
    }

    @Test
    void aScriptedServerThatEchoesCompletesCycles() throws Exception {
        // netty-codec-http's server handshake and close handling with a plain echo: the wrong-echo cases above differ
        // from this only in their answer.
        try (ScriptedServer server = ScriptedServer.websocket((ctx, frame) -> ctx.writeAndFlush(frame))) {
            assertCompletedCycles(run(server.port(), 2), "the scripted server echoing");
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
