package io.corral.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.corral.wire.WireClient;
import io.corral.wire.WireClient.Frame;
import org.junit.jupiter.api.Test;

/** docs/contract/frames.md (frame size), 2.17+ column. The inflated-size row is in CompressionTest. */
class FrameSizeTest extends EngineFixture {

    @Test
    void aSingleFrameOverMaxFrameSizeClosesWith1009() throws Exception {
        String id = newId();
        try (WireClient c = open(id, "max=100")) {
            c.sendBinary(new byte[101]);
            assertClosedWith(c, 1009, "", "101 bytes with max_frame_size 100");
        }
        assertEquals(BADSIZE, terminateOf(id), "terminate {error, badsize}");
    }

    @Test
    void aFrameOfExactlyMaxFrameSizeIsAccepted() throws Exception {
        try (WireClient c = open(newId(), "max=100")) {
            c.sendBinary(new byte[100]);
            Frame f = c.readFrame();
            assertEquals(Frame.BINARY, f.opcode(), "100 bytes with max_frame_size 100 is echoed");
            assertEquals(100, f.payload().length, "all of it");
        }
    }

    @Test
    void reassembledFragmentsOverMaxFrameSizeCloseWith1009() throws Exception {
        String id = newId();
        try (WireClient c = open(id, "max=100")) {
            c.sendFrame(false, 0, Frame.BINARY, new byte[60]);
            c.sendFrame(true, 0, Frame.CONTINUATION, new byte[60]);
            assertClosedWith(c, 1009, "", "two 60-byte fragments make a 120-byte message");
        }
        assertEquals(BADSIZE, terminateOf(id), "terminate {error, badsize}");
    }

    @Test
    void theDefaultMaxFrameSizeIsOneMillionBytes() throws Exception {
        try (WireClient c = open(newId(), "")) {
            byte[] max = new byte[1_000_000];
            max[999_999] = 7;
            c.sendBinary(max);
            Frame f = c.readFrame();
            assertEquals(Frame.BINARY, f.opcode(), "1000000 bytes are within the 2.17+ default");
            assertArrayEquals(max, f.payload(), "echoed whole");
            // Only the header and a little payload: the limit applies to the declared length, and a server that
            // closes while a megabyte is still in flight would reset the connection before we read its close.
            byte[] over = WireClient.encode(true, 0, Frame.BINARY, new byte[1_000_001], true);
            c.sendRaw(java.util.Arrays.copyOf(over, 64));
            assertClosedWith(c, 1009, "", "1000001 bytes are over the 2.17+ default");
        }
    }

    @Test
    void setOptionsCanLowerMaxFrameSize() throws Exception {
        String id = newId();
        try (WireClient c = open(id, "")) {
            c.sendText("max 50");
            c.sendBinary(new byte[40]);
            assertEquals(40, c.readFrame().payload().length, "40 bytes still fit");
            c.sendBinary(new byte[51]);
            assertClosedWith(c, 1009, "", "51 bytes after {set_options, #{max_frame_size => 50}}");
        }
        assertEquals(BADSIZE, terminateOf(id), "terminate {error, badsize}");
    }

    @Test
    void setOptionsCanRaiseMaxFrameSize() throws Exception {
        try (WireClient c = open(newId(), "max=100")) {
            c.sendText("max 1000");
            c.sendBinary(new byte[500]);
            Frame f = c.readFrame();
            assertEquals(Frame.BINARY, f.opcode(), "500 bytes fit after {set_options, #{max_frame_size => 1000}}");
            assertEquals(500, f.payload().length, "echoed whole");
        }
    }
}
