package io.corral.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.corral.Corral;
import io.corral.api.Command;
import io.corral.api.Connection;
import io.corral.api.DataFrame;
import io.corral.api.Frame;
import io.corral.api.InitResult;
import io.corral.api.Request;
import io.corral.api.Result;
import io.corral.api.Term;
import io.corral.api.WebSocketHandler;
import io.corral.demo.EchoHandler;
import io.corral.testsupport.RecordingLeakDetector;
import io.corral.wire.WireClient;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The zero-copy path of Java handlers ({@link DataFrame}) on real sockets, with Netty's leak detector at paranoid
 * (every buffer tracked) for the whole class: a buffer that the path fails to release, or releases once too often,
 * fails the test that caused it.
 */
class ZeroCopyTest {
    private static AutoCloseable paranoid;
    private static Corral corral;

    /** Sends back a reply it allocated itself: the DataFrame takes the buffer's reference. */
    static final class Upper implements WebSocketHandler<Void> {
        @Override
        public InitResult<Void> init(Request request, Term options) {
            return InitResult.upgrade(null);
        }

        @Override
        public Result<Void> websocketHandle(DataFrame frame, Void state) {
            ByteBuf out = ByteBufAllocator.DEFAULT.directBuffer(frame.content().readableBytes());
            out.writeCharSequence(frame.text().toUpperCase(), StandardCharsets.UTF_8);
            return Result.reply(state, DataFrame.text(out));
        }

        @Override
        public Result<Void> websocketHandle(Frame frame, Void state) {
            return Result.ok(state);
        }
    }

    /** The slip the engine must catch: the lent frame sent back without retain(). */
    static final class Forgetful implements WebSocketHandler<Void> {
        @Override
        public InitResult<Void> init(Request request, Term options) {
            return InitResult.upgrade(null);
        }

        @Override
        public Result<Void> websocketHandle(DataFrame frame, Void state) {
            return Result.reply(state, frame);
        }

        @Override
        public Result<Void> websocketHandle(Frame frame, Void state) {
            return Result.ok(state);
        }
    }

    /** "close" and "stop" put a frame behind the end of the list; "info" answers from websocketInfo. */
    static final class EndsTheList implements WebSocketHandler<Connection> {
        @Override
        public InitResult<Connection> init(Request request, Term options) {
            return InitResult.upgrade(null);
        }

        @Override
        public Result<Connection> websocketInit(Connection state, Connection self) {
            return Result.ok(self);
        }

        @Override
        public Result<Connection> websocketHandle(DataFrame frame, Connection self) {
            DataFrame late = DataFrame.binary(ByteBufAllocator.DEFAULT.directBuffer(8).writeLong(42));
            return switch (frame.text()) {
                case "close" -> Result.reply(self, Frame.close(1000), late);
                case "stop" -> Result.reply(self, Command.stop(), late, frame.retain());
                default -> {
                    late.release();
                    self.post(Term.binary(frame.bytes()));
                    yield Result.ok(self);
                }
            };
        }

        @Override
        public Result<Connection> websocketHandle(Frame frame, Connection self) {
            return Result.ok(self);
        }

        @Override
        public Result<Connection> websocketInfo(Term message, Connection self) {
            byte[] b = message.binaryValue();
            return Result.reply(self, DataFrame.binary(ByteBufAllocator.DEFAULT.directBuffer().writeBytes(b)));
        }
    }

    /**
     * Sends the lent frame back in the other ways a handler may: under the other opcode, as a slice, beside a
     * duplicate of it. The engine writes a plain echo as the client's own frame object; these must not take that
     * path (or only once), and must each go out with their own opcode and bytes, releasing every reference.
     */
    static final class Reshapes implements WebSocketHandler<Void> {
        @Override
        public InitResult<Void> init(Request request, Term options) {
            return InitResult.upgrade(null);
        }

        @Override
        public Result<Void> websocketHandle(DataFrame frame, Void state) {
            return switch (frame.text()) {
                case "lent first" -> Result.reply(state, frame.retain(), frame.retainedDuplicate());
                case "as binary" -> Result.reply(state, DataFrame.binary(frame.content().retain()));
                case "tail" -> Result.reply(state, DataFrame.text(frame.content().retainedSlice(2, 2)));
                default -> Result.reply(state, frame.retainedDuplicate(), frame.retain());
            };
        }

        @Override
        public Result<Void> websocketHandle(Frame frame, Void state) {
            return Result.ok(state);
        }
    }

    /** A deliberate leak, to show that the detector in this class does see one. */
    static final class Leaky implements WebSocketHandler<Void> {
        @Override
        public InitResult<Void> init(Request request, Term options) {
            return InitResult.upgrade(null);
        }

