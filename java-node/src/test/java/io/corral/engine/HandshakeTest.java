package io.corral.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.wire.WireClient;
import io.corral.wire.WireClient.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** docs/contract/upgrade.md (the handshake; the 2.x rows on refusals and init crashes), 2.latest. */
class HandshakeTest extends EngineFixture {

    private static WireClient connect(String path, String... headers) throws Exception {
        return WireClient.connect("127.0.0.1", port(), path, headers);
    }

    @ParameterizedTest(name = "version {0}")
    @ValueSource(strings = {"7", "8", "13"})
    void versionsSevenEightAndThirteenAreAcceptedWithTheRightAcceptKey(String version) throws Exception {
        try (WireClient c = connect("/ws?id=" + newId(), "Sec-WebSocket-Version: " + version)) {
            HttpResponse r = c.handshake();
            assertEquals(101, r.status(), "version " + version + " is one Cowboy accepts");
            assertEquals(WireClient.acceptFor(c.key()), r.header("sec-websocket-accept"),
                    "the accept key is SHA-1(key + GUID) in base64 (RFC 6455 section 4.2.2)");
            assertEquals("websocket", r.header("upgrade").toLowerCase(), "101 says upgrade: websocket");
            assertEquals("upgrade", r.header("connection").toLowerCase(), "101 says connection: upgrade");
            c.sendText("hi");
            assertText(c, "hi", "the upgraded connection works for version " + version);
        }
    }

    @ParameterizedTest(name = "version {0}")
    @ValueSource(strings = {"12", "6", "14", "abc"})
    void otherVersionsAreRefusedWith400(String version) throws Exception {
        try (WireClient c = connect("/ws?id=" + newId(), "Sec-WebSocket-Version: " + version)) {
            assertEquals(400, c.handshake().status(), "Cowboy accepts only 7, 8 and 13");
        }
    }

    @Test
    void aMissingKeyIsRefusedWith400() throws Exception {
        String req = "GET /ws?id=" + newId() + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n";
        try (WireClient c = WireClient.request("127.0.0.1", port(), req)) {
            assertEquals(400, c.handshake().status(), "an upgrade without Sec-WebSocket-Key is a bad request");
        }
    }

    @Test
    void aMissingVersionIsRefusedWith400() throws Exception {
        String req = "GET /ws?id=" + newId() + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + WireClient.newKey() + "\r\n\r\n";
        try (WireClient c = WireClient.request("127.0.0.1", port(), req)) {
            assertEquals(400, c.handshake().status(), "an upgrade without Sec-WebSocket-Version is a bad request");
        }
    }

    @Test
    void aPlainGetWithoutUpgradeHeadersGets426WithUpgradeWebsocket() throws Exception {
        String req = "GET /ws?id=" + newId() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
        try (WireClient c = WireClient.request("127.0.0.1", port(), req)) {
            assertEquals(426, c.handshake().status(), "2.2+ answers 426 Upgrade Required, not 400");
            assertEquals("websocket", c.handshake().header("upgrade"), "the 426 names the protocol to upgrade to");
        }
    }

    @Test
    void anUnknownPathGets404() throws Exception {
        try (WireClient c = connect("/nope")) {
            assertEquals(404, c.handshake().status(), "no route matches /nope");
        }
    }

    @Test
    void initRefusingWithAStatusAnswersItWithoutUpgradingAndTerminatesNormal() throws Exception {
        String id = newId();
        try (WireClient c = connect("/ws?id=" + id + "&refuse=403")) {
            assertEquals(403, c.handshake().status(), "init replied 403 and returned {ok, Req, State}");
            assertNull(c.handshake().header("sec-websocket-accept"), "no upgrade happened");
            assertTcpClosed(c, "a refused upgrade closes the connection");
        }
        assertEquals(NORMAL, terminateOf(id), "terminate(normal, ...) runs after a refusal (2L/handler:39)");
    }

    @Test
    void initReturningOkWithoutAReplyGets204AndTerminatesNormal() throws Exception {
        String id = newId();
        try (WireClient c = connect("/ws?id=" + id + "&noreply")) {
            assertEquals(204, c.handshake().status(), "Cowboy answers 204 when the handler replied nothing");
        }
        assertEquals(NORMAL, terminateOf(id), "terminate(normal, ...) runs after {ok, Req, State}");
    }

    @Test
    void aCrashInInitGets500AndTerminatesWithTheCrash() throws Exception {
        String id = newId();
        try (WireClient c = connect("/ws?id=" + id + "&crash=init")) {
            assertEquals(500, c.handshake().status(), "an exception in init/2 is an HTTP 500");
        }
        String t = terminateOf(id);
        assertTrue(t.startsWith(CRASH) && t.contains("crash in init"),
                "terminate({crash, error, _}, ...) runs with the handler options as state: " + t);
    }

    @Test
    void the101CarriesDateAndServer() throws Exception {
        try (WireClient c = connect("/ws?id=" + newId())) {
            assertEquals(101, c.handshake().status(), "upgrade accepted");
            assertNotNull(c.handshake().header("date"), "2.x puts date on the 101");
            assertNotNull(c.handshake().header("server"), "2.x puts server on the 101");
        }
    }

    @Test
    void theSubProtocolPickedByTheHandlerIsInThe101() throws Exception {
        try (WireClient c = connect("/ws?id=" + newId() + "&protocol=mqtt", "Sec-WebSocket-Protocol: foo, mqtt")) {
            assertEquals(101, c.handshake().status(), "upgrade accepted");
            assertEquals("mqtt", c.handshake().header("sec-websocket-protocol"), "the handler set the header in init");
        }
    }

    @Test
    void noSubProtocolHeaderIsSentWhenTheHandlerPicksNone() throws Exception {
        try (WireClient c = connect("/ws?id=" + newId(), "Sec-WebSocket-Protocol: foo, mqtt")) {
            assertEquals(101, c.handshake().status(), "upgrade accepted");
            assertNull(c.handshake().header("sec-websocket-protocol"),
                    "Cowboy never answers the sub-protocol header by itself");
        }
    }

    @Test
    void bindingsFromThePathReachInit() throws Exception {
        String id = newId();
        try (WireClient c = connect("/ws/alice?id=" + id)) {
            assertEquals(101, c.handshake().status(), "/ws/:name matches");
        }
        String init = Recorder.await(id, "init");
        assertTrue(init.contains("name=alice"), "the :name binding is alice: " + init);
    }

    @Test
    void dataSentInTheSameWriteAsTheUpgradeRequestIsProcessed() throws Exception {
        String id = newId();
        byte[] frame = WireClient.encode(true, 0, WireClient.Frame.TEXT, "early".getBytes(), true);
        try (WireClient c = WireClient.connectWithData("127.0.0.1", port(), "/ws?id=" + id, frame)) {
            assertEquals(101, c.handshake().status(), "upgrade accepted");
            assertText(c, "early", "2.7+ processes a frame glued to the upgrade request");
        }
    }
}
