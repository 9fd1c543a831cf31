package io.corral.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.corral.wire.WireClient;
import io.corral.wire.WireClient.Frame;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** docs/contract/frames.md (ping and pong), 2.latest column. */
class PingPongTest extends EngineFixture {

    @Test
    void aPingIsAnsweredWithAPongCarryingTheSamePayload() throws Exception {
        String id = newId();
        try (WireClient c = open(id, "")) {
            c.sendPing("abc".getBytes(StandardCharsets.UTF_8));
            Frame f = c.readFrame();
            assertEquals(Frame.PONG, f.opcode(), "automatic pong");
            assertEquals("abc", f.text(), "same payload");
        }
        assertEquals("handle ping abc", Recorder.await(id, "handle"), "the handler gets {ping, <<\"abc\">>}");
    }

    @Test
    void thePongIsSentBeforeTheHandlerSeesThePing() throws Exception {
        String id = newId();
        try (WireClient c = open(id, "pingreply")) {
            c.sendPing("order".getBytes(StandardCharsets.UTF_8));
            Frame first = c.readFrame();
            assertEquals(Frame.PONG, first.opcode(), "the automatic pong is first on the wire: " + first);
            assertText(c, "after ping order", "then the handler's answer to the ping");
        }
    }

    @Test
    void anEmptyPingIsHandedOverAndAnsweredWithAnEmptyPong() throws Exception {
        String id = newId();
        try (WireClient c = open(id, "")) {
            c.sendPing(new byte[0]);
            Frame f = c.readFrame();
            assertEquals(Frame.PONG, f.opcode(), "automatic pong");
            assertEquals(0, f.payload().length, "empty payload");
        }
        assertEquals("handle ping ", Recorder.await(id, "handle"), "the handler gets the empty ping (`ping` in 2.x)");
    }

    @Test
    void aPongFromTheClientIsHandedOverWithoutAnAnswer() throws Exception {
        String id = newId();
        try (WireClient c = open(id, "")) {
            c.sendFrame(true, 0, Frame.PONG, "unsolicited".getBytes(StandardCharsets.UTF_8));
            c.sendText("next");
            assertText(c, "next", "nothing is sent for a pong; the next frame is the echo");
        }
        assertEquals("handle pong unsolicited", Recorder.await(id, "handle"), "the handler gets {pong, ...}");
    }

    @Test
    void aServerSentPingIsDeliveredAndTheClientsPongReachesTheHandler() throws Exception {
        String id = newId();
        try (WireClient c = open(id, "")) {
            c.sendText("ping srv");
            Frame f = c.readFrame();
            assertEquals(Frame.PING, f.opcode(), "the handler sent a ping");
            assertEquals("srv", f.text(), "with its payload");
            c.sendFrame(true, 0, Frame.PONG, f.payload());
        }
        assertEquals("handle pong srv", Recorder.await(id, "handle pong"), "the client's pong reaches websocket_handle");
    }

    @Test
    void thereAreNoServerKeepalivePings() throws Exception {
        try (WireClient c = open(newId(), "")) {
            assertNothingWithin(c, java.time.Duration.ofMillis(1500), "Cowboy sends no pings of its own");
        }
    }
}