        @Override
        public Result<Void> websocketHandle(DataFrame frame, Void state) {
            frame.retain(); // and never released
            return Result.reply(state, Frame.text("kept"));
        }

        @Override
        public Result<Void> websocketHandle(Frame frame, Void state) {
            return Result.ok(state);
        }
    }

    /** Only the byte[] callback: the default zero-copy method hands it a copy. */
    static final class Bytes implements WebSocketHandler<Void> {
        @Override
        public InitResult<Void> init(Request request, Term options) {
            return InitResult.upgrade(null);
        }

        @Override
        public Result<Void> websocketHandle(Frame frame, Void state) {
            return switch (frame) {
                case Frame.Text t -> Result.reply(state, Frame.text("text " + t.text()));
                case Frame.Binary b -> Result.reply(state, Frame.text("binary " + b.bytes().length));
                default -> Result.ok(state);
            };
        }
    }

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(RecordingLeakDetector.installed(), "Netty's leak detector is not RecordingLeakDetector in this JVM"
                + " (java-node's surefire configuration sets io.netty.customResourceLeakDetector): a leak could not fail"
                + " these tests");
        paranoid = RecordingLeakDetector.paranoid();
        corral = Corral.builder().port(0)
                .route("/echo", new EchoHandler())
                .route("/upper", new Upper())
                .route("/forgetful", new Forgetful())
                .route("/ends", new EndsTheList())
                .route("/leaky", new Leaky())
                .route("/bytes", new Bytes())
                .route("/reshapes", new Reshapes())
                .start();
        RecordingLeakDetector.collect(); // whatever earlier classes leaked is theirs, not this class's
    }

    @AfterAll
    static void stop() throws Exception {
        if (corral != null) corral.close();
        if (paranoid != null) paranoid.close();
    }

    private static WireClient open(String path) throws Exception {
        WireClient c = WireClient.connect("127.0.0.1", corral.port(), path);
        assertEquals(101, c.handshake().status(), "upgrade of " + path);
        return c;
    }

    private static void assertNoLeak(String why) throws Exception {
        List<String> leaks = RecordingLeakDetector.collect();
        assertTrue(leaks.isEmpty(), why + ": Netty's leak detector (paranoid) found " + leaks);
    }

    @Test
    void theDemoEchoHandlerSendsBackTheBufferItWasLentAndLeaksNothing() throws Exception {
        byte[] big = new byte[70000];
        for (int i = 0; i < big.length; i++) big[i] = (byte) (i * 31);
        try (WireClient c = open("/echo")) {
            for (int round = 0; round < 50; round++) {
                c.sendText("héllo " + round);
                WireClient.Frame t = c.readFrame();
                assertEquals(WireClient.Frame.TEXT, t.opcode(), "a text message comes back as text");
                assertEquals("héllo " + round, t.text(), "with its bytes unchanged");
            }
            c.sendBinary(big);
            WireClient.Frame b = c.readFrame();
            assertEquals(WireClient.Frame.BINARY, b.opcode());
            assertArrayEquals(big, b.payload(), "a 70000-byte binary comes back unchanged");
            // A fragmented message is reassembled into one buffer, which is lent the same way.
            c.sendFrame(false, 0, WireClient.Frame.TEXT, "frag".getBytes(StandardCharsets.UTF_8));
            c.sendFrame(false, 0, WireClient.Frame.CONTINUATION, "men".getBytes(StandardCharsets.UTF_8));
            c.sendFrame(true, 0, WireClient.Frame.CONTINUATION, "ted".getBytes(StandardCharsets.UTF_8));
            assertEquals("fragmented", c.readFrame().text(), "the whole message comes back as one frame");
            c.sendPing("p".getBytes(StandardCharsets.UTF_8));
            assertEquals(WireClient.Frame.PONG, c.readFrame().opcode(), "pings still get their pong");
            c.sendClose(1000, "");
            assertEquals(1000, c.readUntilClose().closeCode());
        }
        assertNoLeak("echoing text, binary, fragmented and control frames");
    }

    @Test
    void theLentFrameSentUnderTheOtherOpcodeAsASliceOrBesideADuplicateGoesOutAsEachOfThemAndLeaksNothing() throws Exception {
        try (WireClient c = open("/reshapes")) {
            for (int round = 0; round < 20; round++) {
                c.sendText("lent first");
                for (int i = 0; i < 2; i++) {
                    WireClient.Frame f = c.readFrame();
                    assertEquals(WireClient.Frame.TEXT, f.opcode(), "copy " + i + " of the echo is text");
                    assertEquals("lent first", f.text(), "copy " + i + " has the lent bytes (the duplicate's"
                            + " indexes are its own)");
                }
                c.sendText("as binary");
                WireClient.Frame b = c.readFrame();
                assertEquals(WireClient.Frame.BINARY, b.opcode(), "the lent text payload sent as binary is binary");
                assertEquals("as binary", new String(b.payload(), StandardCharsets.UTF_8));
                c.sendText("tail");
                assertEquals("il", c.readFrame().text(), "a slice of the lent payload is the slice, not the frame");
                c.sendText("dup");
                assertEquals("dup", c.readFrame().text(), "a duplicate first");
                assertEquals("dup", c.readFrame().text(), "then the lent frame itself");
            }
            c.sendClose(1000, "");
            assertEquals(1000, c.readUntilClose().closeCode());
        }
        assertNoLeak("the lent frame written beside a duplicate, as binary and as a slice");
    }

    @Test
    void aReplyAllocatedByTheHandlerIsReleasedOnceWritten() throws Exception {
        try (WireClient c = open("/upper")) {
            for (int i = 0; i < 20; i++) {
                c.sendText("abc" + i);
                assertEquals("ABC" + i, c.readFrame().text(), "the handler's own buffer is what goes out");
            }
            c.sendClose(1000, "");
            c.readUntilClose();
        }
        assertNoLeak("replies built in pooled direct buffers");
    }

    @Test
    void framesBehindACloseOrStopAreReleasedUnwritten() throws Exception {
        try (WireClient c = open("/ends")) {
            c.sendText("close");
            WireClient.Frame f = c.readFrame();
            assertEquals(WireClient.Frame.CLOSE, f.opcode(), "the close comes first and nothing after it: " + f);
            assertEquals(1000, f.closeCode());
        }
        try (WireClient c = open("/ends")) {
            c.sendText("stop");
            WireClient.Frame f = c.readFrame();
            assertEquals(WireClient.Frame.CLOSE, f.opcode(), "stop closes with nothing after it: " + f);
            assertEquals(1000, f.closeCode());
        }
        assertNoLeak("a DataFrame after a close or stop (one allocated, one retained from the lent frame)");
    }

    @Test
    void aDataFrameFromWebsocketInfoIsWrittenAndReleased() throws Exception {
        try (WireClient c = open("/ends")) {
            c.sendText("via info");
            WireClient.Frame f = c.readFrame();
            assertEquals(WireClient.Frame.BINARY, f.opcode());
            assertEquals("via info", new String(f.payload(), StandardCharsets.UTF_8),
                    "the message posted to self comes back from websocketInfo as a DataFrame");
            c.sendClose(1000, "");
            c.readUntilClose();
        }
        assertNoLeak("a DataFrame returned by websocketInfo");
    }

    @Test
    void sendingTheLentFrameWithoutRetainClosesWith1011InsteadOfWritingFreedMemory() throws Exception {
        try (WireClient c = open("/forgetful")) {
            c.sendBinary(new byte[5000]);
            WireClient.Frame f = c.readUntilClose();
            assertEquals(1011, f.closeCode(), "the handler's slip is its crash: " + f);
        }
        try (WireClient c = open("/echo")) {
            c.sendText("still fine");
            assertEquals("still fine", c.readFrame().text(), "other connections are unaffected");
        }
        assertNoLeak("after the refused reply");
    }

    @Test
    void aHandlerWithOnlyTheByteArrayCallbackGetsCopies() throws Exception {
        try (WireClient c = open("/bytes")) {
            c.sendText("hé");
            assertEquals("text hé", c.readFrame().text(), "websocketHandle(Frame) gets a Frame.Text");
            c.sendBinary(new byte[3000]);
            assertEquals("binary 3000", c.readFrame().text(), "and a Frame.Binary with the whole payload");
            c.sendClose(1000, "");
            c.readUntilClose();
        }
        assertNoLeak("the copying default");
    }

    @Test
    void theLeakDetectorOfThisClassReportsARealLeak() throws Exception {
        try (WireClient c = open("/leaky")) {
            c.sendBinary(new byte[100]);
            assertEquals("kept", c.readFrame().text());
            c.sendClose(1000, "");
            c.readUntilClose();
        }
        List<String> leaks = List.of();
        for (int i = 0; i < 10 && leaks.isEmpty(); i++) leaks = RecordingLeakDetector.collect();
        assertFalse(leaks.isEmpty(), "a buffer retained and dropped by a handler must be reported, or the other"
                + " tests of this class prove nothing");
    }
}
