package io.corral.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.bridge.ErlangFixture;
import io.corral.wire.WireClient;
import io.corral.wire.WireClient.Frame;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Memory per connection is bounded in both directions, against an Erlang route whose routes-file settings make the
 * limits small ({@code /erl/limited}: 128 KiB in flight, 256 KiB send buffer, 1 s send timeout). Heap is measured
 * in-process after full collections; every assertion compares a bound with what an unbounded queue reaches in the
 * same time (hundreds of MB).
 */
class BackpressureTest extends ErlangFixture {

    private static long heapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static WsConnection connection(String path) {
        return corral.server().context().connections().stream().filter(w -> w.stats().path.equals(path)).findFirst()
                .orElseThrow();
    }

    private static long inFlight(WsConnection c) throws Exception {
        CompletableFuture<Long> f = new CompletableFuture<>();
        c.eventLoop().execute(() -> f.complete(c.inFlightBytes()));
        return f.get(10, TimeUnit.SECONDS);
    }

    /** Another client is served while one connection is flooded. */
    private static void anotherClientIsServed() throws IOException {
        try (WireClient other = WireClient.connect("127.0.0.1", port(), "/java/echo")) {
            other.sendText("still here");
            assertEquals("still here", other.readFrame().text(), "another client is served meanwhile");
        }
    }

    @Test
    void aClientThatDoesNotReadAPushingErlangRouteIsClosedAndHeapStaysFlat() throws Exception {
        String id = newId();
        long before = heapAfterGc();
        try (WireClient c = open("/erl/limited", id, "")) {
            assertEquals("hello from websocket_init", c.readFrame().text());
            c.sendText("flood"); // the handler pushes 64 KiB frames without end; this client reads none of them
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (corral.server().context().connections().stream().anyMatch(w -> w.stats().path.equals("/erl/limited"))
                    && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(corral.server().context().connections().stream().noneMatch(w -> w.stats().path.equals("/erl/limited")),
                    "the connection is closed once four send buffers are queued or the send timeout passed");
            anotherClientIsServed();
        }
        assertEquals("{terminate,{error,timeout}}", awaitEvent(id, "{terminate"), "terminate says the send timed out");
        long grown = heapAfterGc() - before;
        assertTrue(grown < 32L << 20, "heap flat: grew " + grown + " bytes (the route pushes about 64 KiB per message "
                + "as fast as it can)");
    }

    @Test
    void aSlowErlangHandlerStopsReadingAtTheInFlightLimit() throws Exception {
        String id = newId();
        long before = heapAfterGc();
        try (WireClient c = open("/erl/limited", id, "")) {
            assertEquals("hello from websocket_init", c.readFrame().text());
            c.sendText("slow 20"); // every binary now takes 20 ms in the handler
            assertEquals("slow", c.readFrame().text());
            WsConnection conn = connection("/erl/limited");
            AtomicLong sent = new AtomicLong();
            byte[] frame = WireClient.encode(true, 0, Frame.BINARY, new byte[65536], true);
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
                    while (System.nanoTime() < end) {
                        c.sendRaw(frame);
                        sent.addAndGet(frame.length);
                    }
                } catch (IOException e) {
                    // the socket was closed under a blocked write at the end of the test
                }
            });
            long maxInFlight = 0;
            for (int i = 0; i < 30; i++) {
                Thread.sleep(100);
                maxInFlight = Math.max(maxInFlight, inFlight(conn));
            }
            assertTrue(maxInFlight <= 131072 + 65536 * 2, "in flight stays at the route's max_in_flight plus the frames of one "
                    + "read: " + maxInFlight);
            assertTrue(sent.get() < 32L << 20, "the client's writes block (TCP backpressure): it got "
                    + sent.get() + " bytes out in 3 s to a handler answering 50 frames a second");
            anotherClientIsServed();
            long grown = heapAfterGc() - before;
            assertTrue(grown < 32L << 20, "heap flat: grew " + grown + " bytes");
            writer.interrupt();
        }
    }
}
