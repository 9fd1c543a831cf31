package io.corral.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.testsupport.LaunchedServer;
import io.corral.wire.WireClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the local erl node Corral starts writes (logger's reports) reaches the launcher's log, labelled. */
class LocalNodeOutputTest {

    @TempDir
    Path dir;

    @Test
    void theLocalNodesOutputIsInTheLauncherLogOneLineAtATimePrefixedWithTheNodesName() throws Exception {
        Path routes = Files.writeString(dir.resolve("log.routes"), "[{'_', [{\"/erl/script\", ws_script, []}]}].\n");
        String marker = "marker-" + System.nanoTime();
        try (LaunchedServer server = LaunchedServer.serve(List.of("--port=0", "--routes", routes.toString(),
                "--pa", ErlangFixture.testModules().toString(), "--drain-timeout=1s"), Map.of());
             WireClient c = WireClient.connect("127.0.0.1", server.port(), "/erl/script")) {
            c.setReadTimeout(Duration.ofSeconds(20));
            assertEquals("hello from websocket_init", c.readFrame().text());
            c.sendText("log " + marker); // logger:warning/2 on the node: a report on erl's standard output
            assertEquals("logged", c.readFrame().text());
            String prefix = "INFO erl - [corral_handlers_" + server.pid() + "_";
            String line = server.awaitLine(l -> l.endsWith("] " + marker), 20);
            assertNotNull(line, "the handler's log line reached the launcher's output: " + server.lines());
            assertTrue(line.contains(prefix) && line.contains("@localhost] " + marker),
                    "through SLF4J (logger io.corral.erl), labelled with the node's name: " + line);
            assertTrue(server.lines().stream().anyMatch(l -> l.contains(prefix) && l.contains("=WARNING REPORT====")),
                    "the report's header line too, with the same label: " + server.lines());
        }
    }
}
