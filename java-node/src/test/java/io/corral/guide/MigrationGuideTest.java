package io.corral.guide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.Corral;
import io.corral.config.Settings;
import io.corral.wire.WireClient;
import io.corral.wire.WireClient.Frame;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The migration guide's handler in its three forms, served side by side: same behaviour on the wire. */
class MigrationGuideTest {
    static final Path GUIDE = Path.of("../migration-guide").toAbsolutePath().normalize();
    static Corral corral;

    @BeforeAll
    static void start() throws Exception {
        Path out = Path.of("target/guide-erlang").toAbsolutePath();
        Files.createDirectories(out);
        Process erlc = new ProcessBuilder("erlc", "-o", out.toString(),
                GUIDE.resolve("examples/room_v1.erl").toString(), GUIDE.resolve("examples/room_v2.erl").toString())
                .inheritIO().start();
        assertTrue(erlc.waitFor(60, TimeUnit.SECONDS) && erlc.exitValue() == 0, "the guide's modules compile");
        corral = Corral.start(Settings.builder().port(0).codePaths(List.of(out)).routesText("guide routes", """
                [{'_', [
                    {"/v1/room/:room", room_v1, []},
                    {"/v2/room/:room", room_v2, []},
                    {"/java/room/:room", 'io.corral.guide.RoomHandler', []}
                ]}].
                """).build());
    }

    @AfterAll
    static void stop() {
        if (corral != null) corral.close();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/v1", "/v2", "/java"})
    void theRoomHandlerBehavesTheSameInEveryForm(String form) throws Exception {
        try (WireClient c = WireClient.connect("127.0.0.1", corral.port(), form + "/room/lobby",
                "Sec-WebSocket-Protocol: json, chat")) {
            assertEquals(101, c.handshake().status());
            assertEquals("chat", c.handshake().header("sec-websocket-protocol"), "the chat sub-protocol is selected");
            assertEquals("joined lobby", c.readFrame().text(), "the greeting comes first");
            c.sendText("hi");
            assertEquals("lobby: hi", c.readFrame().text());
            c.sendText("bye");
            Frame close = c.readFrame();
            assertEquals(1000, close.closeCode());
            assertEquals("bye", close.closeReason());
        }
    }

    @Test
    void theCodeOnTheGuidePageIsTheCodeThatRuns() throws Exception {
        String page = Files.readString(GUIDE.resolve("1x-to-2x-to-java.md"));
        List<String> blocks = new ArrayList<>();
        Matcher m = Pattern.compile("```(?:erlang|java)\\n(.*?)```", Pattern.DOTALL).matcher(page);
        while (m.find()) blocks.add(m.group(1));
        assertEquals(3, blocks.size(), "three forms on the page");
        assertEquals(Files.readString(GUIDE.resolve("examples/room_v1.erl")), blocks.get(0));
        assertEquals(Files.readString(GUIDE.resolve("examples/room_v2.erl")), blocks.get(1));
        assertEquals(Files.readString(Path.of("src/test/java/io/corral/guide/RoomHandler.java")), blocks.get(2));
    }
}
