package io.corral.engine;

import io.corral.Corral;
import io.corral.config.Settings;
import io.corral.config.VersionProfile;
import io.corral.wire.WireClient;
import java.io.IOException;
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
}
