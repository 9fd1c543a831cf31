package io.corral.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.corral.Corral;
import io.corral.config.FlowLimits;
import io.corral.config.Settings;
import io.corral.wire.WireClient;
import io.netty.channel.WriteBufferWaterMark;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Each connection's channel gets the write buffer water marks of its own listener's flow limits, with its route's
 * overrides: high at send_buffer, low at half of it; connections of one route share them, and two listeners of
 * different limits in one JVM never get each other's.
 */
class WaterMarkTest {
    private static final String ROUTES = """
            [{'_', [
                {"/echo", 'io.corral.demo.EchoHandler', []},
                {"/small", {'io.corral.demo.EchoHandler', #{send_buffer => 4096}}, []}
            ]}].
            """;

    @Test
    void eachConnectionGetsTheWaterMarksOfItsOwnListenersAndRoutesSendBuffer() throws Exception {
        try (Corral big = start(300_000); Corral other = start(70_000)) {
            List<WireClient> clients = new ArrayList<>();
            try {
                // Alternating listeners, so a mark kept for the JVM rather than the route would change every time.
                WsConnection big1 = open(big, "/echo", clients);
                WsConnection other1 = open(other, "/echo", clients);
                WsConnection big2 = open(big, "/echo", clients);
                WsConnection small = open(big, "/small", clients);
                WsConnection other2 = open(other, "/echo", clients);
                WsConnection big3 = open(big, "/echo", clients);

                assertMarks(big1, 150_000, 300_000, "the first listener's send_buffer");
                assertMarks(other1, 35_000, 70_000, "the second listener's send_buffer, not the first's");
                assertMarks(small, 2048, 4096, "the route's send_buffer overrides its listener's");
                assertMarks(other2, 35_000, 70_000, "the second listener's, after the first's route override");
                assertSame(big1.writeBufferWaterMark(), big2.writeBufferWaterMark(),
                        "connections of one route share one (immutable) water mark");
                assertSame(big1.writeBufferWaterMark(), big3.writeBufferWaterMark(),
                        "whatever other listeners and routes opened connections in between");
                assertSame(other1.writeBufferWaterMark(), other2.writeBufferWaterMark(),
                        "the second listener's connections share theirs");
            } finally {
                for (WireClient c : clients) c.close();
            }
        }
    }

    private static Corral start(long sendBuffer) throws Corral.StartException {
        return Corral.start(Settings.builder().port(0).routesText("water mark routes", ROUTES)
                .flow(new FlowLimits(FlowLimits.DEFAULTS.maxInFlightBytes(), sendBuffer,
                        FlowLimits.DEFAULTS.sendTimeoutMillis())).build());
    }

    private static void assertMarks(WsConnection c, int low, int high, String why) {
        WriteBufferWaterMark m = c.writeBufferWaterMark();
        assertEquals(high, m.high(), "high water mark: " + why);
        assertEquals(low, m.low(), "low water mark, half the high one: " + why);
    }

    /** Opens a connection and returns its server side, once the listener has it among its connections. */
    private static WsConnection open(Corral corral, String path, List<WireClient> clients) throws Exception {
        List<WsConnection> before = List.copyOf(corral.server().context().connections());
        WireClient w = WireClient.connect("127.0.0.1", corral.port(), path);
        clients.add(w);
        assertEquals(101, w.handshake().status(), "upgraded");
        w.setReadTimeout(Duration.ofSeconds(20));
        w.sendText("ping");
        assertEquals("ping", w.readFrame().text(), "the connection runs (its channel's config is set at start)");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            for (WsConnection c : corral.server().context().connections()) {
                if (!before.contains(c) && c.stats().path.equals(path)) return c;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the listener never listed the connection to " + path);
    }
}
