package io.corral.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.corral.wire.WireClient;
import io.corral.wire.WireClient.Frame;
import org.junit.jupiter.api.Test;

class EchoOnTheWireTest extends EngineFixture {

    @Test
    void echoHandlerSendsBackTextAndBinaryFrames() throws Exception {
        try (WireClient c = WireClient.connect("127.0.0.1", port(), "/echo")) {
            assertEquals(101, c.handshake().status());
            c.sendText("héllo");
            Frame f = c.readFrame();
            assertEquals(Frame.TEXT, f.opcode());
            assertEquals("héllo", f.text());
            byte[] bin = new byte[70000];
            for (int i = 0; i < bin.length; i++) bin[i] = (byte) i;
            c.sendBinary(bin);
            Frame b = c.readFrame();
            assertEquals(Frame.BINARY, b.opcode());
            assertArrayEquals(bin, b.payload(), "a 70000-byte binary comes back unchanged");
        }
    }
}
