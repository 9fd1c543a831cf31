package io.corral.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.corral.wire.WireClient;
import io.corral.wire.WireClient.Frame;
import java.io.EOFException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** docs/contract/frames.md (frames in and out), 2.latest column. */
class FramesTest extends EngineFixture {

    @Test
    void aTextFrameIsHandedOverAndEchoed() throws Exception {
        String id = newId();
        try (WireClient c = open(id, "")) {
            c.sendText("héllo");
            assertText(c, "héllo", "the handler echoes text");
        }
        assertEquals("handle text héllo", Recorder.await(id, "handle"), "the handler saw {text, <<\"héllo\">>}");
    }

    @Test
    void aBinaryFrameIsHandedOverAndEchoed() throws Exception {
        String id = newId();
        byte[] bin = new byte[300];
        for (int i = 0; i < bin.length; i++) bin[i] = (byte) i;
        try (WireClient c = open(id, "")) {
            c.sendBinary(bin);
            Frame f = c.readFrame();
            assertEquals(Frame.BINARY, f.opcode(), "binary comes back as binary");
            assertArrayEquals(bin, f.payload(), "the same bytes come back");
        }
        assertEquals("handle binary 300", Recorder.await(id, "handle"), "the handler saw {binary, <<...300 bytes>>}");
    }

    @Test
    void aFragmentedMessageIsReassembledAndAPingBetweenFragmentsIsAnsweredAtOnce() throws Exception {
        String id = newId();
        try (WireClient c = open(id, "")) {
            c.sendFrame(false, 0, Frame.TEXT, "hel".getBytes(StandardCharsets.UTF_8));
            c.sendFrame(true, 0, Frame.PING, "mid".getBytes(StandardCharsets.UTF_8));
            Frame pong = c.readFrame();
            assertEquals(Frame.PONG, pong.opcode(), "the pong comes before the message is complete");
            assertEquals("mid", pong.text(), "the pong carries the ping's payload");
            c.sendFrame(false, 0, Frame.CONTINUATION, "lo ".getBytes(StandardCharsets.UTF_8));
            c.sendFrame(true, 0, Frame.CONTINUATION, "world".getBytes(StandardCharsets.UTF_8));
            assertText(c, "hello world", "the echo is the whole message in one frame");
        }
        assertEquals("handle ping mid", Recorder.await(id, "handle"), "the handler sees the ping first");
        assertEquals("handle text hello world", Recorder.await(id, "handle"), "then the reassembled message");
    }

    @Test
    void aFragmentedBinaryMessageIsReassembled() throws Exception {
        String id = newId();
        try (WireClient c = open(id, "")) {
            c.sendFrame(false, 0, Frame.BINARY, new byte[] {1, 2});
            c.sendFrame(false, 0, Frame.CONTINUATION, new byte[] {3});
            c.sendFrame(true, 0, Frame.CONTINUATION, new byte[] {4, 5});
            Frame f = c.readFrame();
            assertEquals(Frame.BINARY, f.opcode(), "binary message");
            assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, f.payload(), "fragments joined in order");
        }
    }

    @Test
    void closeWithCodeAndReasonIsSentAsGiven() throws Exception {
        String id = newId();
        try (WireClient c = open(id, "")) {
            c.sendText("close 4001 going away");
            assertClosedWith(c, 4001, "going away", "{close, 4001, <<\"going away\">>} is sent as is");
        }
        assertEquals(STOP, terminateOf(id), "a close frame from the handler terminates with stop");
    }

    @Test
    void closeWithCode1000AndAReasonIsSentAsGiven() throws Exception {
        String id = newId();
        try (WireClient c = open(id, "")) {
            c.sendText("close 1000 payload");
            assertClosedWith(c, 1000, "payload", "{close, <<\"payload\">>} goes out as 1000 + payload");
        }
    }

    @Test
    void aBareCloseSendsAnEmptyClosePayload() throws Exception {
        String id = newId();
        try (WireClient c = open(id, "")) {
            c.sendText("close");
            Frame f = c.readUntilClose();
            assertEquals(0, f.payload().length, "`close` is a close frame with no code and no reason");
            assertTcpClosed(c, "the server closes after its close frame");
        }
        assertEquals(STOP, terminateOf(id), "terminate stop");
    }

    @Test
    void anyOutgoingCloseCodeIsSentUnchecked() throws Exception {
        try (WireClient c = open(newId(), "")) {
            c.sendText("close 1005");
            assertClosedWith(c, 1005, "", "Cowboy does not validate codes the handler sends");
        }
    }

    @Test
    void aControlFrameOver125BytesFromTheHandlerKillsTheConnectionWithoutACloseFrame() throws Exception {
        String id = newId();
        try (WireClient c = open(id, "")) {
            c.sendText("big-ping");
            try {
                Frame f = c.readFrame();
                throw new AssertionError("cow_ws:frame/2's assertion kills the process: no frame, got " + f);
            } catch (EOFException | java.net.SocketException closed) {
                // TCP closed without a close frame, as the badmatch in cow_ws:frame/2 does
            }
        }
        String e;
        while ((e = Recorder.poll(id, Duration.ofMillis(500))) != null) {
            assertFalse(e.startsWith("terminate"), "the crash is outside the callback: no terminate/3, got " + e);
        }
    }
}
