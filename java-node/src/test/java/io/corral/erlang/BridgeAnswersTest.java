package io.corral.erlang;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.ericsson.otp.erlang.InterningInputStream;
import com.ericsson.otp.erlang.OtpErlangDecodeException;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpOutputStream;
import io.corral.api.Command;
import io.corral.api.DataFrame;
import io.corral.api.Frame;
import io.corral.api.Term;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCounted;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The proxy's answers read straight from their bytes ({@link BridgeAnswers}) against the same bytes decoded as
 * JInterface terms and then by {@link BridgeContract#decode}: every command shape of erlang-bridge/CONTRACT.md
 * section 4, the bytes written by JInterface's own {@link OtpOutputStream} (what erts writes for these terms).
 */
class BridgeAnswersTest {
    static final OtpErlangPid PROXY = new OtpErlangPid("corral_handlers_4242_x@localhost", 77, 0, 1733000000);
    static final OtpErlangPid OTHER = new OtpErlangPid("corral_handlers_4242_x@localhost", 78, 0, 1733000000);

    static Term t(Object... e) {
        Term[] all = new Term[e.length];
        for (int i = 0; i < e.length; i++) all[i] = e[i] instanceof String s ? Term.atom(s) : (Term) e[i];
        return Term.tuple(all);
    }

    static Term bin(String s) {
        return Term.binary(s);
    }

    static Term replies(OtpErlangPid pid, Term... answers) {
        return t("$corral", Term.integer(BridgeContract.VERSION), "replies", Term.pid(pid), Term.list(answers));
    }

    static Term commands(OtpErlangPid pid, Term... cmds) {
        return t("$corral", Term.integer(BridgeContract.VERSION), "commands", Term.pid(pid), Term.list(cmds));
    }

    /** The message as it arrives in a distribution packet: the version byte, then the term. */
    static byte[] wire(Term msg) {
        byte[] b = new OtpOutputStream(msg.raw()).toByteArray();
        byte[] out = new byte[b.length + 1];
        out[0] = (byte) 131;
        System.arraycopy(b, 0, out, 1, b.length);
        return out;
    }

    static BridgeContract.Incoming stock(byte[] bytes) throws OtpErlangDecodeException {
        return BridgeContract.decode(new InterningInputStream(bytes, 0, bytes.length).read_any());
    }

    /** The shapes this reader takes: both paths give equal commands, and the object stands for the very term. */
    static void readDirectly(Term msg) throws Exception {
        byte[] bytes = wire(msg);
        InterningInputStream in = new InterningInputStream(bytes, 0, bytes.length);
        OtpErlangObject fast = BridgeAnswers.read(in, BridgeAnswers.Proxy.of(PROXY));
        assertNotNull(fast, "read from its bytes: " + msg);
        assertEquals(bytes.length, in.getPos(), "the whole message is consumed: " + msg);
        assertEquals(stock(bytes), BridgeContract.decode(fast), "the same commands as the term decoder's: " + msg);
        assertTrue(fast.equals(msg.raw()), "it compares as the term it was read from: " + msg);
        assertEquals(msg.raw().hashCode(), fast.hashCode(), "and hashes as it: " + msg);
        assertEquals(msg.toString(), fast.toString(), "and prints as it: " + msg);
        assertArrayEquals(new OtpOutputStream(msg.raw()).toByteArray(), new OtpOutputStream(fast).toByteArray(),
                "and encodes to the same bytes, were it sent on as a message: " + msg);
    }

    /** The shapes it leaves to the term decoder: the stream is where it was, so the term decoder reads it all. */
    static void leftToTheTermDecoder(Term msg) throws Exception {
        byte[] bytes = wire(msg);
        InterningInputStream in = new InterningInputStream(bytes, 0, bytes.length);
        assertNull(BridgeAnswers.read(in, BridgeAnswers.Proxy.of(PROXY)), "left to the term decoder: " + msg);
        assertEquals(0, in.getPos(), "nothing consumed: " + msg);
        assertEquals(msg.raw(), in.read_any(), "the term decoder reads it from where it was: " + msg);
    }

    static final List<Term> FAST_COMMANDS = List.of(t("text", bin("héllo")), t("binary", bin("b")), t("ping", bin("")),
            t("ping", bin("p")), t("pong", bin("")), t("pong", bin("q")), Term.atom("close"),
            t("close", Term.integer(1000), bin("")), t("close", Term.integer(4000), bin("bye")),
            t("close", Term.integer(200), bin("small code")), t("close", Term.integer(65535), bin("")),
            Term.atom("stop"), t("active", "true"), t("active", "false"), t("deflate", "true"), t("deflate", "false"),
            t("shutdown_reason", "custom"), t("shutdown_reason", t("a", bin("b"), Term.list(Term.integer(1)))),
            t("shutdown_reason", bin("bin")));

    @Test
    void everyCommandShapeReadFromItsBytesIsTheCommandTheTermDecoderMakes() throws Exception {
        for (Term c : FAST_COMMANDS) {
            readDirectly(replies(PROXY, Term.list(c)));
            readDirectly(commands(PROXY, c));
            readDirectly(replies(PROXY, Term.list(c, Term.atom("hibernate"))));
        }
        readDirectly(replies(PROXY, Term.list(new ArrayList<>(FAST_COMMANDS))));
        readDirectly(commands(PROXY, FAST_COMMANDS.toArray(Term[]::new)));
    }

    @Test
    void emptyAnswersAndSeveralAnswersPerBatchKeepTheirPlaces() throws Exception {
        readDirectly(replies(PROXY, Term.list()));
        readDirectly(replies(PROXY));
        readDirectly(commands(PROXY));
        readDirectly(replies(PROXY, Term.list(), Term.list(t("text", bin("a"))), Term.list(), Term.list(Term.atom("hibernate"))));
        BridgeContract.Replies r = (BridgeContract.Replies) BridgeContract.decode(BridgeAnswers.read(
                in(replies(PROXY, Term.list(), Term.list(t("text", bin("a")), Term.atom("hibernate")))),
                BridgeAnswers.Proxy.of(PROXY)));
        assertEquals(2, r.answers().size(), "one answer per event, the empty one included: each fills one slot");
        assertEquals(List.of(), r.answers().get(0).commands());
        assertEquals(List.of(Frame.text("a")), r.answers().get(1).commands());
        assertTrue(r.answers().get(1).hibernate(), "hibernate is a flag, not a command");
    }

    @Test
    void payloadsPastOneAndTwoByteLengthsAreReadWhole() throws Exception {
        byte[] big = new byte[70_000];
        for (int i = 0; i < big.length; i++) big[i] = (byte) i;
        readDirectly(replies(PROXY, Term.list(t("binary", Term.binary(big)), t("text", Term.binary(new byte[300])))));
        BridgeContract.Replies r = (BridgeContract.Replies) BridgeContract.decode(BridgeAnswers.read(
                in(replies(PROXY, Term.list(t("binary", Term.binary(big))))), BridgeAnswers.Proxy.of(PROXY)));
        assertArrayEquals(big, ((Frame.Binary) r.answers().get(0).commands().get(0)).bytes());
    }

    @Test
    void shapesWhoseCommandsDoNotSayWhichTermTheyCameFromAreLeftToTheTermDecoder() throws Exception {
        List<Term> others = List.of(
                t("close", bin("bye")), // reads as {close, 1000, <<"bye">>} does
                t("crash", "error", "boom"),
                t("set_options", Term.map(Map.of(Term.atom("idle_timeout"), Term.integer(10)))),
                Term.atom("ping"), Term.atom("pong"),
                t("text", Term.string("chars")), t("text", Term.list(bin("io"), bin("data"))),
                t("active", "maybe"), t("close", Term.integer(-1), bin("")), t("close", Term.integer(70000), bin("")));
        for (Term c : others) {
            leftToTheTermDecoder(replies(PROXY, Term.list(c)));
            leftToTheTermDecoder(commands(PROXY, t("text", bin("first")), c));
        }
        leftToTheTermDecoder(replies(PROXY, Term.list(Term.atom("hibernate"), t("text", bin("after")))));
        leftToTheTermDecoder(replies(PROXY, Term.list(Term.atom("hibernate"), Term.atom("hibernate"))));
    }

    @Test
    void badAnswersGetTheErrorTheTermDecoderGives() throws Exception {
        for (Term bad : List.of(t("foo", Term.integer(1)), Term.atom("foo"), Term.integer(3), t("text", bin("a"), bin("b")))) {
            Term msg = replies(PROXY, Term.list(bad));
            leftToTheTermDecoder(msg);
            assertThrows(IllegalArgumentException.class, () -> stock(wire(msg)), "unknown command " + bad);
        }
        Term notAList = t("$corral", Term.integer(BridgeContract.VERSION), "replies", Term.pid(PROXY), Term.list(t("text", bin("a"))));
        leftToTheTermDecoder(notAList);
        assertThrows(ClassCastException.class, () -> stock(wire(notAList)), "an answer that is not a list");
        Term v1 = t("$corral", Term.integer(1), "replies", Term.pid(PROXY), Term.list(Term.list()));
        leftToTheTermDecoder(v1);
        assertThrows(IllegalArgumentException.class, () -> stock(wire(v1)), "another contract version is refused loudly");
    }

    @Test
    void anotherProxysAnswersAndOtherMessagesAreLeftToTheTermDecoder() throws Exception {
        leftToTheTermDecoder(replies(OTHER, Term.list(t("text", bin("a")))));
        leftToTheTermDecoder(commands(OTHER, t("text", bin("a"))));
        leftToTheTermDecoder(t("$corral", Term.integer(BridgeContract.VERSION), "init_result", Term.pid(PROXY), Term.atom("no_reply")));
        leftToTheTermDecoder(t("hello", Term.pid(PROXY)));
        leftToTheTermDecoder(Term.atom("replies"));
        // An improper list of answers or commands.
        Term improper = Term.of(new com.ericsson.otp.erlang.OtpErlangList(
                new OtpErlangObject[] {t("text", bin("a")).raw()}, Term.atom("tail").raw()));
        leftToTheTermDecoder(t("$corral", Term.integer(BridgeContract.VERSION), "commands", Term.pid(PROXY), improper));
        Term improperAnswers = Term.of(new com.ericsson.otp.erlang.OtpErlangList(
                new OtpErlangObject[] {Term.list().raw()}, Term.atom("tail").raw()));
        leftToTheTermDecoder(t("$corral", Term.integer(BridgeContract.VERSION), "replies", Term.pid(PROXY), improperAnswers));
    }

    @Test
    void aMessageCutShortIsReadAsTheTermDecoderReadsIt() throws Exception {
        byte[] whole = wire(replies(PROXY, Term.list(t("text", bin("abcdef")), t("close", Term.integer(4000), bin("x")))));
        for (int cut = 1; cut < whole.length; cut++) {
            byte[] part = Arrays.copyOf(whole, cut);
            Object stock;
            try {
                stock = new InterningInputStream(part, 0, part.length).read_any();
            } catch (OtpErlangDecodeException e) {
                stock = OtpErlangDecodeException.class;
            }
            Binding b = new Binding(null, OTHER, null);
            b.readAnswersOf(PROXY);
            Object ours;
            try {
                ours = b.decode(new InterningInputStream(part, 0, part.length));
            } catch (OtpErlangDecodeException e) {
                ours = OtpErlangDecodeException.class;
            }
            // JInterface reads some cuts without noticing (its read4BE past the end reads zeros): so does this path.
            assertEquals(stock, ours, "a message cut at " + cut + " of " + whole.length
                    + " bytes gives what the term decoder gives, the same term or a decode error");
        }
    }

    @Test
    void aConnectionReadsItsProxysAnswersFromTheirBytesOnceItKnowsThatProxy() throws Exception {
        Binding b = new Binding(null, OTHER, null);
        Term msg = replies(PROXY, Term.list(t("text", bin("a"))));
        assertInstanceOf(com.ericsson.otp.erlang.OtpErlangTuple.class, b.decode(in(msg)),
                "before the session knows its proxy every message is a term");
        b.readAnswersOf(PROXY);
        OtpErlangObject read = b.decode(in(msg));
        assertInstanceOf(BridgeAnswers.Answers.class, read, "then its answers are read from their bytes");
        assertEquals(stock(wire(msg)), BridgeContract.decode(read));
        Term user = t("tick", Term.integer(1));
        assertEquals(user.raw(), b.decode(in(user)), "and any other message is still the term");
        Term crash = replies(PROXY, Term.list(t("crash", "error", "boom")));
        assertEquals(crash.raw(), b.decode(in(crash)), "as is an answer this reader leaves to the term decoder");
    }

    /** {@code bytes} in a direct buffer of {@code capacity} at index 7, and a stream over them with it as source. */
    static InterningInputStream sourced(byte[] bytes, ByteBuf source) {
        source.writerIndex(7).writeBytes(bytes);
        InterningInputStream in = new InterningInputStream(bytes, 0, bytes.length);
        in.source(source, 7);
        return in;
    }

    @Test
    void aLargePayloadFromABufferIsASliceOfThatBufferThatTheAnswerReleases() throws Exception {
        byte[] big = new byte[EncodedEvents.SPLICE_MIN + 100];
        for (int i = 0; i < big.length; i++) big[i] = (byte) (i * 7);
        byte[] bytes = wire(replies(PROXY, Term.list(t("binary", Term.binary(big)), t("text", bin("small")))));
        ByteBuf source = Unpooled.directBuffer(bytes.length + 7);
        try {
            OtpErlangObject read = BridgeAnswers.read(sourced(bytes, source), BridgeAnswers.Proxy.of(PROXY));
            BridgeContract.Replies r = (BridgeContract.Replies) BridgeContract.decode(read);
            List<Command> cmds = r.answers().get(0).commands();
            DataFrame d = assertInstanceOf(DataFrame.class, cmds.get(0), "a payload from SPLICE_MIN on is a buffer");
            assertFalse(d.isText());
            assertArrayEquals(big, d.bytes(), "with the payload's bytes");
            assertEquals(Frame.text("small"), cmds.get(1), "a small one stays an array");
            assertEquals(2, source.refCnt(), "the payload is a retained slice of the packet's buffer, not a copy");
            source.setZero(0, source.capacity());
            assertEquals(0, d.content().getByte(d.content().readerIndex() + 1), "it shares the buffer's memory"
                    + " (the payload's second byte was 7)");
            assertTrue(((ReferenceCounted) read).release(), "a dropped answer gives its buffers back");
            assertEquals(1, source.refCnt(), "the slice was released");
        } finally {
            source.release();
        }
    }

    @Test
    void aPayloadThatWouldPinAMuchLargerBufferIsCopiedOutOfIt() throws Exception {
        byte[] big = new byte[EncodedEvents.SPLICE_MIN];
        byte[] bytes = wire(replies(PROXY, Term.list(t("text", Term.binary(big)))));
        ByteBuf source = Unpooled.directBuffer(5 * big.length);
        try {
            OtpErlangObject read = BridgeAnswers.read(sourced(bytes, source), BridgeAnswers.Proxy.of(PROXY));
            DataFrame d = (DataFrame) ((BridgeContract.Replies) BridgeContract.decode(read)).answers().get(0)
                    .commands().get(0);
            assertTrue(d.isText());
            assertEquals(1, source.refCnt(), "a buffer five times the payload is not kept alive by it: a copy");
            assertArrayEquals(big, d.bytes());
            assertTrue(((ReferenceCounted) read).release());
            assertEquals(0, d.refCnt(), "the copy is released with the answer");
        } finally {
            source.release();
        }
    }

    @Test
    void whatAHandlerPushesOnItsOwnStaysInArraysHoweverLarge() throws Exception {
        byte[] big = new byte[4 * EncodedEvents.SPLICE_MIN];
        byte[] bytes = wire(commands(PROXY, t("binary", Term.binary(big))));
        ByteBuf source = Unpooled.directBuffer(bytes.length + 7);
        try {
            OtpErlangObject read = BridgeAnswers.read(sourced(bytes, source), BridgeAnswers.Proxy.of(PROXY));
            Command c = ((BridgeContract.Commands) BridgeContract.decode(read)).commands().get(0);
            assertEquals(Frame.binary(big), c, "a push is not bounded by the events the client sent: its bytes wait"
                    + " in the heap, not in direct memory");
            assertEquals(1, source.refCnt(), "nothing of the packet's buffer is kept");
        } finally {
            source.release();
        }
    }

    @Test
    void aLargePayloadReadBeforeAShapeLeftToTheTermDecoderIsGivenBack() throws Exception {
        byte[] big = new byte[3 * EncodedEvents.SPLICE_MIN];
        Term msg = replies(PROXY, Term.list(t("binary", Term.binary(big)), t("crash", "error", "boom")));
        byte[] bytes = wire(msg);
        ByteBuf source = Unpooled.directBuffer(bytes.length + 7);
        try {
            InterningInputStream in = sourced(bytes, source);
            assertNull(BridgeAnswers.read(in, BridgeAnswers.Proxy.of(PROXY)), "a crash is left to the term decoder");
            assertEquals(1, source.refCnt(), "the slice taken for the payload before it was released");
            assertEquals(0, in.getPos());
            assertEquals(msg.raw(), in.read_any(), "and the term decoder reads the whole message");
        } finally {
            source.release();
        }
    }

    static InterningInputStream in(Term msg) {
        byte[] b = wire(msg);
        return new InterningInputStream(b, 0, b.length);
    }
}
