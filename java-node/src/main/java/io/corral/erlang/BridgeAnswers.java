package io.corral.erlang;

import com.ericsson.otp.erlang.InterningInputStream;
import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangDecodeException;
import com.ericsson.otp.erlang.OtpErlangList;
import com.ericsson.otp.erlang.OtpErlangLong;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangTuple;
import com.ericsson.otp.erlang.OtpExternal;
import com.ericsson.otp.erlang.OtpOutputStream;
import io.corral.api.Command;
import io.corral.api.DataFrame;
import io.corral.api.Frame;
import io.corral.connection.WsConnection;
import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCounted;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the proxy's answers, {@code {'$corral', 3, replies, ProxyPid, [[Cmd]]}} and {@code {'$corral', 3, commands,
 * ProxyPid, [Cmd]}} (erlang-bridge/CONTRACT.md section 4), straight from their external term format into
 * {@link BridgeContract.Replies} and {@link BridgeContract.Commands}, for a connection that knows its proxy's pid.
 * Decoded as JInterface terms first, every answer was a tuple, two lists, a tuple per command and a binary, each with
 * its element array, read only to be turned into these commands (the largest part of an Erlang-route answer's
 * decode on the JVM).
 *
 * <p>It reads only the shapes whose commands say exactly which term they came from: a data or control frame with a
 * binary payload, {@code close}, {@code {close, Code, Bin}}, {@code stop}, {@code {active, Bool}}, {@code {deflate,
 * Bool}}, {@code {shutdown_reason, R}}, a {@code hibernate} that ends its list, empty lists. Anything else (another
 * message, another proxy, {@code {close, Bin}} which reads as {@code {close, 1000, Bin}} does, a crash, {@code
 * set_options}, iodata payloads, an unknown command, another contract version, an encoding other than erts's
 * usual one) leaves the stream where it was and returns null, for the term decoder and {@link BridgeContract#decode}:
 * every answer means what it meant, bad ones get the error they got. The result stands for the term it was read from
 * ({@link Answers}); {@code BridgeAnswersTest} reads every shape both ways.
 *
 * <p>Hand-written because JInterface decodes only into its own term classes.
 */
final class BridgeAnswers {
    private BridgeAnswers() {}

    private static final OtpErlangAtom REPLIES = new OtpErlangAtom("replies"), COMMANDS = new OtpErlangAtom("commands");

    /** {@code {'$corral', 3, replies, } and {@code {'$corral', 3, commands, }: erts encodes them as JInterface does. */
    private static final byte[] REPLIES_PREFIX = EncodedEvents.encoded(5, BridgeContract.TAG, BridgeContract.VSN, REPLIES),
            COMMANDS_PREFIX = EncodedEvents.encoded(5, BridgeContract.TAG, BridgeContract.VSN, COMMANDS);

    /** A proxy's pid and its encoding, to check the pid of an answer with one comparison. */
    record Proxy(OtpErlangPid pid, byte[] encoded) {
        static Proxy of(OtpErlangPid pid) {
            OtpOutputStream out = new OtpOutputStream();
            out.write_any(pid);
            return new Proxy(pid, out.toByteArray());
        }
    }

    /**
     * The answer of {@code proxy} at the stream's position, consumed; null, with the position unchanged, for anything
     * this reader leaves to the term decoder, a message cut short included (the term decoder reads it again and says
     * how it fails).
     */
    static OtpErlangObject read(InterningInputStream in, Proxy proxy) {
        int start = in.getPos();
        BridgeContract.Incoming answer = null;
        try {
            answer = answer(in, proxy);
        } catch (OtpErlangDecodeException e) {
            answer = null;
        } finally {
            in.settleBuffers(answer != null); // the large payloads read as buffers are the answer's, or given back
        }
        if (answer == null) {
            in.setPos(start);
            return null;
        }
        return new Answers(answer);
    }

    private static BridgeContract.Incoming answer(InterningInputStream in, Proxy proxy) throws OtpErlangDecodeException {
        boolean replies;
        if (in.skipIf(REPLIES_PREFIX)) replies = true;
        else if (in.skipIf(COMMANDS_PREFIX)) replies = false;
        else return null;
        // The pid as this side encodes it, as erts does; any other encoding is decoded and compared.
        if (!in.skipIf(proxy.encoded) && !proxy.pid.equals(in.read_any())) return null;
        OtpErlangPid pid = proxy.pid;
        if (!replies) return commands(in, pid, false);
        int tag = in.peek1skip_version();
        if (tag == OtpExternal.nilTag) {
            in.read1();
            return new BridgeContract.Replies(pid, List.of());
        }
        if (tag != OtpExternal.listTag) return null;
        int n = in.read_list_head();
        BridgeContract.Commands first = commands(in, pid, true);
        if (first == null) return null;
        List<BridgeContract.Commands> all;
        if (n == 1) {
            all = List.of(first); // one event in the batch, the common case under a steady load
        } else {
            List<BridgeContract.Commands> list = new ArrayList<>(n);
            list.add(first);
            for (int i = 1; i < n; i++) {
                BridgeContract.Commands c = commands(in, pid, true);
                if (c == null) return null;
                list.add(c);
            }
            all = list;
        }
        return end(in) ? new BridgeContract.Replies(pid, all) : null;
    }

    /** A proper list's tail. */
    private static boolean end(InterningInputStream in) throws OtpErlangDecodeException {
        if (in.peek1skip_version() != OtpExternal.nilTag) return false;
        in.read1();
        return true;
    }

    /**
     * One command list, as {@link BridgeContract#commands} reads it; null for a shape left to it. With
     * {@code buffers}, large payloads are read as buffers ({@link #data}): only in the answers to events, whose
     * number the connection bounds (it stops reading past its in-flight and send-buffer limits). What a handler
     * pushes on its own (its {@code commands} messages) stays in arrays: a handler may push to a client that never
     * reads for as long as the send timeout lets it, and those bytes then wait in the heap, whose size is fixed,
     * not in direct memory outside it (FloodTest: the server's RSS stays flat under such clients).
     */
    private static BridgeContract.Commands commands(InterningInputStream in, OtpErlangPid pid, boolean buffers)
            throws OtpErlangDecodeException {
        int tag = in.peek1skip_version();
        if (tag == OtpExternal.nilTag) {
            in.read1();
            return new BridgeContract.Commands(pid, List.of(), false, null);
        }
        if (tag != OtpExternal.listTag) return null;
        int n = in.read_list_head();
        boolean hibernate = false;
        List<Command> out = null;
        Command only = null;
        for (int i = 0; i < n; i++) {
            int t = in.peek1skip_version();
            Command c;
            if (t == OtpExternal.smallTupleTag) {
                c = tuple(in, buffers);
                if (c == null) return null;
            } else if (isAtom(t)) {
                String a = in.read_atom();
                if (a.equals("hibernate") && i == n - 1) {
                    hibernate = true; // a flag, not a command; where it stands is where the term is rebuilt with it
                    continue;
                }
                c = switch (a) {
                    case "close" -> Frame.close();
                    case "stop" -> Command.stop();
                    default -> null; // bare ping/pong (the bridge sends tuples), a hibernate inside the list, ...
                };
                if (c == null) return null;
            } else {
                return null;
            }
            if (i == 0 && n == 1) {
                only = c;
            } else {
                if (out == null) out = new ArrayList<>(n);
                out.add(c);
            }
        }
        if (!end(in)) return null;
        List<Command> cmds = only != null ? List.of(only) : out == null ? List.of() : out;
        return new BridgeContract.Commands(pid, cmds, hibernate, null);
    }

    private static boolean isAtom(int tag) {
        return tag == OtpExternal.smallAtomUtf8Tag || tag == OtpExternal.atomUtf8Tag || tag == OtpExternal.atomTag;
    }

    /** {@code {text, } and {@code {binary, }, nearly every command: checked as bytes, without the atom's lookup. */
    private static final byte[] TEXT_PREFIX = EncodedEvents.encoded(2, new OtpErlangAtom("text")),
            BINARY_PREFIX = EncodedEvents.encoded(2, new OtpErlangAtom("binary"));

    /**
     * The payload of {@code {text, Bin}} or {@code {binary, Bin}}: a large one as a buffer ({@link DataFrame}, taken
     * from the distribution packet's own buffer when the stream has it: {@link InterningInputStream#readBinaryBuffer}),
     * which the connection writes to the client's socket as it is; a small one as an array.
     */
    private static Command data(InterningInputStream in, boolean text, boolean buffers)
            throws OtpErlangDecodeException {
        int len = in.peekBinaryLength();
        if (len < 0) return null;
        if (buffers && len >= EncodedEvents.SPLICE_MIN && in.hasSource()) {
            ByteBuf b = in.readBinaryBuffer();
            return text ? DataFrame.text(b) : DataFrame.binary(b);
        }
        return text ? new Frame.Text(in.read_binary()) : new Frame.Binary(in.read_binary());
    }

    /** A tagged command; null for a shape left to the term decoder. */
    private static Command tuple(InterningInputStream in, boolean buffers) throws OtpErlangDecodeException {
        if (in.skipIf(TEXT_PREFIX)) return data(in, true, buffers);
        if (in.skipIf(BINARY_PREFIX)) return data(in, false, buffers);
        int arity = in.read_tuple_head();
        if (!isAtom(in.peek1skip_version())) return null;
        String tag = in.read_atom();
        if (arity == 2) {
            if (tag.equals("shutdown_reason")) return Command.shutdownReason(io.corral.api.Term.of(in.read_any()));
            int t = in.peek1skip_version();
            if (t == OtpExternal.binTag) {
                return switch (tag) {
                    case "text" -> new Frame.Text(in.read_binary());
                    case "binary" -> new Frame.Binary(in.read_binary());
                    case "ping" -> new Frame.Ping(in.read_binary());
                    case "pong" -> new Frame.Pong(in.read_binary());
                    default -> null; // {close, Bin} among them: it reads as {close, 1000, Bin}
                };
            }
            if (isAtom(t) && (tag.equals("active") || tag.equals("deflate"))) {
                String v = in.read_atom();
                // Only the booleans: the term decoder reads any other atom as false, which would not say which it was.
                if (!v.equals("true") && !v.equals("false")) return null;
                return tag.equals("active") ? Command.active(v.equals("true")) : Command.deflate(v.equals("true"));
            }
            return null;
        }
        if (arity == 3 && tag.equals("close")) {
            int code;
            int t = in.peek1skip_version();
            if (t == OtpExternal.smallIntTag) {
                in.read1();
                code = in.read1();
            } else if (t == OtpExternal.intTag) {
                in.read1();
                code = in.read4BE();
                if (code < 0 || code > 0xffff) return null;
            } else {
                return null;
            }
            if (in.peek1skip_version() != OtpExternal.binTag) return null;
            return new Frame.Close(code, in.read_binary());
        }
        return null;
    }

    /**
     * A message read by {@link BridgeAnswers}: {@link BridgeContract#decode} hands out {@link #incoming} as it is, and
     * as a term it is the one it was read from, rebuilt from the commands (each shape read says which term it was).
     */
    static final class Answers extends EncodedTerm implements ReferenceCounted {
        final BridgeContract.Incoming incoming;
        /** Whether {@link #release} gave back the large payloads' buffers (see there). */
        private volatile boolean released;

        Answers(BridgeContract.Incoming incoming) {
            this.incoming = incoming;
        }

        /**
         * The large payloads ({@link DataFrame} commands) are this message's until the session hands its commands to
         * the connection, which then releases them (written or dropped). A message dropped before that (the
         * connection closed, no session to take it) is released through this, once; the session never calls it.
         */
        @Override
        public boolean release() {
            if (released) return false;
            released = true;
            List<BridgeContract.Commands> all = switch (incoming) {
                case BridgeContract.Replies r -> r.answers();
                case BridgeContract.Commands c -> List.of(c);
                case BridgeContract.InitResult i -> List.of();
                case BridgeContract.ProxyExit x -> List.of();
            };
            for (BridgeContract.Commands c : all) WsConnection.releaseData(c.commands(), 0);
            return true;
        }

        @Override
        public boolean release(int decrement) {
            return release();
        }

        @Override
        public int refCnt() {
            return released ? 0 : 1;
        }

        @Override
        public ReferenceCounted retain() {
            throw new UnsupportedOperationException("an answer has one owner");
        }

        @Override
        public ReferenceCounted retain(int increment) {
            return retain();
        }

        @Override
        public ReferenceCounted touch() {
            return this;
        }

        @Override
        public ReferenceCounted touch(Object hint) {
            return this;
        }

        @Override
        public void encode(OtpOutputStream buf) {
            buf.write_any(term());
        }

        @Override
        OtpErlangTuple term() {
            return switch (incoming) {
                case BridgeContract.Replies r -> {
                    OtpErlangObject[] lists = new OtpErlangObject[r.answers().size()];
                    for (int i = 0; i < lists.length; i++) lists[i] = list(r.answers().get(i));
                    yield message(REPLIES, r.proxy(), new OtpErlangList(lists));
                }
                case BridgeContract.Commands c -> message(COMMANDS, c.proxy(), list(c));
                case BridgeContract.InitResult i -> throw new IllegalStateException("not read here: " + i);
                case BridgeContract.ProxyExit x -> throw new IllegalStateException("not read here: " + x);
            };
        }

        private static OtpErlangTuple message(OtpErlangAtom kind, OtpErlangPid proxy, OtpErlangList body) {
            return new OtpErlangTuple(new OtpErlangObject[] {BridgeContract.TAG, BridgeContract.VSN, kind, proxy, body});
        }

        private static OtpErlangList list(BridgeContract.Commands c) {
            List<OtpErlangObject> out = new ArrayList<>(c.commands().size() + 1);
            for (Command cmd : c.commands()) out.add(term(cmd));
            if (c.hibernate()) out.add(new OtpErlangAtom("hibernate"));
            return new OtpErlangList(out.toArray(new OtpErlangObject[0]));
        }

        private static OtpErlangObject term(Command c) {
            return switch (c) {
                case Frame.Text t -> pair("text", new AdoptedBinary(t.bytes()));
                case Frame.Binary b -> pair("binary", new AdoptedBinary(b.bytes()));
                case Frame.Ping p -> pair("ping", new AdoptedBinary(p.bytes()));
                case Frame.Pong p -> pair("pong", new AdoptedBinary(p.bytes()));
                case Frame.Close cl when cl.code() == Frame.Close.NO_CODE -> new OtpErlangAtom("close");
                case Frame.Close cl -> new OtpErlangTuple(new OtpErlangObject[] {new OtpErlangAtom("close"),
                        new OtpErlangLong(cl.code()), new AdoptedBinary(cl.reason())});
                case Command.Stop s -> new OtpErlangAtom("stop");
                case Command.Active a -> pair("active", new OtpErlangAtom(a.active()));
                case Command.Deflate d -> pair("deflate", new OtpErlangAtom(d.deflate()));
                case Command.ShutdownReason r -> pair("shutdown_reason", r.reason().raw());
                case Command.SetOptions o -> throw new IllegalStateException("not read here: " + o);
                case DataFrame d -> pair(d.isText() ? "text" : "binary", new AdoptedBinary(d.bytes()));
            };
        }

        private static OtpErlangTuple pair(String tag, OtpErlangObject value) {
            return new OtpErlangTuple(new OtpErlangObject[] {new OtpErlangAtom(tag), value});
        }

        @Override
        public boolean equals(Object o) {
            if (o instanceof Answers a) return incoming.equals(a.incoming);
            return term().equals(o);
        }
    }
}
