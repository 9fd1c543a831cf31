package io.corral.fromerlang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.wire.WireClient;
import io.corral.wire.WireClient.Frame;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The flow limits of a listener started from Erlang, enforced on the wire. {@code corral:start_clear/3} gets them
 * where a Cowboy user would put them: {@code send_timeout} among the socket options (gen_tcp's option), and
 * {@code send_buffer} and {@code max_in_flight} among the protocol options; each is far from its default (30 s,
 * 1 MiB, 1 MiB), so that what the client sees tells which one applied. The handler is test resources'
 * erlang/fromerlang/flow_h: it pushes what a client asks for and takes a minute over every binary frame.
 */
class StartFlowLimitsTest {
    static final int SEND_TIMEOUT_MS = 500;
    static final int SEND_BUFFER = 4 << 20;
    static final int MAX_IN_FLIGHT = 64 << 10;

    static ErlNode node;
    static int port;

    @BeforeAll
    static void startListener() throws Exception {
        node = ErlNode.start(List.of(), List.of());
        String started = node.eval("corral:start_clear(flow, [{port, 0}, {ip, {127,0,0,1}}, {send_timeout, "
                + SEND_TIMEOUT_MS + "}], #{env => #{dispatch => corral_router:compile([{'_', [{\"/flow/:name\", "
                + "flow_h, []}]}])}, send_buffer => " + SEND_BUFFER + ", max_in_flight => " + MAX_IN_FLIGHT + "}).");
        assertTrue(started.startsWith("{ok,"), "the listener starts: " + started + "\n" + node.log());
        port = Integer.parseInt(node.eval("corral:get_port(flow)."));
    }

    @AfterAll
    static void stopNode() throws Exception {
        if (node != null) node.close();
    }

    private static WireClient join(String name) throws IOException {
        WireClient c = WireClient.connect("127.0.0.1", port, "/flow/" + name);
        c.setReadTimeout(Duration.ofSeconds(20));
        assertEquals(101, c.handshake().status());
        assertEquals("ready", c.readFrame().text());
        return c;
    }

    private static long listenerLong(String key) throws Exception {
        return Long.parseLong(node.evalMatch("maps:get(" + key + ", corral:info(flow)).", "(\\d+)"));
    }

    /**
     * 12 MiB pushed at once to a client that reads nothing: the socket buffers take a few MiB at most, so more than
     * send_buffer (4 MiB) stays queued, and less than the four send buffers that close a connection at once. So
     * only the send timeout can close it: after 500 ms, where ranch's default would wait 30 s.
     */
    @Test
    void aClientThatReadsNothingOfAPushIsClosedAfterTheSendTimeoutGivenInTheSocketOptions() throws Exception {
        try (WireClient c = join("pushed")) {
            c.sendText("burst 192");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (!node.eval("flow_h:last_terminate(<<\"pushed\">>).").equals("{error,timeout}")
                    && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertEquals("{error,timeout}", node.eval("flow_h:last_terminate(<<\"pushed\">>)."),
                    "terminate is told the send timed out (what ranch's send returns), well before the 30 s default"
                            + " send_timeout could have passed");
            // What the client sees: the frames its socket buffers took, then the TCP close; no close frame, which
            // could not pass the frames queued before it, and not the 12 MiB (the queue was dropped).
            long received = 0;
            Frame last = null;
            try {
                for (Frame f; (f = c.readFrame()) != null; ) {
                    last = f;
                    received += f.payload().length;
                    if (f.opcode() == Frame.CLOSE) break;
                }
            } catch (IOException closed) {
                // the TCP close after the last frame the buffers held
            }
            assertTrue(last == null || last.opcode() != Frame.CLOSE, "no close frame: " + last);
            assertTrue(received < 192L * 65536, "the queued rest was dropped: " + received + " bytes received");
        }
    }

    /**
     * A handler that takes a minute over each frame: the listener reads max_in_flight (64 KiB) of the client's
     * frames, plus what one socket read brings, and then no more; the client's writes block once the socket
     * buffers are full. With the 1 MiB default it would have read sixteen times as much.
     */
    @Test
    void aSlowHandlersClientIsReadOnlyUpToTheMaxInFlightGivenInTheProtocolOptions() throws Exception {
        try (WireClient c = join("slow")) {
            long inBefore = listenerLong("bytes_in");
            byte[] frame = WireClient.encode(true, 0, Frame.BINARY, new byte[16 << 10], true);
            AtomicLong sent = new AtomicLong();
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    // More than any socket buffers hold (tcp_wmem and tcp_rmem at their largest): it cannot finish.
                    while (sent.get() < 256L << 20) {
                        c.sendRaw(frame);
                        sent.addAndGet(frame.length);
                    }
                } catch (IOException e) {
                    // closed under a blocked write at the end of the test
                }
            });
            // Blocked: no progress for 2 s (within 30 s).
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            long seen = -1;
            while (System.nanoTime() < deadline) {
                long now = sent.get();
                if (now == seen) break;
                seen = now;
                Thread.sleep(2000);
            }
            assertTrue(writer.isAlive() && sent.get() == seen, "the client's writes block: " + sent.get()
                    + " bytes written, and more each 2 s");
            long read = listenerLong("bytes_in") - inBefore;
            System.out.printf("slow handler: the client wrote %d KiB before its socket blocked; the listener read"
                    + " %d KiB of it%n", sent.get() >> 10, read >> 10);
            assertTrue(read >= MAX_IN_FLIGHT, "the listener read up to max_in_flight: " + read);
            // One socket read is at most 64 KiB (Netty's adaptive receive buffer), and the frame that crossed the
            // limit is taken whole.
            assertTrue(read <= MAX_IN_FLIGHT + (64 << 10) + frame.length, "and then stopped reading: " + read
                    + " bytes of client frames read, for a max_in_flight of " + MAX_IN_FLIGHT);
            c.close();
            writer.join(10_000);
        }
    }
}
