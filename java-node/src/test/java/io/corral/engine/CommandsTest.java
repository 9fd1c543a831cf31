package io.corral.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.wire.WireClient;
import io.corral.wire.WireClient.Frame;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * docs/contract/commands.md (commands). {@code {active, false}} is re-enabled without the client, by a timer
 * ({@code connection.sendAfter}) that delivers "active true" to websocket_info. The "nothing while inactive" checks are
 * short read time-outs followed by the echo arriving once reading resumes; nothing asserts a precise time.
 */
class CommandsTest extends EngineFixture {

    @Test
    void framesOfOneReturnAreWrittenInOrder() throws Exception {
        try (WireClient c = open(newId(), "")) {
            c.sendText("many-then-close");
            assertText(c, "one", "first");
            assertText(c, "two", "second");
            assertEquals(1000, c.readFrame().closeCode(), "then the close");
        }
    }

    @Test
    void activeFalseStopsReadingUntilActiveTrue() throws Exception {
        String id = newId();
        try (WireClient c = open(id, "")) {
            c.sendText("pause 2000");
            Recorder.await(id, "handle text pause");
            Thread.sleep(100);
            c.sendText("hello");
            assertNothingWithin(c, Duration.ofMillis(800), "no echo while {active, false} is in force");
            assertText(c, "hello", "the frame is read and echoed once {active, true} ran");
        }
        String info = Recorder.await(id, "info");
        assertTrue(info.contains("active true"), "the timer re-enabled reading: " + info);
        assertEquals("handle text hello", Recorder.await(id, "handle"), "and only then did the handler see the frame");
    }

    @Test
    void dataAlreadyReceivedIsStillProcessedAfterActiveFalse() throws Exception {
        String id = newId();
        try (WireClient c = open(id, "")) {
            c.sendFrames(WireClient.encode(true, 0, Frame.TEXT, "pause 3000".getBytes(StandardCharsets.UTF_8), true),
                    WireClient.encode(true, 0, Frame.TEXT, "same write".getBytes(StandardCharsets.UTF_8), true));
            assertText(c, "same write", "a frame received with the one that said {active, false} is processed");
        }
        Recorder.await(id, "handle text pause");
        assertEquals("handle text same write", Recorder.await(id, "handle"), "before the timer re-enables reading");
    }

    @Test
    void activeFalseFromWebsocketInitIsInForceBeforeTheFirstFrame() throws Exception {
        String id = newId();
        try (WireClient c = open(id, "init=inactive&resume=2000")) {
            c.sendText("early");
            assertNothingWithin(c, Duration.ofMillis(800), "websocket_init's {active, false} applies before reading");
            assertText(c, "early", "echoed once the timer sent {active, true}");
        }
        Recorder.await(id, "websocket_init");
        assertTrue(Recorder.await(id, "info").contains("active true"), "the timer came first");
        assertEquals("handle text early", Recorder.await(id, "handle"), "then the frame");
    }

    @Test
    void activeFalseAlsoHoldsBackCloseFrames() throws Exception {
        String id = newId();
        try (WireClient c = open(id, "")) {
            c.sendText("pause 1500");
            Recorder.await(id, "handle text pause");
            Thread.sleep(100);
            c.sendClose(4000, "later");
            assertNothingWithin(c, Duration.ofMillis(600), "the close is not read while inactive");
            assertClosedWith(c, 4000, "", "the close is read and echoed after reading resumes");
        }
        assertEquals("terminate {remote, 4000, <<\"later\">>}", terminateOf(id), "terminate {remote, 4000, ...}");
    }

    @Test
    void deflateIsIgnoredWhenNothingWasNegotiated() throws Exception {
        try (WireClient c = open(newId(), "")) {
            c.sendText("deflate true");
            Frame f = c.readFrame();
            assertEquals(0, f.rsv(), "no extension negotiated: frames stay uncompressed");
            assertEquals("deflate true", f.text(), "plain payload");
        }
    }

    @Test
    void setOptionsIdleTimeoutTakesEffect() throws Exception {
        String id = newId();
        try (WireClient c = open(id, "")) {
            c.sendText("idle 300");
            assertClosedWith(c, 1000, "", "{set_options, #{idle_timeout => 300}}");
        }
        assertEquals(TIMEOUT, terminateOf(id), "terminate timeout");
    }

    @Test
    void setOptionsMaxFrameSizeTakesEffect() throws Exception {
        String id = newId();
        try (WireClient c = open(id, "")) {
            c.sendText("max 10");
            c.sendText("eleven byte");
            assertClosedWith(c, 1009, "", "{set_options, #{max_frame_size => 10}} then 11 bytes");
        }
        assertEquals(BADSIZE, terminateOf(id), "terminate {error, badsize}");
    }

    @Test
    void shutdownReasonEndsNormallyOnTheWire() throws Exception {
        String id = newId();
        try (WireClient c = open(id, "")) {
            c.sendText("shutdown-reason going");
            assertClosedWith(c, 1000, "", "the stop after {shutdown_reason, going} is a normal 1000");
        }
        assertEquals(STOP, terminateOf(id), "terminate stop: shutdown_reason only changes the exit reason");
    }

    @Test
    void framesFromWebsocketInitAreSentRightAfterThe101() throws Exception {
        try (WireClient c = open(newId(), "init=frame")) {
            assertText(c, "hello from websocket_init", "2.x sends websocket_init's frames after the 101");
        }
    }
}
