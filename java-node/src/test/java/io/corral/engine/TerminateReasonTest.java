package io.corral.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.wire.WireClient;
import io.corral.wire.WireClient.Frame;
import org.junit.jupiter.api.Test;

/** docs/contract/close.md (terminate reasons), 2.latest column, with what the client sees. */
class TerminateReasonTest extends EngineFixture {

    @Test
    void clientCloseWithCodeTerminatesWithRemoteCodeAndReason() throws Exception {
        String id = newId();
        try (WireClient c = open(id, "")) {
            c.sendClose(4000, "bye");
            assertClosedWith(c, 4000, "", "the client's code is echoed without its reason");
        }
        assertEquals("terminate {remote, 4000, <<\"bye\">>}", terminateOf(id), "terminate {remote, Code, Reason}");
    }

    @Test
    void clientEmptyCloseTerminatesWithRemote() throws Exception {
        String id = newId();
        try (WireClient c = open(id, "")) {
            c.sendFrame(true, 0, Frame.CLOSE, new byte[0]);
            Frame f = c.readUntilClose();
            assertEquals(0, f.payload().length, "an empty close is answered with an empty close");
            assertTcpClosed(c, "the server closes after answering");
        }
        assertEquals(REMOTE, terminateOf(id), "terminate remote");
    }

    @Test
    void tcpClosedWithoutACloseFrameTerminatesWithErrorClosed() throws Exception {
        String id = newId();
        try (WireClient c = open(id, "")) {
            c.sendText("x");
            assertText(c, "x", "the session is running");
        }
        assertEquals(CLOSED, terminateOf(id), "terminate {error, closed}");
    }

    @Test
    void aCrashInWebsocketHandleClosesWith1011AndTerminatesWithTheCrash() throws Exception {
        String id = newId();
        try (WireClient c = open(id, "")) {
            c.sendText("crash");
            assertClosedWith(c, 1011, "", "a callback exception closes with 1011");
        }
        String t = terminateOf(id);
        assertTrue(t.startsWith(CRASH) && t.contains("crash in a callback"), "terminate {crash, error, _}: " + t);
    }

    @Test
    void aCrashInWebsocketInfoClosesWith1011AndTerminatesWithTheCrash() throws Exception {
        String id = newId();
        try (WireClient c = open(id, "")) {
            c.sendText("later 50 crash");
            assertClosedWith(c, 1011, "", "an exception in websocket_info closes with 1011");
        }
        Recorder.await(id, "info");
        String t = terminateOf(id);
        assertTrue(t.startsWith(CRASH) && t.contains("crash in a callback"), "terminate {crash, error, _}: " + t);
    }

    @Test
    void aCrashInWebsocketInitClosesWith1011AfterThe101() throws Exception {
        String id = newId();
        try (WireClient c = open(id, "crash=websocket_init")) {
            assertClosedWith(c, 1011, "", "2.x runs websocket_init after the 101: a crash there is a 1011");
        }
        String t = terminateOf(id);
        assertTrue(t.startsWith(CRASH) && t.contains("crash in websocket_init"), "terminate {crash, error, _}: " + t);
    }

    @Test
    void aProtocolErrorTerminatesWithBadframe() throws Exception {
        String id = newId();
        try (WireClient c = open(id, "")) {
            c.sendRaw(WireClient.encode(true, 0, Frame.TEXT, "unmasked".getBytes(), false));
            assertClosedWith(c, 1002, "", "an unmasked client frame is a protocol error");
        }
        assertEquals(BADFRAME, terminateOf(id), "terminate {error, badframe}");
    }

    @Test
    void invalidUtf8TerminatesWithBadencoding() throws Exception {
        String id = newId();
        try (WireClient c = open(id, "")) {
            c.sendFrame(true, 0, Frame.TEXT, new byte[] {(byte) 0xff});
            assertClosedWith(c, 1007, "", "invalid UTF-8 in a text frame");
        }
        assertEquals(BADENCODING, terminateOf(id), "terminate {error, badencoding}");
    }

    @Test
    void anOversizedFrameTerminatesWithBadsize() throws Exception {
        String id = newId();
        try (WireClient c = open(id, "max=10")) {
            c.sendText("more than ten bytes");
            assertClosedWith(c, 1009, "", "a frame over max_frame_size");
        }
        assertEquals(BADSIZE, terminateOf(id), "terminate {error, badsize}");
    }

    @Test
    void theIdleTimeoutTerminatesWithTimeout() throws Exception {
        String id = newId();
        try (WireClient c = open(id, "idle=200")) {
            assertClosedWith(c, 1000, "", "idle timeout");
        }
        assertEquals(TIMEOUT, terminateOf(id), "terminate timeout");
    }
}
