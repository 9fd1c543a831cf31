package io.corral.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.Corral;
import io.corral.config.Settings;
import io.corral.erlang.LocalErlangNode;
import io.corral.wire.WireClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Erlang handlers on a node Corral does not own ({@code --erlang-node}): when that node stops mid-connection the
 * connection closes with 1011, new upgrades get 503, and once the node is back new connections are served again.
 */
class ErlangNodeDownTest {
    private Process erl;
    private Corral corral;

    private Process startHandlerNode(String name, String cookie) throws Exception {
        Path bridge = LocalErlangNode.bridgeHome();
        Path tests = Path.of("target/test-erlang").toAbsolutePath();
        Files.createDirectories(tests);
        Process erlc = new ProcessBuilder("erlc", "-o", tests.toString(), "src/test/erlang/ws_script.erl",
                "src/test/erlang/corral_test_recorder.erl").inheritIO().start();
        assertTrue(erlc.waitFor(60, TimeUnit.SECONDS) && erlc.exitValue() == 0);
        return BridgeNode.start(name, cookie, List.of(bridge.resolve("ebin"), bridge.resolve("compat-ebin"), tests));
    }

    private static void awaitLeftEpmd(String shortName) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            Process names = new ProcessBuilder("epmd", "-names").redirectErrorStream(true).start();
            String out = new String(names.getInputStream().readAllBytes());
            names.waitFor();
            if (!out.contains("name " + shortName + " ")) return;
            Thread.sleep(100);
        }
        throw new AssertionError(shortName + " never left epmd");
    }

    @AfterEach
    void cleanUp() {
        if (corral != null) corral.close();
        if (erl != null) erl.destroyForcibly();
    }

    @Test
    void theHandlerNodeStoppingClosesItsConnectionsWith1011AndComingBackServesAgain() throws Exception {
        String suffix = Long.toString(ProcessHandle.current().pid());
        String handlers = "down_handlers_" + suffix + "@localhost";
        String cookie = "down_test_cookie";
        erl = startHandlerNode(handlers, cookie);
        corral = Corral.start(Settings.builder().port(0).nodeName("down_java_" + suffix + "@localhost").cookie(cookie)
                .erlangNode(handlers).routesText("down routes", """
                        [{'_', [{"/erl/script", ws_script, []}]}].
                        """).build());

        try (WireClient c = WireClient.connect("127.0.0.1", corral.port(), "/erl/script?id=down")) {
            assertEquals(101, c.handshake().status());
            assertEquals("hello from websocket_init", c.readFrame().text());
            erl.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            assertEquals(1011, c.readUntilClose().closeCode(), "the node serving the handler went away");
        }
        awaitLeftEpmd("down_handlers_" + suffix);
        try (WireClient c = WireClient.connect("127.0.0.1", corral.port(), "/erl/script?id=down2")) {
            assertEquals(503, c.handshake().status(), "no node to run the handler: service unavailable");
        }

        erl = startHandlerNode(handlers, cookie);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int status = 0;
        while (status != 101 && System.nanoTime() < deadline) {
            try (WireClient c = WireClient.connect("127.0.0.1", corral.port(), "/erl/script?id=back")) {
                status = c.handshake().status();
                if (status == 101) assertEquals("hello from websocket_init", c.readFrame().text());
            } catch (IOException e) {
                status = -1;
            }
            if (status != 101) Thread.sleep(200);
        }
        assertEquals(101, status, "the node is back: upgrades are served again");
    }
}
