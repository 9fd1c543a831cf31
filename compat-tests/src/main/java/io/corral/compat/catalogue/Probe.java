package io.corral.compat.catalogue;

import io.corral.wire.WireClient;
import io.corral.wire.WireClient.Frame;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The client side of one scenario run: connects to the target's routes, records what it observed, and fails with
 * a readable message on the first mismatch. The handler's side is read through the target's log route.
 */
public final class Probe {
    private final Target target;
    private final String id = "c" + UUID.randomUUID().toString().substring(0, 8);
    private final List<String> observed = new ArrayList<>();

    public Probe(Target target) {
        this.target = target;
    }

    public String id() {
        return id;
    }

    public Flavour flavour() {
        return target.flavour();
    }

    public boolean oneX() {
        return target.generation() == Generation.ONE_X;
    }

    /** The value for the target's generation: where a generation differs, the scenario says so with this. */
    public <T> T gen(T oneX, T twoX) {
        return oneX() ? oneX : twoX;
    }

    public List<String> observed() {
        return observed;
    }

    public void saw(String what) {
        observed.add(what);
    }

    // ------------------------------------------------------------------ connecting

    /** An upgrade request to {@code PREFIX/script?id=ID&query}; the response is in {@code handshake()}. */
    public WireClient open(String query, String... headers) throws IOException {
        return openPath("/script", query, headers);
    }

    public WireClient openPath(String sub, String query, String... headers) throws IOException {
        String path = target.prefix() + sub + "?id=" + id + (query.isEmpty() ? "" : "&" + query);
        WireClient c = WireClient.connect(target.host(), target.port(), path, headers);
        saw("HTTP " + c.handshake().status());
        return c;
    }

    /** {@link #open} and require the 101. */
    public WireClient upgraded(String query, String... headers) throws IOException {
        WireClient c = open(query, headers);
        check("status", 101, c.handshake().status());
        return c;
    }

    /** Sends a request exactly as given; {@code %PATH%} is replaced by {@code PREFIX/script?id=ID}. */
    public WireClient raw(String request) throws IOException {
        String r = request.replace("%PATH%", target.prefix() + "/script?id=" + id)
                .replace("%PREFIX%", target.prefix()).replace("%HOST%", target.host() + ":" + target.port());
        WireClient c = WireClient.request(target.host(), target.port(), r);
        saw("HTTP " + c.handshake().status());
        return c;
    }

    public WireClient connectWithData(String query, byte[] data) throws IOException {
        WireClient c = WireClient.connectWithData(target.host(), target.port(),
                target.prefix() + "/script?id=" + id + (query.isEmpty() ? "" : "&" + query), data);
        saw("HTTP " + c.handshake().status());
        return c;
    }

    // ------------------------------------------------------------------ checks

    public void check(String what, Object expected, Object actual) {
        if (!Objects.equals(expected, actual)) {
            throw new AssertionError(what + ": expected " + expected + ", observed " + actual);
        }
    }

    public void isTrue(String what, boolean ok, String observedInstead) {
        if (!ok) throw new AssertionError(what + ": observed " + observedInstead);
    }

    public Frame frame(WireClient c) throws IOException {
        Frame f = c.readFrame();
        saw(describe(f));
        return f;
    }

    public void text(WireClient c, String expected) throws IOException {
        Frame f = frame(c);
        check("next frame", "text '" + expected + "'", describe(f));
    }

    /** The next frame is the server's close with this code (-1: empty payload) and reason, then the TCP close. */
    public void closed(WireClient c, int code, String reason) throws IOException {
        Frame f = frame(c);
        String want = code < 0 ? "close (empty)" : "close " + code + " '" + reason + "'";
        check("next frame", want, describe(f));
        tcpClosed(c);
    }

    /** The next frame is a close with this code, whatever its reason, then the TCP close. */
    public void closedWithCode(WireClient c, int code) throws IOException {
        Frame f = frame(c);
        isTrue("next frame is close " + code, f.opcode() == Frame.CLOSE && f.payload().length >= 2 && f.closeCode() == code,
                describe(f));
        tcpClosed(c);
    }

