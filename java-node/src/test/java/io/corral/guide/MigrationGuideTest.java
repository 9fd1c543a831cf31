package io.corral.guide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.Corral;
import io.corral.config.Settings;
import io.corral.fromerlang.ErlNode;
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

/**
 * The migration guide's handler in its three forms, served side by side: same behaviour on the wire. The Erlang
 * forms broadcast through pg, so they run as the guide says an application's handlers run: on the application's
 * node (pg started there), whose listener is {@code corral:start_clear/3}; the Java form runs in a Corral started
 * from Java.
 */
class MigrationGuideTest {
    static final Path GUIDE = Path.of("../migration-guide").toAbsolutePath().normalize();
    static Corral corral;
    static ErlNode erl;
    static int erlPort;

    @BeforeAll
    static void start() throws Exception {
        Path out = Path.of("target/guide-erlang").toAbsolutePath();
        Files.createDirectories(out);
        Process erlc = new ProcessBuilder("erlc", "-o", out.toString(),
                GUIDE.resolve("examples/room_v1.erl").toString(), GUIDE.resolve("examples/room_v2.erl").toString())
                .inheritIO().start();
        assertTrue(erlc.waitFor(60, TimeUnit.SECONDS) && erlc.exitValue() == 0, "the guide's modules compile");
        corral = Corral.start(Settings.builder().port(0).routesText("guide routes", """
                [{'_', [
                    {"/java/room/:room", 'io.corral.guide.RoomHandler', []}
                ]}].
                """).build());
        erl = ErlNode.start(List.of("-kernel", "start_pg", "true"), List.of(out));
        String started = erl.eval("corral:start_clear(guide, [{port, 0}, {ip, {127,0,0,1}}], #{env => #{dispatch => "
                + "corral_router:compile([{'_', [{\"/v1/room/:room\", room_v1, []}, "
                + "{\"/v2/room/:room\", room_v2, []}]}])}}).");
        assertTrue(started.startsWith("{ok,"), "the guide's Erlang forms are served: " + started + "\n" + erl.log());
        erlPort = Integer.parseInt(erl.eval("corral:get_port(guide)."));
    }

    @AfterAll
    static void stop() throws Exception {
        if (corral != null) corral.close();
        if (erl != null) erl.close();
    }

    static int portOf(String form) {
        return form.equals("/java") ? corral.port() : erlPort;
    }

    static WireClient join(String form, String room) throws Exception {
        WireClient c = WireClient.connect("127.0.0.1", portOf(form), form + "/room/" + room);
        assertEquals(101, c.handshake().status());
        c.setReadTimeout(java.time.Duration.ofSeconds(20));
        assertEquals("joined " + room, c.readFrame().text(), "the greeting comes first");
        return c;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/v1", "/v2", "/java"})
    void everyoneInTheRoomHearsWhatOneSaysAndNoOneElse(String form) throws Exception {
        try (WireClient a = join(form, "kitchen"); WireClient b = join(form, "kitchen");
             WireClient other = join(form, "attic")) {
            a.sendText("dinner");
            assertEquals("kitchen: dinner", a.readFrame().text(), "the sender is in the room too");
            assertEquals("kitchen: dinner", b.readFrame().text(), "the other member hears it");
            other.sendText("dust");
            assertEquals("attic: dust", other.readFrame().text(),
                    "the attic hears its own message first: nothing of the kitchen reached it");
            b.sendText("coming");
            assertEquals("kitchen: coming", a.readFrame().text());
            assertEquals("kitchen: coming", b.readFrame().text());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/v1", "/v2", "/java"})
    void theRoomHandlerBehavesTheSameInEveryForm(String form) throws Exception {
        try (WireClient c = WireClient.connect("127.0.0.1", portOf(form), form + "/room/lobby",
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

    @Test
    void theApplicationPageShowsTheApplicationsTheSuiteRuns() throws Exception {
        String page = Files.readString(GUIDE.resolve("from-a-cowboy-application.md"));
        List<String> blocks = new ArrayList<>();
        Matcher m = Pattern.compile("```erlang\\n(.*?)```", Pattern.DOTALL).matcher(page);
        while (m.find()) blocks.add(m.group(1));
        Path apps = Path.of("src/test/resources/erlang/fromerlang");
        assertEquals(List.of(Files.readString(apps.resolve("chat_app.erl")), Files.readString(apps.resolve("chat1_app.erl"))),
                blocks, "the 2.x and 1.x applications on the page are the ones StartClearTest and StartHttpTest run");
    }
}
