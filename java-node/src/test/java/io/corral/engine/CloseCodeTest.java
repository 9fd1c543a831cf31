package io.corral.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.corral.wire.WireClient;
import io.corral.wire.WireClient.Frame;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * docs/contract/close.md (close codes Corral sends): every protocol error of the row is 1002 with
 * terminate {@code {error, badframe}}, and the client's valid close codes are echoed.
 */
class CloseCodeTest extends EngineFixture {

    /** Sends {@code bytes} on a fresh connection; asserts close 1002, TCP closed and terminate {error, badframe}. */
    private static void assertProtocolError(String why, byte[]... frames) throws Exception {
        String id = newId();
        try (WireClient c = open(id, "")) {
            c.sendFrames(frames);
            assertClosedWith(c, 1002, "", why);
        }
        assertEquals(BADFRAME, terminateOf(id), why + ": terminate {error, badframe}");
    }

    private static byte[] frame(boolean fin, int rsv, int opcode, String payload) {
        return WireClient.encode(fin, rsv, opcode, payload.getBytes(StandardCharsets.UTF_8), true);
    }

    @Test
    void anUnmaskedFrameIsAProtocolError() throws Exception {
        assertProtocolError("client frames must be masked (RFC 6455 5.1)",
                WireClient.encode(true, 0, Frame.TEXT, "x".getBytes(), false));
    }

    @ParameterizedTest(name = "opcode {0}")
    @ValueSource(ints = {3, 4, 5, 6, 7, 11, 12, 13, 14, 15})
    void aReservedOpcodeIsAProtocolError(int opcode) throws Exception {
        assertProtocolError("opcode " + opcode + " is reserved", frame(true, 0, opcode, "x"));
    }

    @ParameterizedTest(name = "rsv {0}")
    @ValueSource(ints = {1, 2, 4, 7})
    void rsvBitsWithoutAnExtensionAreAProtocolError(int rsv) throws Exception {
        assertProtocolError("RSV " + rsv + " without a negotiated extension", frame(true, rsv, Frame.TEXT, "x"));
    }

    @Test
    void aFragmentedControlFrameIsAProtocolError() throws Exception {
        assertProtocolError("control frames must not be fragmented", frame(false, 0, Frame.PING, "x"));
    }

    @Test
    void aControlFrameOver125BytesIsAProtocolError() throws Exception {
        assertProtocolError("control frames carry at most 125 bytes", frame(true, 0, Frame.PING, "p".repeat(126)));
    }

    @Test
    void aContinuationWithoutAStartIsAProtocolError() throws Exception {
        assertProtocolError("a continuation with no message in progress", frame(true, 0, Frame.CONTINUATION, "x"));
    }

    @Test
    void aNewDataFrameInsideAFragmentedMessageIsAProtocolError() throws Exception {
        assertProtocolError("a text frame while a fragmented message is open",
                frame(false, 0, Frame.TEXT, "a"), frame(true, 0, Frame.TEXT, "b"));
    }

    @Test
    void aNonMinimal16BitLengthIsAProtocolError() throws Exception {
        assertProtocolError("5 bytes announced with the 16-bit length form",
                WireClient.encodeWithLengthForm(Frame.TEXT, "hello".getBytes(), 2));
    }

    @Test
    void aNonMinimal64BitLengthIsAProtocolError() throws Exception {
        assertProtocolError("200 bytes announced with the 64-bit length form",
                WireClient.encodeWithLengthForm(Frame.BINARY, new byte[200], 8));
    }

    @ParameterizedTest(name = "code {0}")
    @ValueSource(ints = {0, 999, 1004, 1005, 1006, 1012, 1013, 1014, 1015, 1016, 2000, 2999, 5000, 65535})
    void aCloseWithAnInvalidCodeIsAProtocolError(int code) throws Exception {
        assertProtocolError("close code " + code + " may not be sent by a client",
                WireClient.encode(true, 0, Frame.CLOSE, WireClient.closePayload(code, ""), true));
    }

    @Test
    void aOneByteClosePayloadIsAProtocolError() throws Exception {
        assertProtocolError("a close payload is empty or at least the 2-byte code",
                WireClient.encode(true, 0, Frame.CLOSE, new byte[] {3}, true));
    }

    @ParameterizedTest(name = "code {0}")
    @ValueSource(ints = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999})
    void aValidClientCloseCodeIsEchoedWithoutItsReason(int code) throws Exception {
        String id = newId();
        try (WireClient c = open(id, "")) {
            c.sendClose(code, "why");
            assertClosedWith(c, code, "", "the client's code " + code + " comes back, its reason does not");
        }
        assertEquals("terminate {remote, " + code + ", <<\"why\">>}", terminateOf(id), "terminate {remote, Code, Reason}");
    }

    @Test
    void aCallbackCrashClosesWith1011() throws Exception {
        try (WireClient c = open(newId(), "")) {
            c.sendText("crash");
            assertClosedWith(c, 1011, "", "callback crash");
        }
    }

    @Test
    void aHandlerStopClosesWith1000() throws Exception {
        try (WireClient c = open(newId(), "")) {
            c.sendText("stop");
            assertClosedWith(c, 1000, "", "handler stop");
        }
    }
}
