package io.corral.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.corral.wire.WireClient;
import io.corral.wire.WireClient.Frame;
import org.junit.jupiter.api.Test;

/** docs/contract/close.md (stopping from the handler) and callbacks.md (hibernate), 2.latest column. */
class StopTest extends EngineFixture {

    @Test
    void stopSendsClose1000WithAnEmptyReasonAndTerminatesWithStop() throws Exception {
        String id = newId();
        try (WireClient c = open(id, "")) {
            c.sendText("stop");
            Frame f = c.readUntilClose();
            assertEquals(2, f.payload().length, "the close payload is the code alone: no reason");
            assertEquals(1000, f.closeCode(), "{stop, State} closes with 1000");
            assertTcpClosed(c, "the server closes the socket after stop");
        }
        assertEquals(STOP, terminateOf(id), "terminate reason stop");
    }

    @Test
    void stopFromWebsocketInitClosesWith1000() throws Exception {
        String id = newId();
        try (WireClient c = open(id, "init=stop")) {
            assertClosedWith(c, 1000, "", "stop returned by websocket_init closes right after the 101");
        }
        assertEquals(STOP, terminateOf(id), "terminate reason stop");
    }

    @Test
    void shutdownReasonDoesNotChangeTheWireOrTheTerminateReason() throws Exception {
        String id = newId();
        try (WireClient c = open(id, "")) {
            c.sendText("shutdown-reason bye");
            assertClosedWith(c, 1000, "", "{shutdown_reason, bye} then stop: still 1000, empty reason");
        }
        // Only the process's exit reason changes ({shutdown, bye}); the handler still sees stop.
        assertEquals(STOP, terminateOf(id), "terminate reason stop");
    }

    @Test
    void hibernateHasNoWireEffect() throws Exception {
        String id = newId();
        try (WireClient c = open(id, "")) {
            c.sendText("hibernate");
            assertText(c, "hibernating", "the frames of a {Commands, State, hibernate} return are sent");
            c.sendText("after");
            assertText(c, "after", "the connection keeps working after hibernating");
            c.sendText("stop");
            assertClosedWith(c, 1000, "", "and ends normally");
        }
        assertEquals(STOP, terminateOf(id), "terminate reason stop");
    }
}
