package io.corral.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.corral.wire.WireClient;
import io.corral.wire.WireClient.Frame;
import org.junit.jupiter.api.Test;

/** docs/contract/frames.md (UTF-8), 2.latest column. */
class Utf8Test extends EngineFixture {

    private static final byte[] INVALID = {'a', (byte) 0xc3, (byte) 0x28};

    @Test
    void invalidUtf8InATextFrameClosesWith1007() throws Exception {
        String id = newId();
        try (WireClient c = open(id, "")) {
            c.sendFrame(true, 0, Frame.TEXT, INVALID);
            assertClosedWith(c, 1007, "", "invalid UTF-8 in a text frame");
        }
        assertEquals(BADENCODING, terminateOf(id), "terminate {error, badencoding}");
    }

    @Test
    void invalidUtf8AcrossFragmentsClosesWith1007() throws Exception {
        String id = newId();
        try (WireClient c = open(id, "")) {
            // 0xE2 0x82 starts a 3-byte sequence; the next fragment's 0x28 cannot continue it.
            c.sendFrame(false, 0, Frame.TEXT, new byte[] {'a', (byte) 0xe2, (byte) 0x82});
            c.sendFrame(true, 0, Frame.CONTINUATION, new byte[] {0x28, 'b'});
            assertClosedWith(c, 1007, "", "the sequence broken across fragments is invalid");
        }
        assertEquals(BADENCODING, terminateOf(id), "terminate {error, badencoding}");
    }

    @Test
    void aCharacterSplitAcrossFragmentsIsValid() throws Exception {
        try (WireClient c = open(newId(), "")) {
            c.sendFrame(false, 0, Frame.TEXT, new byte[] {'a', (byte) 0xe2, (byte) 0x82});
            c.sendFrame(true, 0, Frame.CONTINUATION, new byte[] {(byte) 0xac});
            assertText(c, "a€", "validation is incremental: € split over two fragments is fine");
        }
    }

    @Test
    void invalidUtf8InACloseReasonClosesWith1007() throws Exception {
        String id = newId();
        try (WireClient c = open(id, "")) {
            byte[] p = {0x03, (byte) 0xe8, (byte) 0xc3, (byte) 0x28};
            c.sendFrame(true, 0, Frame.CLOSE, p);
            assertClosedWith(c, 1007, "", "invalid UTF-8 in a close reason");
        }
        assertEquals(BADENCODING, terminateOf(id), "terminate {error, badencoding}");
    }

    @Test
    void invalidUtf8InATextFrameIsHandedOverWhenValidationIsOff() throws Exception {
        try (WireClient c = open(newId(), "noutf8")) {
            c.sendFrame(true, 0, Frame.TEXT, INVALID);
            Frame f = c.readFrame();
            assertEquals(Frame.TEXT, f.opcode(), "validate_utf8 => false: the text is echoed");
            assertArrayEquals(INVALID, f.payload(), "byte for byte");
        }
    }

    @Test
    void invalidUtf8AcrossFragmentsIsHandedOverWhenValidationIsOff() throws Exception {
        try (WireClient c = open(newId(), "noutf8")) {
            c.sendFrame(false, 0, Frame.TEXT, new byte[] {'a', (byte) 0xe2, (byte) 0x82});
            c.sendFrame(true, 0, Frame.CONTINUATION, new byte[] {0x28, 'b'});
            Frame f = c.readFrame();
            assertEquals(Frame.TEXT, f.opcode(), "validate_utf8 => false: the message is echoed");
            assertArrayEquals(new byte[] {'a', (byte) 0xe2, (byte) 0x82, 0x28, 'b'}, f.payload(), "byte for byte");
        }
    }

    @Test
    void invalidUtf8InACloseReasonIsAcceptedWhenValidationIsOff() throws Exception {
        String id = newId();
        try (WireClient c = open(id, "noutf8")) {
            c.sendFrame(true, 0, Frame.CLOSE, new byte[] {0x03, (byte) 0xe8, (byte) 0xc3, (byte) 0x28});
            assertClosedWith(c, 1000, "", "validate_utf8 => false: the close code is echoed");
        }
        String t = terminateOf(id);
        assertEquals(true, t.startsWith("terminate {remote, 1000, "), "terminate {remote, 1000, Reason}: " + t);
    }
}
