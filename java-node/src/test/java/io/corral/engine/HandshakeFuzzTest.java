package io.corral.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.Corral;
import io.corral.config.ListenerSettings;
import io.corral.config.Settings;
import io.corral.handshake.Unexpected;
import io.corral.wire.WireClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Handshake fuzzing on the wire: random bytes and mutated upgrade requests for a bounded time (20 s by default,
 * {@code -Dcorral.fuzz.seconds=N} for longer; {@code -Dcorral.fuzz.seed=S} replays a run). Every connection must get
 * a defined answer (an HTTP status line, or the server closing it) within the request timeout and a margin, no error
 * may reach {@link Unexpected}, and the listener must still upgrade a well-formed client afterwards. Inputs that once
 * broke something are kept in {@link #REGRESSIONS} and sent on every run.
 */
class HandshakeFuzzTest {
    static final long SECONDS = Long.getLong("corral.fuzz.seconds", 20);
    static final long SEED = Long.getLong("corral.fuzz.seed", System.nanoTime());
    static final int TIMEOUT_MS = 500;
    static final int THREADS = 4;

    /** Inputs that once hung a client or threw in an event loop. */
    static final List<String> REGRESSIONS = List.of(
            upgrade("/ws?compress", "Sec-WebSocket-Extensions: ;\r\n"),  // ArrayIndexOutOfBounds in Netty's parser
            upgrade("/echo", ("x-a: " + "v".repeat(3000) + "\r\n").repeat(3)),  // > 8 KiB of headers, never answered
            upgrade("/ws?compress", "Sec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=abc\r\n"),
            upgrade("/ws?compress", "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=99999999999\r\n"));

    /** Header lines the mutator splices in: the ones parsers get wrong. */
    static final List<String> SPICE = List.of("Sec-WebSocket-Extensions: ;", "Sec-WebSocket-Extensions: permessage-deflate;",
            "Sec-WebSocket-Extensions: x-webkit-deflate-frame; a=\"", "Content-Length: -1", "Content-Length: 5",
            "Transfer-Encoding: chunked", "Sec-WebSocket-Version: 13, 8", "Sec-WebSocket-Key:", "Host:",
            "Connection: Upgrade, close", "Origin: null", "Sec-WebSocket-Protocol: ,,,", "X: \u00ff\u0000",
            "Sec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=8; client_max_window_bits",
            "Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover; server_no_context_takeover");

    static final String[] PATHS = {"/echo", "/ws", "/ws?compress", "/nope", "/ws/x?compress"};

    static String upgrade(String path, String extra) {
        return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" + extra + "\r\n";
    }

    static byte[] input(Random r) {
        if (r.nextInt(10) == 0) {
            byte[] b = new byte[r.nextInt(3000)];
            r.nextBytes(b);
            return b;
        }
        StringBuilder extra = new StringBuilder();
        for (int i = r.nextInt(3); i > 0; i--) extra.append(SPICE.get(r.nextInt(SPICE.size()))).append("\r\n");
        byte[] b = upgrade(PATHS[r.nextInt(PATHS.length)], extra.toString()).getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(b);
        for (int m = r.nextInt(4); m > 0; m--) {
            byte[] cur = out.toByteArray();
            out.reset();
            int at = r.nextInt(cur.length + 1);
            switch (r.nextInt(6)) {
                case 0 -> { // flip a byte
                    if (at < cur.length) cur[at] = (byte) r.nextInt(256);
                    out.writeBytes(cur);
                }
                case 1 -> { // cut the request short
                    out.write(cur, 0, at);
                }
                case 2 -> { // delete a run
                    int len = Math.min(cur.length - at, r.nextInt(20));
                    out.write(cur, 0, at);
                    out.write(cur, at + len, cur.length - at - len);
                }
                case 3 -> { // repeat a run
                    int len = Math.min(cur.length - at, r.nextInt(200));
                    out.write(cur, 0, at + len);
                    for (int k = r.nextInt(50); k > 0; k--) out.write(cur, at, len);
                    out.write(cur, at + len, cur.length - at - len);
                }
                case 4 -> { // bare LF or CR, NUL
                    out.write(cur, 0, at);
                    out.write(new byte[] {"\n\r\0 :".getBytes()[r.nextInt(5)]}, 0, 1);
                    out.write(cur, at, cur.length - at);
                }
                default -> { // a frame right behind the request
                    out.writeBytes(cur);
                    out.writeBytes(WireClient.encode(r.nextBoolean(), r.nextInt(8), r.nextInt(16), new byte[r.nextInt(40)],
                            r.nextBoolean()));
                }
            }
        }
        return out.toByteArray();
    }

    /** "101", "400", ... for a status line; "closed" when the server closed or reset without one. */
    static String answer(int port, byte[] in) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(TIMEOUT_MS + 10_000);
            try {
                s.getOutputStream().write(in);
            } catch (IOException closedWhileWriting) {
                // the server answered and closed early; what it wrote may still be readable
            }
            InputStream is = s.getInputStream();
            byte[] head = new byte[12];
            int n = 0;
            try {
                for (int k; n < head.length && (k = is.read(head, n, head.length - n)) > 0; ) n += k;
            } catch (SocketTimeoutException e) {
                throw new AssertionError("no answer and no close within " + (TIMEOUT_MS + 10_000) + " ms for input: "
                        + printable(in));
            } catch (IOException reset) {
                if (n == 0) return "closed";
            }
            if (n == 0) return "closed";
            String h = new String(head, 0, n, StandardCharsets.ISO_8859_1);
            if (!h.matches("HTTP/1\\.1 \\d{3}.*")) throw new AssertionError("not an HTTP answer: " + printable(head));
            return h.substring(9, 12);
        }
    }

    static String printable(byte[] b) {
        String s = new String(b, 0, Math.min(b.length, 400), StandardCharsets.ISO_8859_1);
        return s.replaceAll("[^\\x20-\\x7e]", "?") + (b.length > 400 ? "... (" + b.length + " bytes)" : "");
    }

    @Test
    void everyFuzzedHandshakeGetsAStatusOrACloseAndNothingEscapesAnEventLoop() throws Exception {
        try (Corral corral = Corral.start(Settings.builder().port(0).routesText("fuzz routes", EngineFixture.ROUTES)
                .listener(ListenerSettings.builder().requestTimeoutMillis(TIMEOUT_MS).build()).build())) {
            long before = Unexpected.count();
            for (String r : REGRESSIONS) answer(corral.port(), r.getBytes(StandardCharsets.ISO_8859_1));
            Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();
            long deadline = System.nanoTime() + SECONDS * 1_000_000_000L;
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            List<Future<?>> runs = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                Random r = new Random(SEED + t);
                runs.add(pool.submit(() -> {
                    while (System.nanoTime() < deadline) {
                        outcomes.computeIfAbsent(answer(corral.port(), input(r)), k -> new AtomicLong()).incrementAndGet();
                    }
                    return null;
                }));
            }
            try {
                for (Future<?> f : runs) f.get();
            } finally {
                pool.shutdownNow();
            }
            long total = outcomes.values().stream().mapToLong(AtomicLong::get).sum();
            System.out.println("handshake fuzz: seed " + SEED + ", " + SECONDS + " s, " + total + " connections: "
                    + new TreeMap<>(outcomes));
            assertTrue(total > 100, "the fuzzer ran: " + total + " connections");
            assertEquals(before, Unexpected.count(), "no error escaped to the event loop (seed " + SEED + ")");
            try (WireClient c = WireClient.connect("127.0.0.1", corral.port(), "/echo")) {
                assertEquals(101, c.handshake().status(), "the listener still upgrades a well-formed client");
                c.sendText("still here");
                assertEquals("still here", c.readFrame().text(), "and serves it");
            }
        }
    }
}
