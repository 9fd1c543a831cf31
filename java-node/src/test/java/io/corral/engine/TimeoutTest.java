package io.corral.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.wire.WireClient;
import io.corral.wire.WireClient.Frame;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** docs/contract/timeouts.md (idle timeout), 2.latest column. Waits are generous; nothing asserts a precise time. */
class TimeoutTest extends EngineFixture {

    @Test
    void theIdleTimeoutClosesWith1000AndTerminatesWithTimeout() throws Exception {
        String id = newId();
        try (WireClient c = open(id, "idle=300")) {
            assertClosedWith(c, 1000, "", "an idle connection is closed with 1000, no reason");
        }
        assertEquals(TIMEOUT, terminateOf(id), "terminate reason timeout");
    }

    @Test
    void clientDataResetsTheIdleTimer() throws Exception {
        String id = newId();
        try (WireClient c = open(id, "idle=1500")) {
            // 3 s of traffic every 200 ms: twice the timeout, yet no close while the client talks.
            for (int i = 0; i < 15; i++) {
                c.sendText("keep " + i);
                assertText(c, "keep " + i, "still open while the client sends data every 200 ms");
                Thread.sleep(200);
            }
            assertClosedWith(c, 1000, "", "once the client stops, the idle timeout fires");
        }
        assertEquals(TIMEOUT, terminateOf(id), "terminate reason timeout");
    }

    @Test
    void aPingFromTheClientResetsTheIdleTimerToo() throws Exception {
        try (WireClient c = open(newId(), "idle=1500")) {
            for (int i = 0; i < 15; i++) {
                c.sendPing(new byte[] {(byte) i});
                assertEquals(Frame.PONG, c.readFrame().opcode(), "still open while the client pings every 200 ms");
                Thread.sleep(200);
            }
        }
    }

    @Test
    void framesSentByTheServerDoNotResetTheIdleTimer() throws Exception {
        String id = newId();
        try (WireClient c = open(id, "idle=600")) {
            // 40 server frames over 4 s, from timers: if they reset the timer the connection would outlive them all.
            c.sendText("tick 40 100");
            int ticks = 0;
            Frame f;
            while ((f = c.readFrame()).opcode() != Frame.CLOSE) ticks++;
            assertEquals(1000, f.closeCode(), "closed by the idle timeout");
            assertTrue(ticks < 40, "the idle timeout fired while the server was still sending (saw " + ticks + " of 40)");
        }
        assertEquals(TIMEOUT, terminateOf(id), "terminate reason timeout");
    }

    @Test
    void setOptionsIdleTimeoutRestartsTheTimerWithTheNewValue() throws Exception {
        String id = newId();
        try (WireClient c = open(id, "idle=60000")) {
            c.sendText("idle 300");
            assertClosedWith(c, 1000, "", "{set_options, #{idle_timeout => 300}} makes an idle connection close soon");
        }
        assertEquals(TIMEOUT, terminateOf(id), "terminate reason timeout");
    }

    @Test
    void setOptionsCanLengthenTheIdleTimeout() throws Exception {
        try (WireClient c = open(newId(), "idle=400")) {
            c.sendText("idle 60000");
            assertNothingWithin(c, Duration.ofMillis(1500), "no close after the old 400 ms timeout");
            c.sendText("still here");
            assertText(c, "still here", "the connection is open");
        }
    }
}
