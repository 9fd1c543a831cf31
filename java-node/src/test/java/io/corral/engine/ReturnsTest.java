package io.corral.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.corral.wire.WireClient;
import io.corral.wire.WireClient.Frame;
import java.io.EOFException;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** docs/contract/callbacks.md (return values), 2.latest column. */
class ReturnsTest extends EngineFixture {

    @Test
    void commandsAndStateAreCarriedOutInOrder() throws Exception {
        String id = newId();
        try (WireClient c = open(id, "")) {
            c.sendText("many-then-close");
            assertText(c, "one", "first frame of the command list");
            assertText(c, "two", "second frame of the command list");
        }
    }

    @Test
    void anInvalidReturnKillsTheConnectionWithoutACloseFrameOrTerminate() throws Exception {
        String id = newId();
        try (WireClient c = open(id, "")) {
            c.sendText("invalid");
            try {
                Frame f = c.readFrame();
                throw new AssertionError("no frame is sent after an invalid return, got " + f);
            } catch (EOFException | java.net.SocketException closed) {
                // the process died: TCP closed, no close frame (2L/ws:607-650)
            } catch (IOException e) {
                throw new AssertionError("expected the TCP connection to close", e);
            }
        }
        String e;
        while ((e = Recorder.poll(id, Duration.ofMillis(500))) != null) {
            assertFalse(e.startsWith("terminate"), "terminate/3 is not called after an invalid return: " + e);
        }
    }
}
