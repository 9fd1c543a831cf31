package io.corral.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.Corral;
import io.corral.config.Settings;
import io.corral.wire.WireClient;
import io.corral.wire.WireClient.Frame;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Memory held for a fragmented message stays within a small constant of its payload, however small its fragments:
 * one growing buffer, as Cowboy keeps one binary, not one buffer per fragment.
 */
class FragmentMemoryTest {
    private static Corral corral;

    @BeforeAll
    static void start() throws Exception {
        corral = Corral.start(Settings.builder().port(0).routesText("fragment test routes", """
                [{'_', [{"/echo", 'io.corral.demo.EchoHandler', []}]}].
                """).build());
    }

    @AfterAll
    static void stop() {
        corral.close();
    }

    /** What the connection on /echo holds for its message in reassembly, read on its event loop. */
    private static int held() throws Exception {
        return onLoop(WsConnection::fragmentBytesHeld);
    }

    private static int onLoop(java.util.function.ToIntFunction<WsConnection> what) throws Exception {
        WsConnection c = corral.server().context().connections().stream().findFirst().orElseThrow();
        CompletableFuture<Integer> f = new CompletableFuture<>();
        c.eventLoop().execute(() -> f.complete(what.applyAsInt(c)));
        return f.get(10, TimeUnit.SECONDS);
    }

    /** The JVM's heap in use after a full collection (System.gc() is a full, compacting collection with G1). */
    private static long heapAfterGc() {
        System.gc();
        return java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    @Test
    void aFloodOfOneByteFragmentsHoldsAboutItsPayloadNotABufferPerFragment() throws Exception {
        int fragments = 200_000;
        try (WireClient c = WireClient.connect("127.0.0.1", corral.port(), "/echo")) {
            long before = heapAfterGc();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(WireClient.encode(false, 0, Frame.BINARY, new byte[] {1}, true));
            for (int i = 1; i < fragments; i++) {
                out.writeBytes(WireClient.encode(false, 0, Frame.CONTINUATION, new byte[] {(byte) i}, true));
                if (out.size() > 1 << 20) {
                    c.sendRaw(out.toByteArray());
                    out.reset();
                }
            }
            c.sendRaw(out.toByteArray());
            // A ping behind the fragments: its pong says every fragment before it was taken in.
            c.sendPing(new byte[] {42});
            Frame pong = c.readFrame();
            assertEquals(Frame.PONG, pong.opcode(), "the pong for the ping sent after the fragments");
            long grown = heapAfterGc() - before;
            int held = held();
            assertEquals(1, onLoop(WsConnection::fragmentBuffersHeld), "one buffer for the whole message");
            assertTrue(grown < 16L << 20, "heap held for 200,000 one-byte fragments stays near their payload "
                    + "(a buffer per fragment held about 200 bytes each, 40 MB): grew " + grown + " bytes");
            assertTrue(held >= fragments, "the whole payload is held: " + held);
            assertTrue(held <= 2 * fragments + 1024, "within twice the payload (one buffer grown by doubling), "
                    + "not ~200 bytes per fragment: " + held + " bytes for " + fragments + " payload bytes");
            c.sendFrame(true, 0, Frame.CONTINUATION, new byte[] {7});
            Frame echo = c.readFrame();
            assertEquals(fragments + 1, echo.payload().length, "the message is echoed whole");
            assertEquals(7, echo.payload()[fragments], "in order");
            assertEquals(0, held(), "and the buffer is let go once the message is handed over");
        }
    }
}