    public void tcpClosed(WireClient c) throws IOException {
        c.setReadTimeout(Duration.ofSeconds(5));
        boolean closed = c.isClosedByServer();
        saw(closed ? "TCP closed" : "TCP open");
        isTrue("the server closes the TCP connection", closed, "still open after 5 s");
    }

    /** The server closes the TCP connection without sending any frame. */
    public void droppedWithoutClose(WireClient c) throws IOException {
        c.setReadTimeout(Duration.ofSeconds(5));
        try {
            Frame f = c.readFrame();
            saw(describe(f));
            throw new AssertionError("no frame before the TCP close: observed " + describe(f));
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server should drop the connection: still open after 5 s");
        } catch (IOException e) {
            saw("TCP closed, no close frame");
        }
    }

    public void nothingWithin(WireClient c, Duration quiet) throws IOException {
        c.setReadTimeout(quiet);
        try {
            Frame f = c.readFrame();
            saw(describe(f));
            throw new AssertionError("nothing within " + quiet.toMillis() + " ms: observed " + describe(f));
        } catch (SocketTimeoutException expected) {
            saw("nothing for " + quiet.toMillis() + " ms");
        } finally {
            c.setReadTimeout(Duration.ofSeconds(10));
        }
    }

    public void header(WireClient c, String name, String expected) {
        String v = c.handshake().header(name);
        saw(name + ": " + v);
        check("header " + name, expected, v);
    }

    public static String describe(Frame f) {
        return switch (f.opcode()) {
            // A compressed frame (RSV1) is shown by size: its payload is deflate output, not text.
            case Frame.TEXT -> (f.rsv() != 0 ? "text " + f.payload().length + " compressed bytes" : "text '" + f.text() + "'")
                    + (f.rsv() != 0 ? " rsv=" + f.rsv() : "");
            case Frame.BINARY -> "binary " + f.payload().length + " bytes" + (f.rsv() != 0 ? " rsv=" + f.rsv() : "");
            case Frame.CLOSE -> f.payload().length == 0 ? "close (empty)" : "close " + f.closeCode() + " '" + f.closeReason() + "'";
            case Frame.PING -> "ping '" + f.text() + "'";
            case Frame.PONG -> "pong '" + f.text() + "'";
            default -> f.toString();
        };
    }

    // ------------------------------------------------------------------ the handler's side, through the log route

    /** The events recorded for this scenario's connection, fetched from {@code PREFIX/log?id=ID}. */
    public List<String> log() throws IOException {
        List<String> events = new ArrayList<>();
        try (WireClient c = WireClient.connect(target.host(), target.port(), target.prefix() + "/log?id=" + id)) {
            if (c.handshake().status() != 101) throw new AssertionError("the log route answered " + c.handshake().status());
            for (;;) {
                Frame f = c.readFrame();
                if (f.opcode() == Frame.CLOSE) return events;
                if (f.opcode() == Frame.TEXT) events.add(f.text());
            }
        }
    }

    /** Waits (up to 5 s) until an event starting with {@code prefix} was recorded and returns it. */
    public String event(String prefix) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        List<String> events;
        do {
            events = log();
            for (String e : events) if (e.startsWith(prefix)) return e;
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("the handler recorded no '" + prefix + "' event; recorded: " + events);
    }

    /** Checks the handler's terminate reason against the expectation (called by the runner after the body). */
    public void checkTerminate(Expectation e) throws IOException, InterruptedException {
        if (e.terminate() == null) return;
        if (e.terminate().equals(Expectation.NOT_CALLED)) {
            Thread.sleep(300);
            List<String> events = log();
            List<String> t = events.stream().filter(x -> x.startsWith("terminate")).toList();
            saw("handler: " + (t.isEmpty() ? "no terminate" : t));
            isTrue("terminate is not called", t.isEmpty(), t.toString());
            return;
        }
        String t = event("terminate ").substring("terminate ".length());
        saw("terminate " + t);
        isTrue("terminate reason " + e.terminate(), e.matches(t), t);
    }
}
