package io.corral.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.corral.wire.WireClient;
import io.corral.wire.WireClient.Frame;
import org.junit.jupiter.api.Test;

/** docs/contract/close.md (a close frame among the frames returned), 2.latest column. */
class CloseInListTest extends EngineFixture {

    @Test
    void framesBeforeACloseAreSentInOrderAndFramesAfterItAreDropped() throws Exception {
        String id = newId();
        try (WireClient c = open(id, "")) {
            c.sendText("many-then-close");
            assertText(c, "one", "frames before the close go out in order");
            assertText(c, "two", "frames before the close go out in order");
            Frame close = c.readFrame();
            assertEquals(Frame.CLOSE, close.opcode(), "the close comes right after 'two': 'after close' is dropped");
            assertEquals(1000, close.closeCode(), "the handler's close code");
            assertEquals("bye", close.closeReason(), "the handler's close reason");
            assertTcpClosed(c, "no extra close, the socket is closed after terminate without awaiting the reply");
        }
        assertEquals(STOP, terminateOf(id), "a close frame in the list terminates with stop");
    }

    @Test
    void theClientsCloseReplyIsNotAwaited() throws Exception {
        try (WireClient c = open(newId(), "")) {
            c.sendText("close 1000 x");
            c.readUntilClose();
            // The client never answers; the server closes anyway.
            assertTcpClosed(c, "Cowboy closes the socket right after its close frame");
        }
    }
}
