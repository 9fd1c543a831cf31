package io.corral.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.corral.Corral;
import io.corral.config.Settings;
import io.corral.config.VersionProfile;
import io.corral.wire.WireClient;
import io.corral.wire.WireClient.Frame;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A listener that names the Cowboy version it reproduces ({@code --cowboy-version}): the same 2.x Java handler shows
 * each version's wire behaviour where versions differ (docs/contract/: README.md, timeouts.md, frames.md, upgrade.md).
 */
class VersionProfileTest {
    static Corral v10;
    static Corral v20;
    static Corral latest;

    static Corral start(VersionProfile p) throws Exception {
        return Corral.start(Settings.builder().port(0).cowboyVersion(p)
                .routesText("profile routes", EngineFixture.ROUTES).build());
    }

    @BeforeAll
    static void startAll() throws Exception {
        v10 = start(VersionProfile.V1_0);
        v20 = start(VersionProfile.V2_0);
        latest = start(VersionProfile.V2_LATEST);
    }

    @AfterAll
    static void stopAll() {
        v10.close();
        v20.close();
        latest.close();
    }

    private static int plainGet(Corral c) throws Exception {
        try (WireClient w = WireClient.connectRaw("127.0.0.1", c.port())) {
            w.sendRaw("GET /ws HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
            return w.readHttpResponse().status();
        }
    }

    @Test
    void aPlainGetIs400Before22And426After() throws Exception {
        assertEquals(400, plainGet(v10), "1.0");
        assertEquals(400, plainGet(v20), "2.0: 426 came in 2.2");
        assertEquals(426, plainGet(latest), "2.latest");
    }

    @Test
    void dateAndServerAreOnThe101From20On() throws Exception {
        try (WireClient w = WireClient.connect("127.0.0.1", v10.port(), "/echo")) {
            assertNull(w.handshake().header("date"), "1.0 sends no date");
            assertNull(w.handshake().header("server"), "1.0 sends no server");
        }
        try (WireClient w = WireClient.connect("127.0.0.1", v20.port(), "/echo")) {
            assertNotNull(w.handshake().header("date"), "2.0 sends date");
            assertNotNull(w.handshake().header("server"), "2.0 sends server");
        }
    }

    @Test
    void aTwoMegabyteFrameIsEchoedWhereThereIsNoLimitAndClosed1009In2Latest() throws Exception {
        byte[] big = new byte[2_000_000];
        for (Corral c : new Corral[] {v10, v20}) {
            try (WireClient w = WireClient.connect("127.0.0.1", c.port(), "/echo")) {
                w.sendBinary(big);
                assertArrayEquals(big, w.readFrame().payload(), "no max_frame_size before 2.17's default");
            }
        }
        try (WireClient w = WireClient.connect("127.0.0.1", latest.port(), "/echo")) {
            // The header alone decides: send it with a first slice, so the server's close does not race our write.
            byte[] frame = WireClient.encode(true, 0, Frame.BINARY, big, true);
            w.sendRaw(java.util.Arrays.copyOf(frame, 4096));
            assertEquals(1009, w.readUntilClose().closeCode(), "2.17+: 1 MB by default");
        }
    }

    @Test
    void dataSentWithTheUpgradeRequestIsDroppedBefore27() throws Exception {
        byte[] frame = WireClient.encode(true, 0, Frame.TEXT, "early".getBytes(), true);
        try (WireClient w = WireClient.connectWithData("127.0.0.1", v20.port(), "/echo", frame)) {
            assertEquals(101, w.handshake().status());
            w.setReadTimeout(Duration.ofMillis(500));
            w.sendText("later");
            assertEquals("later", w.readFrame().text(), "the frame glued to the request was discarded (2.0)");
        }
        try (WireClient w = WireClient.connectWithData("127.0.0.1", latest.port(), "/echo", frame)) {
            assertEquals("early", w.readFrame().text(), "2.7+ processes it");
        }
    }

    @Test
    void aRouteCanNameTheCowboyVersionItReproduces() throws Exception {
        try (Corral c = Corral.start(Settings.builder().port(0).routesText("route profiles", """
                [{'_', [{"/old", {'io.corral.demo.EchoHandler', #{cowboy_version => '2.0'}}, []},
                        {"/new", 'io.corral.demo.EchoHandler', []}]}].
                """).build())) {
            for (String[] pathAndStatus : new String[][] {{"/old", "400"}, {"/new", "426"}}) {
                try (WireClient w = WireClient.connectRaw("127.0.0.1", c.port())) {
                    w.sendRaw(("GET " + pathAndStatus[0] + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes());
                    assertEquals(Integer.parseInt(pathAndStatus[1]), w.readHttpResponse().status(), pathAndStatus[0]);
                }
            }
        }
    }

    @Test
    void theIdleTimeoutDefaultIsInfinityIn1x() throws Exception {
        assertEquals(io.corral.api.HandlerOptions.INFINITY, VersionProfile.V1_0.defaults().idleTimeoutMillis());
        assertEquals(60_000, VersionProfile.V2_0.defaults().idleTimeoutMillis());
    }

    private static int status(Corral c, String request) throws Exception {
        try (WireClient w = WireClient.request("127.0.0.1", c.port(), request)) {
            return w.handshake().status();
        }
    }

    private static final String UPGRADE = "Host: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";

    @Test
    void aPostUpgradeIsRefused400Before22And426After() throws Exception {
        String post = "POST /echo HTTP/1.1\r\n" + UPGRADE + "Content-Length: 0\r\n\r\n";
        assertEquals(400, status(v10, post), "1.x upgrades a POST; Corral refuses it with 1.x's refusal status");
        assertEquals(400, status(v20, post), "2.0 upgrades a POST too; refused with 2.0's refusal status");
        assertEquals(426, status(latest, post), "2.17: upgrade_required");
    }

    @Test
    void anHttp10UpgradeIsRefused400Before22And501After() throws Exception {
        String http10 = "GET /echo HTTP/1.0\r\n" + UPGRADE + "\r\n";
        assertEquals(400, status(v10, http10), "1.x answers HTTP/1.0 101; Corral refuses with 400");
        assertEquals(400, status(v20, http10), "2.0 upgrades it too; refused with 400");
        assertEquals(501, status(latest, http10), "2.17: 501 Not Implemented");
    }

    @Test
    void aKeyThatIsNotBase64Of16BytesIs400InEveryProfile() throws Exception {
        String bad = "GET /echo HTTP/1.1\r\n" + UPGRADE.replace("dGhlIHNhbXBsZSBub25jZQ==", "not-a-key") + "\r\n";
        for (Corral c : new Corral[] {v10, v20, latest}) {
            assertEquals(400, status(c, bad), "RFC 6455 4.2.1 in every profile (every Cowboy accepts it)");
        }
    }

    @Test
    void the1xProfileUpgradesAStrictRequestWithoutDate() throws Exception {
        try (WireClient w = WireClient.request("127.0.0.1", v10.port(), "GET /echo HTTP/1.1\r\n" + UPGRADE + "\r\n")) {
            assertEquals(101, w.handshake().status(), "a GET over HTTP/1.1 with a good key upgrades in 1.x");
        }
    }
}
