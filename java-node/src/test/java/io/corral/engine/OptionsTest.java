package io.corral.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.corral.wire.WireClient;
import io.corral.wire.WireClient.Frame;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** docs/contract/commands.md (the 2.x options map): defaults and each option's effect, 2.latest column. */
class OptionsTest extends EngineFixture {

    @Test
    void compressDefaultsToFalse() throws Exception {
        try (WireClient c = open(newId(), "", "Sec-WebSocket-Extensions: permessage-deflate")) {
            assertNull(c.handshake().header("sec-websocket-extensions"), "no compress option: offer ignored");
        }
    }

    @Test
    void idleTimeoutDefaultsToSixtySecondsSoAQuietConnectionStaysOpen() throws Exception {
        // The 60000 ms default itself is too long to wait for; a few quiet seconds must not close the connection.
        try (WireClient c = open(newId(), "")) {
            assertNothingWithin(c, Duration.ofMillis(2000), "no idle close within 2 s by default");
            c.sendText("alive");
            assertText(c, "alive", "still open");
        }
    }

    @Test
    void idleTimeoutOptionClosesAnIdleConnection() throws Exception {
        String id = newId();
        try (WireClient c = open(id, "idle=300")) {
            assertClosedWith(c, 1000, "", "idle_timeout 300");
        }
        assertEquals(TIMEOUT, terminateOf(id), "terminate timeout");
    }

    @Test
    void maxFrameSizeDefaultsToOneMillionBytes() throws Exception {
        try (WireClient c = open(newId(), "")) {
            byte[] over = WireClient.encode(true, 0, Frame.BINARY, new byte[1_000_001], true);
            c.sendRaw(java.util.Arrays.copyOf(over, 64));
            assertClosedWith(c, 1009, "", "1000001 bytes are over the 2.17+ default");
        }
    }

    @Test
    void maxFrameSizeOptionLimitsFrames() throws Exception {
        try (WireClient c = open(newId(), "max=5")) {
            c.sendText("12345");
            assertText(c, "12345", "5 bytes fit");
            c.sendText("123456");
            assertClosedWith(c, 1009, "", "6 bytes do not");
        }
    }

    @Test
    void validateUtf8DefaultsToTrue() throws Exception {
        try (WireClient c = open(newId(), "")) {
            c.sendFrame(true, 0, Frame.TEXT, new byte[] {(byte) 0xc0});
            assertClosedWith(c, 1007, "", "invalid UTF-8 checked by default");
        }
    }

    @Test
    void validateUtf8FalseLetsInvalidTextThrough() throws Exception {
        try (WireClient c = open(newId(), "noutf8")) {
            c.sendFrame(true, 0, Frame.TEXT, new byte[] {(byte) 0xc0});
            Frame f = c.readFrame();
            assertEquals(Frame.TEXT, f.opcode(), "handed over and echoed");
            assertEquals(1, f.payload().length, "byte for byte");
        }
    }

    @Test
    void terminateGetsThePartialRequest() throws Exception {
        // req_filter default: terminate/3 gets method, version, scheme, host, port, path, qs, peer.
        String id = newId();
        try (WireClient c = open(id, "")) {
            c.sendText("stop");
            c.readUntilClose();
        }
        assertEquals(STOP, terminateOf(id), "terminate runs with the partial request (its fields are not recorded)");
    }
}
