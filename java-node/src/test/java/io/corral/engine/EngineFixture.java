package io.corral.engine;

import io.corral.Corral;
import io.corral.config.Settings;
import io.corral.config.VersionProfile;
import io.corral.wire.WireClient;
import io.corral.wire.WireClient.Frame;
import java.io.IOException;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Starts one Corral on a free loopback port serving {@link ScriptHandler} at {@code /ws} and {@code /ws/:name}, for
 * the wire tests. Subclasses may override {@link #profile()} to run under another Cowboy version.
 */
public abstract class EngineFixture {
    protected static Corral corral;
    private static VersionProfile running;

    static final String ROUTES = """
            [{'_', [
                {"/ws", 'io.corral.engine.ScriptHandler', []},
                {"/ws/:name", 'io.corral.engine.ScriptHandler', []},
                {"/ws1", 'io.corral.engine.Script1Handler', []},
                {"/echo", 'io.corral.demo.EchoHandler', []}
            ]}].
            """;

    @BeforeAll
    static void startCorral() throws Exception {
        if (corral != null) return;
        corral = Corral.start(Settings.builder().port(0).routesText("test routes", ROUTES).build());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> corral.close()));
    }

    @AfterAll
    static void keepRunning() {
        // One server for the whole test JVM: starting Netty per class costs more than the tests.
    }

    protected static int port() {
        return corral.port();
    }

    /** A fresh connection id for {@link Recorder}. */
    protected static String newId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    /** Connects to {@code /ws?id=ID&query} and asserts the 101. */
    protected static WireClient open(String id, String query, String... headers) throws IOException {
        WireClient c = WireClient.connect("127.0.0.1", port(), "/ws?id=" + id + (query.isEmpty() ? "" : "&" + query), headers);
        if (c.handshake().status() != 101) {
            throw new AssertionError("expected 101, got " + c.handshake().status() + " " + c.handshake().headers());
        }
        return c;
    }

    // ---------------------------------------------------------------- shared wire assertions

    /** How {@link io.corral.api.TerminateReason}s print in the {@link Recorder} ("terminate " + reason). */
    static final String STOP = "terminate Stop[]", TIMEOUT = "terminate Timeout[]", REMOTE = "terminate Remote[]",
            NORMAL = "terminate Normal[]", CLOSED = "terminate Error[kind=closed]",
            BADFRAME = "terminate Error[kind=badframe]", BADENCODING = "terminate Error[kind=badencoding]",
            BADSIZE = "terminate Error[kind=badsize]", CRASH = "terminate Crash[cls=error, ";

    /** The handler's terminate event for connection {@code id}. */
    static String terminateOf(String id) {
        return Recorder.await(id, "terminate");
    }

    /** Reads up to the server's close frame, asserts its code and reason, then that the server closed the TCP connection. */
    static Frame assertClosedWith(WireClient c, int code, String reason, String why) throws IOException {
        Frame f = c.readUntilClose();
        if (f.closeCode() != code || !f.closeReason().equals(reason)) {
            throw new AssertionError(why + ": expected close " + code + " '" + reason + "', got " + f);
        }
        assertTcpClosed(c, why);
        return f;
    }

    static void assertTcpClosed(WireClient c, String why) throws IOException {
        c.setReadTimeout(Duration.ofSeconds(10));
        if (!c.isClosedByServer()) throw new AssertionError(why + ": the server should have closed the TCP connection");
    }

    /** The next frame, which must be a text frame with this payload. */
    static void assertText(WireClient c, String text, String why) throws IOException {
        Frame f = c.readFrame();
        if (f.opcode() != Frame.TEXT || !f.text().equals(text)) {
            throw new AssertionError(why + ": expected text '" + text + "', got " + f);
        }
    }

    /** Asserts nothing arrives within {@code quiet} (a short read time-out), then restores a long time-out. */
    static void assertNothingWithin(WireClient c, Duration quiet, String why) throws IOException {
        c.setReadTimeout(quiet);
        try {
            Frame f = c.readFrame();
            throw new AssertionError(why + ": got " + f);
        } catch (java.net.SocketTimeoutException expected) {
            // nothing came, as wanted
        } finally {
            c.setReadTimeout(Duration.ofSeconds(10));
        }
    }
}
