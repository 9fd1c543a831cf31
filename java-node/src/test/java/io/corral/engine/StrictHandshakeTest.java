package io.corral.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.wire.WireClient;
import io.corral.wire.WireClient.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Handshakes a careful server refuses (RFC 6455 section 4.1 and 4.2.1), answered as Cowboy 2.17 answers them where
 * Cowboy refuses them too ({@code cowboy_websocket:upgrade/5}, 2.latest profile), and with 400 where Cowboy accepts
 * what the RFC forbids. The 1.x and 2.0 profiles' answers are in {@link VersionProfileTest}.
 */
class StrictHandshakeTest extends EngineFixture {

    private static String upgradeHeaders(String key) {
        return "Host: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\n";
    }

    private static HttpResponse send(String request) throws Exception {
        try (WireClient c = WireClient.request("127.0.0.1", port(), request)) {
            return c.handshake();
        }
    }

    @Test
    void aPostWithUpgradeHeadersGets426WithTheUpgradeHeadersAsCowboy217() throws Exception {
        String id = newId();
        HttpResponse r = send("POST /ws?id=" + id + " HTTP/1.1\r\n" + upgradeHeaders(WireClient.newKey())
                + "Content-Length: 0\r\n\r\n");
        assertEquals(426, r.status(), "is_upgrade_request/1 is false for a POST: upgrade_required on HTTP/1.1");
        assertEquals("websocket", r.header("upgrade"), "the 426 names the protocol to upgrade to");
        assertEquals("upgrade", r.header("connection"), "and says connection: upgrade");
        assertFalse(Recorder.seen(id, "init"), "the refusal comes before the handler's init");
    }

    @Test
    void anHttp10UpgradeGets501AsCowboy217() throws Exception {
        HttpResponse r = send("GET /ws?id=" + newId() + " HTTP/1.0\r\n" + upgradeHeaders(WireClient.newKey()) + "\r\n");
        assertEquals(501, r.status(), "upgrade_required on a version other than HTTP/1.1 is 501 Not Implemented");
        assertNull(r.header("upgrade"), "the 501 does not offer an upgrade");
    }

    @ParameterizedTest(name = "key {0}")
    @ValueSource(strings = {"abc", "dGhlIHNhbXBsZSBub25jZQ", "dGhlIHNhbXBsZSBub25jZSE=", "dGhlIHNhbXBsZSBub25j!Q==",
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAA"})
    void aKeyThatIsNotBase64Of16BytesGets400StricterThanCowboy(String key) throws Exception {
        HttpResponse r = send("GET /ws?id=" + newId() + " HTTP/1.1\r\n" + upgradeHeaders(key) + "\r\n");
        assertEquals(400, r.status(), "RFC 6455 4.2.1: the key is base64 of 16 random bytes (Cowboy accepts any)");
    }

    @Test
    void aKeyOf16BytesInBase64IsAccepted() throws Exception {
        // The example key of RFC 6455 section 1.3.
        HttpResponse r = send("GET /ws?id=" + newId() + " HTTP/1.1\r\n" + upgradeHeaders("dGhlIHNhbXBsZSBub25jZQ==")
                + "\r\n");
        assertEquals(101, r.status(), "16 bytes, base64");
        assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", r.header("sec-websocket-accept"), "RFC 6455 section 1.3's answer");
    }

    @ParameterizedTest(name = "version {0}")
    @ValueSource(strings = {"12", "14", "abc"})
    void anUnsupportedVersionGets400NamingTheSupportedVersions(String version) throws Exception {
        try (WireClient c = WireClient.connect("127.0.0.1", port(), "/ws?id=" + newId(),
                "Sec-WebSocket-Version: " + version)) {
            assertEquals(400, c.handshake().status(), "Cowboy speaks 7, 8 and 13 only");
            assertEquals("13, 8, 7", c.handshake().header("sec-websocket-version"),
                    "RFC 6455 4.4: the answer lists the versions the server speaks");
        }
    }

    @Test
    void theDateHeaderIsAnImfFixdateWithATwoDigitDay() throws Exception {
        try (WireClient c = WireClient.connect("127.0.0.1", port(), "/ws?id=" + newId())) {
            String date = c.handshake().header("date");
            assertTrue(date.matches("(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT"),
                    "IMF-fixdate (RFC 9110 5.6.7), the day always two digits as Cowboy writes it: " + date);
        }
        HttpResponse refused = send("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        assertTrue(refused.header("date").matches("[A-Z][a-z]{2}, \\d{2} .* GMT"),
                "refusals carry the same format: " + refused.header("date"));
    }

    @ParameterizedTest(name = "extensions \"{0}\"")
    @ValueSource(strings = {";", "", ",", "permessage-deflate;", "permessage-deflate; x=", "permessage-deflate x",
            "permessage-deflate; a=\"b c\"", "permessage-deflate; a=\"b"})
    void aMalformedExtensionsHeaderGets400BeforeInitAsCowboy217(String header) throws Exception {
        String id = newId();
        for (String query : new String[] {"", "&compress"}) {
            try (WireClient c = WireClient.connect("127.0.0.1", port(), "/ws?id=" + id + query,
                    "Sec-WebSocket-Extensions: " + header)) {
                assertEquals(400, c.handshake().status(),
                        "cow_http_hd:parse_sec_websocket_extensions/1 rejects it, compress on or off");
                assertTcpClosed(c, "the refused connection is closed");
            }
        }
        assertFalse(Recorder.seen(id, "init"), "init never ran, so no handler process is left behind");
    }

    @ParameterizedTest(name = "extensions \"{0}\"")
    @ValueSource(strings = {"foo,,permessage-deflate", "permessage-deflate; x=\"1\"", "a; b=c; d, e"})
    void aWellFormedButUnknownOfferIsIgnoredAndTheUpgradeProceeds(String header) throws Exception {
        try (WireClient c = WireClient.connect("127.0.0.1", port(), "/ws?id=" + newId(),
                "Sec-WebSocket-Extensions: " + header)) {
            assertEquals(101, c.handshake().status(), "Cowboy upgrades and ignores what it does not negotiate");
            assertNull(c.handshake().header("sec-websocket-extensions"), "compress is off: nothing accepted");
        }
    }
}
