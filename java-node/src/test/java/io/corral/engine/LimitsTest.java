package io.corral.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.Corral;
import io.corral.config.ListenerSettings;
import io.corral.config.Settings;
import io.corral.wire.WireClient;
import io.corral.wire.WireClient.HttpResponse;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The limits a listener enforces before the upgrade, with Cowboy's defaults and answers (cowboy_http:
 * parse_request/3, parse_header/3, parse_header_colon/3, parse_hd_before_value/4, timeout/2; ranch's
 * max_connections). The defaults are read from {@link ListenerSettings#DEFAULTS}, not repeated here. A second
 * listener with a short request_timeout and a tiny connection limit makes those two quick to see.
 */
class LimitsTest extends EngineFixture {
    private static final ListenerSettings D = ListenerSettings.DEFAULTS;
    static Corral tight;
    static final int TIGHT_TIMEOUT_MS = 300;
    static final int TIGHT_CONNECTIONS = 3;

    @BeforeAll
    static void startTight() throws Exception {
        tight = Corral.start(Settings.builder().port(0).routesText("tight routes", ROUTES)
                .listener(ListenerSettings.builder().requestTimeoutMillis(TIGHT_TIMEOUT_MS)
                        .maxConnections(TIGHT_CONNECTIONS).build())
                .build());
    }

    @AfterAll
    static void stopTight() {
        tight.close();
    }

    private static String upgrade(String path, String extraHeaders) {
        return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " + WireClient.newKey() + "\r\n" + extraHeaders + "\r\n";
    }

    private static HttpResponse send(String request) throws Exception {
        try (WireClient c = WireClient.request("127.0.0.1", port(), request)) {
            return c.handshake();
        }
    }

    @Test
    void theDefaultsAreCowboys() {
        assertEquals(5000, D.requestTimeoutMillis(), "cowboy_http request_timeout");
        assertEquals(100, D.maxHeaders(), "max_headers");
        assertEquals(64, D.maxHeaderNameLength(), "max_header_name_length");
        assertEquals(4096, D.maxHeaderValueLength(), "max_header_value_length");
        assertEquals(8000, D.maxRequestLineLength(), "max_request_line_length");
    }

    @Test
    void aRequestLineOverTheLimitGets414() throws Exception {
        String path = "/ws?pad=" + "a".repeat(D.maxRequestLineLength());
        assertEquals(414, send(upgrade(path, "")).status(), "parse_request/3: longer than max_request_line_length");
    }

    @Test
    void aRequestLineAtTheLimitIsServed() throws Exception {
        String prefix = "GET /ws?pad=";
        String suffix = " HTTP/1.1";
        String path = "/ws?pad=" + "a".repeat(D.maxRequestLineLength() - prefix.length() - suffix.length());
        assertEquals(101, send(upgrade(path, "")).status(), "exactly max_request_line_length bytes are allowed");
    }

    @Test
    void oneHeaderMoreThanMaxHeadersGets431() throws Exception {
        StringBuilder extra = new StringBuilder();
        // The upgrade request has 5 headers of its own.
        for (int i = 0; i < D.maxHeaders() - 5 + 1; i++) extra.append("x-h").append(i).append(": v\r\n");
        assertEquals(431, send(upgrade("/ws", extra.toString())).status(), "parse_header/3: max_headers");
        StringBuilder ok = new StringBuilder();
        for (int i = 0; i < D.maxHeaders() - 5; i++) ok.append("x-h").append(i).append(": v\r\n");
        assertEquals(101, send(upgrade("/ws", ok.toString())).status(), "max_headers headers are allowed");
    }

    @Test
    void aHeaderNameOverTheLimitGets431() throws Exception {
        String name = "x".repeat(D.maxHeaderNameLength() + 1);
        assertEquals(431, send(upgrade("/ws", name + ": v\r\n")).status(), "parse_header_colon/3");
        assertEquals(101, send(upgrade("/ws", "x".repeat(D.maxHeaderNameLength()) + ": v\r\n")).status(),
                "a name of max_header_name_length bytes is allowed");
    }

    @Test
    void aHeaderValueOverTheLimitGets431() throws Exception {
        assertEquals(431, send(upgrade("/ws", "x-big: " + "v".repeat(D.maxHeaderValueLength() + 1) + "\r\n")).status(),
                "parse_hd_before_value/4");
        assertEquals(101, send(upgrade("/ws", "x-big: " + "v".repeat(D.maxHeaderValueLength()) + "\r\n")).status(),
                "a value of max_header_value_length bytes is allowed");
    }

    @Test
    void moreThan8KiBOfHeadersWithinEachLimitIsAnsweredAndUpgraded() throws Exception {
        // Once never answered nor closed (Netty's 8 KiB default header block handed over a partial request).
        String v = "v".repeat(3000);
        HttpResponse r = send(upgrade("/ws", "x-a: " + v + "\r\nx-b: " + v + "\r\nx-c: " + v + "\r\n"));
        assertEquals(101, r.status(), "9 KB of headers, each within Cowboy's limits: Cowboy upgrades it too");
    }

    @Test
    void aHeaderBlockFarOverEveryLimitIsAnswered431NotHung() throws Exception {
        try (WireClient c = WireClient.connectRaw("127.0.0.1", port())) {
            c.sendRaw(("GET /ws HTTP/1.1\r\nHost: x\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] line = ("x-pad: " + "v".repeat(4000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            HttpResponse r = null;
            try {
                for (int i = 0; i < D.maxHeaders() * 2 && r == null; i++) c.sendRaw(line);
            } catch (IOException closedUnderUs) {
                // the server answered and closed while we were still sending: read what it said
            }
            r = c.readHttpResponse();
            assertEquals(431, r.status(), "too many bytes of headers: an answer, then a close");
            assertTcpClosed(c, "the connection is closed after the 431");
        }
    }

    @Test
    void noRequestLineWithinRequestTimeoutClosesTheConnectionWithoutAnAnswer() throws Exception {
        try (WireClient c = WireClient.connectRaw("127.0.0.1", tight.port())) {
            c.sendRaw("GET /ws".getBytes(StandardCharsets.US_ASCII));
            c.setReadTimeout(Duration.ofMillis(TIGHT_TIMEOUT_MS * 20L));
            assertTrue(c.isClosedByServer(), "cowboy_http:timeout/2 in ps_request_line: the connection is closed");
        }
    }

    @Test
    void aPartialRequestAtRequestTimeoutGets408() throws Exception {
        try (WireClient c = WireClient.connectRaw("127.0.0.1", tight.port())) {
            c.sendRaw("GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: web".getBytes(StandardCharsets.US_ASCII));
            c.setReadTimeout(Duration.ofMillis(TIGHT_TIMEOUT_MS * 20L));
            assertEquals(408, c.readHttpResponse().status(), "cowboy_http:timeout/2 in ps_header: 408");
            assertTcpClosed(c, "then closed");
        }
    }

    @Test
    void slowlorisSocketsAreAllClosedAtRequestTimeout() throws Exception {
        // 50 slow requests, in batches of the listener's connection limit (3): each batch is let expire before the
        // next is opened. The server counts a connection out when its close completes, which a loaded machine can
        // run after the client already saw the close: a batch whose first answer is that 503 is opened again.
        int done = 0;
        int retries = 0;
        while (done < 50) {
            List<WireClient> batch = new ArrayList<>();
            try {
                int n = Math.min(TIGHT_CONNECTIONS, 50 - done);
                for (int i = 0; i < n; i++) {
                    WireClient c = WireClient.connectRaw("127.0.0.1", tight.port());
                    c.sendRaw("GET /ws HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
                    batch.add(c);
                }
                List<Integer> statuses = new ArrayList<>();
                for (WireClient c : batch) {
                    c.setReadTimeout(Duration.ofMillis(TIGHT_TIMEOUT_MS * 20L));
                    statuses.add(c.readHttpResponse().status());
                }
                if (statuses.contains(503) && retries++ < 20) {
                    Thread.sleep(100);
                    continue;
                }
                for (int i = 0; i < batch.size(); i++) {
                    assertEquals(408, statuses.get(i), "each slow request is answered 408 at request_timeout");
                    assertTrue(batch.get(i).isClosedByServer(), "and closed");
                }
                done += n;
            } finally {
                batch.forEach(LimitsTest::quietClose);
            }
        }
    }

    private static void quietClose(WireClient c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // already closed by the server
        }
    }

    @Test
    void aConnectionOverMaxConnectionsGets503AndTheListenerServesAgainOnceOneCloses() throws Exception {
        List<WireClient> held = new ArrayList<>();
        try {
            for (int i = 0; i < TIGHT_CONNECTIONS; i++) {
                held.add(WireClient.connect("127.0.0.1", tight.port(), "/echo"));
                assertEquals(101, held.getLast().handshake().status(), "within max_connections");
            }
            try (WireClient over = WireClient.connectRaw("127.0.0.1", tight.port())) {
                HttpResponse r = over.readHttpResponse();
                assertEquals(503, r.status(), "over max_connections: told at once, not left in the backlog");
                assertEquals("1", r.header("retry-after"), "with a hint to retry");
                assertTcpClosed(over, "and closed");
            }
            held.removeFirst().close();
            // The slot frees when the server sees the close; retry until it has.
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            int status;
            do {
                try (WireClient again = WireClient.connect("127.0.0.1", tight.port(), "/echo")) {
                    status = again.handshake().status();
                } catch (EOFException e) {
                    status = -1;
                }
            } while (status != 101 && System.nanoTime() < deadline);
            assertEquals(101, status, "a freed slot serves a new client");
        } finally {
            held.forEach(LimitsTest::quietClose);
        }
    }
}
