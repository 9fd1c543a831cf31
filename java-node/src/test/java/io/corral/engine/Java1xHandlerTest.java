package io.corral.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.wire.WireClient;
import io.corral.wire.WireClient.Frame;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A Java handler in the 1.x shape, served with the 1.x profile its generation selects (docs/contract/, 1.x). */
class Java1xHandlerTest extends EngineFixture {

    private static WireClient connect1(String id, String query, String... headers) throws IOException {
        return WireClient.connect("127.0.0.1", port(), "/ws1?id=" + id + (query.isEmpty() ? "" : "&" + query), headers);
    }

    @Test
    void websocketInitRunsBeforeThe101AndItsMessageToSelfComesBeforeClientFrames() throws Exception {
        String id = newId();
        try (WireClient c = connect1(id, "")) {
            assertEquals(101, c.handshake().status());
            assertTrue(Recorder.await(id, "websocket_init").contains("version=13"), "meta(websocket_version) is 13");
            c.sendText("hello");
            assertEquals("info from websocket_init", c.readFrame().text(), "the self-message is handled first");
            assertEquals("hello", c.readFrame().text());
        }
    }

    @Test
    void shutdownFromWebsocketInitAnswers400AndDoesNotCallTerminate() throws Exception {
        String id = newId();
        try (WireClient c = connect1(id, "shutdown=1")) {
            assertEquals(400, c.handshake().status(), "{shutdown, Req} without a reply is 400");
        }
        Recorder.await(id, "websocket_init");
        assertNull(Recorder.poll(id, Duration.ofMillis(300)), "websocket_terminate/3 is not called after a refusal");
    }

    @Test
    void shutdownAfterAReplyAnswersTheRepliedStatus() throws Exception {
        try (WireClient c = connect1(newId(), "reply=403")) {
            assertEquals(403, c.handshake().status());
        }
    }

    @Test
    void crashInWebsocketInitIsHttp500() throws Exception {
        try (WireClient c = connect1(newId(), "crash=1")) {
            assertEquals(500, c.handshake().status(), "1.x runs websocket_init/3 before the 101");
        }
    }

    @Test
    void the101HasNoDateOrServerHeaderUnder1x() throws Exception {
        try (WireClient c = connect1(newId(), "")) {
            assertNull(c.handshake().header("date"), "1.x sends no date on the 101");
            assertNull(c.handshake().header("server"), "1.x sends no server on the 101");
        }
    }

    @Test
    void aPlainGetIs400Under1x() throws Exception {
        try (WireClient c = WireClient.connectRaw("127.0.0.1", port())) {
            c.sendRaw("GET /ws1 HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
            assertEquals(400, c.readHttpResponse().status(), "1.x answers 400, not 426");
        }
    }

    @Test
    void shutdownResultClosesWith1000AndTerminateSeesNormalShutdown() throws Exception {
        String id = newId();
        try (WireClient c = connect1(id, "")) {
            c.readFrame(); // the self-message's reply
            c.sendText("shutdown");
            Frame close = c.readUntilClose();
            assertEquals(1000, close.closeCode());
        }
        assertEquals("terminate {normal,shutdown}", Recorder.await(id, "terminate"));
    }

    @Test
    void emptyClientCloseIsRemoteClosed() throws Exception {
        String id = newId();
        try (WireClient c = connect1(id, "")) {
            c.readFrame();
            c.sendFrame(true, 0, Frame.CLOSE, new byte[0]);
            assertEquals(-1, c.readUntilClose().closeCode(), "an empty close is answered with an empty close");
        }
        assertEquals("terminate {remote,closed}", Recorder.await(id, "terminate"));
    }

    @Test
    void crashInWebsocketHandleIs1011AndErrorHandler() throws Exception {
        String id = newId();
        try (WireClient c = connect1(id, "")) {
            c.readFrame();
            c.sendText("crash");
            assertEquals(1011, c.readUntilClose().closeCode());
        }
        assertEquals("terminate {error,handler}", Recorder.await(id, "terminate"));
    }

    @Test
    void emptyPingReachesTheHandlerAsAPingWithAnEmptyPayload() throws Exception {
        String id = newId();
        try (WireClient c = connect1(id, "")) {
            c.readFrame();
            c.sendPing(new byte[0]);
            assertEquals(Frame.PONG, c.readFrame().opcode(), "the pong comes first");
            assertEquals("handle ping ", Recorder.await(id, "handle"), "{ping, <<>>} in 1.x");
        }
    }

    @Test
    void timeoutFromWebsocketInitClosesWith1000AndNormalTimeout() throws Exception {
        String id = newId();
        try (WireClient c = connect1(id, "timeout=300")) {
            c.readFrame();
            assertEquals(1000, c.readUntilClose().closeCode());
        }
        assertEquals("terminate {normal,timeout}", Recorder.await(id, "terminate"));
    }

    @Test
    void subprotocolSetInWebsocketInitIsOnThe101() throws Exception {
        try (WireClient c = connect1(newId(), "protocol=mqtt", "Sec-WebSocket-Protocol: foo, mqtt")) {
            assertEquals("mqtt", c.handshake().header("sec-websocket-protocol"));
        }
    }
}
