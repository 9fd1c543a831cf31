package io.corral.erlang;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangBinary;
import com.ericsson.otp.erlang.OtpErlangList;
import com.ericsson.otp.erlang.OtpErlangLong;
import com.ericsson.otp.erlang.OtpErlangMap;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.corral.api.Command;
import io.corral.api.Frame;
import io.corral.api.HandlerOptions;
import io.corral.api.TerminateReason;
import io.corral.api.Term;
import io.corral.handshake.UpgradeRequest;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Java side of the erlang-bridge contract, version 3 (erlang-bridge/include/corral_contract.hrl and
 * erlang-bridge/CONTRACT.md are the Erlang side). Every term the two sides exchange is built or read here and
 * nowhere else; the methods are pure, so the contract is unit-tested without a node.
 */
public final class BridgeContract {
    public static final int VERSION = 3;
    public static final String BRIDGE = "corral_bridge";

    static final OtpErlangAtom TAG = new OtpErlangAtom("$corral");
    static final OtpErlangLong VSN = new OtpErlangLong(VERSION);

    private BridgeContract() {}

    private static OtpErlangAtom atom(String s) {
        return new OtpErlangAtom(s);
    }

    private static OtpErlangBinary bin(String s) {
        return new OtpErlangBinary(s.getBytes(StandardCharsets.UTF_8));
    }

    private static OtpErlangTuple tuple(OtpErlangObject... e) {
        return new OtpErlangTuple(e);
    }

    private static OtpErlangObject message(String kind, OtpErlangObject... rest) {
        OtpErlangObject[] all = new OtpErlangObject[3 + rest.length];
        all[0] = TAG;
        all[1] = VSN;
        all[2] = atom(kind);
        System.arraycopy(rest, 0, all, 3, rest.length);
        return new OtpErlangTuple(all);
    }

    // ------------------------------------------------------------------ Java -> bridge

    // The keys of the open request: shared constants (atoms are immutable), as the events' atoms are.
    private static final OtpErlangAtom MODULE = atom("module"), OPTS = atom("opts"), REQ = atom("req"),
            PROFILE = atom("profile"), METHOD = atom("method"), VERSION_KEY = atom("version"), SCHEME = atom("scheme"),
            HOST = atom("host"), PORT = atom("port"), PATH = atom("path"), QS = atom("qs"), HEADERS = atom("headers"),
            PEER = atom("peer"), SOCK = atom("sock"), BINDINGS = atom("bindings"), PATH_INFO = atom("path_info"),
            HOST_INFO = atom("host_info"), WEBSOCKET_VERSION = atom("websocket_version"),
            WEBSOCKET_COMPRESS = atom("websocket_compress"), UNDEFINED = atom("undefined"),
            WEBSOCKET_INIT_KEY = atom("websocket_init"), AT_ONCE = atom("at_once");

    /** {@code {'$corral', 3, open, ConnPid, #{module, opts, req, profile, websocket_init => at_once}}} */
    public static OtpErlangObject open(OtpErlangPid conn, String module, Term opts, UpgradeRequest req) {
        // Built straight into OtpErlangMaps (insertion-ordered): an intermediate map copied into one was the same
        // garbage twice on every upgrade.
        OtpErlangMap spec = new OtpErlangMap();
        spec.put(MODULE, atom(module));
        spec.put(OPTS, opts.raw());
        spec.put(REQ, reqInfo(req));
        spec.put(PROFILE, atom(req.profile().label));
        // The proxy runs websocket_init right after sending its decision and sends the answer next, instead of
        // waiting for a websocket_init event from here: one distribution message less per upgrade, and the 101 still
        // does not wait for websocket_init (CONTRACT.md section 2).
        spec.put(WEBSOCKET_INIT_KEY, AT_ONCE);
        return message("open", conn, spec);
    }

    /** The request as plain data; the bridge shapes it into each generation's Req. */
    static OtpErlangMap reqInfo(UpgradeRequest r) {
        OtpErlangMap m = new OtpErlangMap();
        m.put(METHOD, bin(r.method()));
        m.put(VERSION_KEY, atom(r.version()));
        m.put(SCHEME, bin(r.scheme()));
        m.put(HOST, bin(r.host()));
        m.put(PORT, new OtpErlangLong(r.port()));
        m.put(PATH, bin(r.path()));
        m.put(QS, bin(r.qs()));
        OtpErlangMap headers = new OtpErlangMap();
        r.headers().forEach((k, v) -> headers.put(bin(k), bin(v)));
        m.put(HEADERS, headers);
        m.put(PEER, address(r.peer()));
        m.put(SOCK, address(r.local()));
        OtpErlangMap bindings = new OtpErlangMap();
        r.bindings().forEach((k, v) -> bindings.put(atom(k), bin(v)));
        m.put(BINDINGS, bindings);
        m.put(PATH_INFO, segments(r.pathInfo()));
        m.put(HOST_INFO, segments(r.hostInfo()));
        m.put(WEBSOCKET_VERSION, new OtpErlangLong(r.websocketVersion()));
        m.put(WEBSOCKET_COMPRESS, new OtpErlangAtom(r.compressOffered()));
        return m;
    }

    private static OtpErlangObject segments(List<String> s) {
        if (s == null) return UNDEFINED;
        return new OtpErlangList(s.stream().map(BridgeContract::bin).toArray(OtpErlangObject[]::new));
    }

    /** {@code {{A,B,C,D}, Port}} as inet returns it. */
    static OtpErlangObject address(InetSocketAddress a) {
        InetAddress ip = a.getAddress();
        byte[] b = ip.getAddress();
        OtpErlangObject[] parts;
        if (b.length == 4) {
            parts = new OtpErlangObject[4];
            for (int i = 0; i < 4; i++) parts[i] = new OtpErlangLong(b[i] & 0xff);
        } else {
            parts = new OtpErlangObject[8];
            for (int i = 0; i < 8; i++) parts[i] = new OtpErlangLong(((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff));
        }
        return tuple(new OtpErlangTuple(parts), new OtpErlangLong(a.getPort()));
    }

    static final OtpErlangAtom EVENTS = atom("events");
    static final OtpErlangAtom FRAME = atom("frame");
    private static final OtpErlangAtom INFO = atom("info");
    private static final OtpErlangAtom TEXT = atom("text");
    private static final OtpErlangAtom BINARY = atom("binary");
    private static final OtpErlangAtom PING = atom("ping");
    private static final OtpErlangAtom PONG = atom("pong");
    private static final OtpErlangObject[] NO_EVENTS = new OtpErlangObject[0];

    /**
     * {@code {'$corral', 3, events, [Event]}}, written straight into the encode buffer ({@link EncodedEvents}); the
     * atoms of the hot path are shared constants (they are immutable).
     */
    public static OtpErlangObject events(List<OtpErlangObject> events) {
        return new EncodedEvents(events.toArray(NO_EVENTS));
    }

    public static final OtpErlangObject WEBSOCKET_INIT = atom("websocket_init");

    /**
     * {@code {'$corral', 3, down, ConnPid}}, to {@link #BRIDGE}: the connection ended without a {@code terminate}
     * event (before the decision, or with a decision it could not use), so its proxy must stop. Nothing links the
     * two (CONTRACT.md section 5).
     */
    public static OtpErlangObject down(OtpErlangPid conn) {
        return message("down", conn);
    }

    private static final byte[] TEXT_EVENT = EncodedEvents.Frame.prefix(TEXT),
            BINARY_EVENT = EncodedEvents.Frame.prefix(BINARY), PING_EVENT = EncodedEvents.Frame.prefix(PING),
            PONG_EVENT = EncodedEvents.Frame.prefix(PONG);

    /**
     * {@code {frame, {text|binary, Bin}}} whose payload is {@code content}, taking over the caller's reference of it
     * (released once the message was written or failed: {@link EncodedEvents#release}).
     */
    static OtpErlangObject frameEvent(io.netty.buffer.ByteBuf content, boolean text) {
        return text ? EncodedEvents.Frame.of(TEXT_EVENT, TEXT, content)
                : EncodedEvents.Frame.of(BINARY_EVENT, BINARY, content);
    }

    /**
     * {@code {frame, {text|binary|ping|pong, Bin}}}: the neutral shape; the proxy shows it as its generation does.
     * Written straight into the encode buffer, the payload from the frame's own array ({@link EncodedEvents.Frame}).
     */
    public static OtpErlangObject frameEvent(Frame f) {
        return switch (f) {
            case Frame.Text t -> new EncodedEvents.Frame(TEXT_EVENT, TEXT, f.payload());
            case Frame.Binary b -> new EncodedEvents.Frame(BINARY_EVENT, BINARY, f.payload());
            case Frame.Ping p -> new EncodedEvents.Frame(PING_EVENT, PING, f.payload());
            case Frame.Pong p -> new EncodedEvents.Frame(PONG_EVENT, PONG, f.payload());
            case Frame.Close c -> throw new IllegalArgumentException("close frames end the session, they are not events");
        };
    }

    public static OtpErlangObject infoEvent(OtpErlangObject msg) {
        return tuple(INFO, msg);
    }

    /** {@code {terminate, NeutralReason}} */
    public static OtpErlangObject terminateEvent(TerminateReason reason) {
        return tuple(atom("terminate"), neutralReason(reason));
    }

    static OtpErlangObject neutralReason(TerminateReason reason) {
        return switch (reason) {
            case TerminateReason.Normal n -> atom("normal");
            case TerminateReason.Stop s -> atom("stop");
            case TerminateReason.Shutdown s -> atom("shutdown");
            case TerminateReason.Timeout t -> atom("timeout");
            case TerminateReason.Remote r -> atom("remote");
            case TerminateReason.RemoteClose r ->
                    tuple(atom("remote"), new OtpErlangLong(r.code()), new OtpErlangBinary(r.reason()));
            case TerminateReason.Error e -> tuple(atom("error"), atom(e.kind()));
            case TerminateReason.Crash c -> tuple(atom("crash"), atom(c.cls()), c.cause() instanceof OtpErlangObject o
                    ? o : bin(String.valueOf(c.cause())));
            case TerminateReason.Exit x -> x.reason() instanceof OtpErlangObject o ? o : atom(String.valueOf(x.reason()));
        };
    }

    // ------------------------------------------------------------------ bridge -> Java

    /** A message from the bridge to a connection, decoded; null for any other term (a user message). */
    public sealed interface Incoming permits InitResult, Replies, Commands, ProxyExit {}

    /**
     * {@code {'$corral', 3, exit, ProxyPid, Reason}}, from the bridge: the proxy exited with {@code Reason}, other
     * than {@code normal} (killed, an invalid return, a crash). What a link's exit signal would have said.
     */
    public record ProxyExit(OtpErlangPid proxy, OtpErlangObject reason) implements Incoming {}

    /** {@code {'$corral', 3, init_result, ProxyPid, Decision}} */
    public record InitResult(OtpErlangPid proxy, Decision decision) implements Incoming {}

    /**
     * {@code {'$corral', 3, replies, ProxyPid, [[Cmd]]}}: the answers to one events batch, one per event in event
     * order (fewer when the session ended part way: the last one then carries the close, stop or crash).
     */
    public record Replies(OtpErlangPid proxy, List<Commands> answers) implements Incoming {}

    /**
     * {@code {'$corral', 3, commands, ProxyPid, [Cmd]}}: a callback that answered no event from Java (a message or
     * timer that reached the proxy itself); also the shape of one answer inside {@link Replies}.
     */
    public record Commands(OtpErlangPid proxy, List<Command> commands, boolean hibernate, Crash crash)
            implements Incoming {}

    public sealed interface Decision permits Upgrade, Reply, NoReply, Crash {}

    /** Where websocket_init's answer comes from, by the {@code websocket_init} key of an upgrade's options. */
    public enum InitAnswer {
        /** No key (a bridge that waits for it): Java sends the {@code websocket_init} event and gets its answer. */
        EVENT,
        /** {@code ran}: the proxy ran websocket_init right after the decision; its answer follows, no event is sent. */
        FOLLOWS,
        /**
         * {@code empty}: there was nothing to run (no websocket_init/1, no message waiting for websocket_info): no
         * answer follows and no event is sent; the session reads the client at once.
         */
        NONE
    }

    public record Upgrade(Map<String, String> headers, HandlerOptions options, InitAnswer init) implements Decision {}

    public record Reply(int status, Map<String, String> headers, byte[] body) implements Decision {}

    public record NoReply() implements Decision {}

    public record Crash(String cls, OtpErlangObject reason) implements Decision {}

    /** Decodes a bridge message; returns null for anything that is not one (it is then a user message). */
    public static Incoming decode(OtpErlangObject msg) {
        if (msg instanceof BridgeAnswers.Answers a) return a.incoming; // read from its bytes already
        if (!(msg instanceof OtpErlangTuple t) || t.arity() < 4 || !TAG.equals(t.elementAt(0))) return null;
        if (!VSN.equals(t.elementAt(1))) {
            throw new IllegalArgumentException("erlang-bridge speaks contract " + t.elementAt(1) + ", java-node " + VERSION);
        }
        String kind = ((OtpErlangAtom) t.elementAt(2)).atomValue();
        OtpErlangPid proxy = (OtpErlangPid) t.elementAt(3);
        return switch (kind) {
            case "init_result" -> new InitResult(proxy, decision(t.elementAt(4)));
            case "exit" -> new ProxyExit(proxy, t.elementAt(4));
            case "commands" -> commands(proxy, (OtpErlangList) t.elementAt(4));
            case "replies" -> {
                OtpErlangList answers = (OtpErlangList) t.elementAt(4);
                int n = answers.arity();
                // One answer, the common case under a steady load: one object, not a list and its array.
                if (n == 1) yield new Replies(proxy, List.of(commands(proxy, (OtpErlangList) answers.elementAt(0))));
                List<Commands> out = new ArrayList<>(n);
                for (int i = 0; i < n; i++) out.add(commands(proxy, (OtpErlangList) answers.elementAt(i)));
                yield new Replies(proxy, out);
            }
            default -> throw new IllegalArgumentException("unknown bridge message " + msg);
        };
    }

    static Decision decision(OtpErlangObject d) {
        Term t = Term.of(d);
        if (t.isAtom("no_reply")) return new NoReply();
        if (t.isTagged("upgrade", 3)) {
            Term ran = t.element(2).isMap() ? t.element(2).get("websocket_init") : null;
            InitAnswer init = ran == null ? InitAnswer.EVENT
                    : ran.isAtom("ran") ? InitAnswer.FOLLOWS : ran.isAtom("empty") ? InitAnswer.NONE : InitAnswer.EVENT;
            return new Upgrade(headers(t.element(1)), options(t.element(2)), init);
        }
        if (t.isTagged("reply", 4)) {
            return new Reply((int) t.element(1).longValue(), headers(t.element(2)), bytes(t.element(3)));
        }
        if (t.isTagged("crash", 3)) return new Crash(t.element(1).atomValue(), t.element(2).raw());
        throw new IllegalArgumentException("unknown init decision " + d);
    }

    private static byte[] bytes(Term t) {
        if (t.isBinary()) return t.binaryValue();
        return t.stringValue().getBytes(StandardCharsets.UTF_8);
    }

    /** A list of {@code {Name, Value}} or a map, names lower-cased as Cowboy does. */
    static Map<String, String> headers(Term t) {
        Map<String, String> out = new LinkedHashMap<>();
        if (t.isMap()) {
            OtpErlangMap m = (OtpErlangMap) t.raw();
            for (OtpErlangObject k : m.keys()) {
                out.put(Term.of(k).stringValue().toLowerCase(), new String(bytes(Term.of(m.get(k))), StandardCharsets.UTF_8));
            }
        } else {
            for (Term h : t.listValue()) {
                out.put(h.element(0).stringValue().toLowerCase(), new String(bytes(h.element(1)), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    static HandlerOptions options(Term m) {
        HandlerOptions.Builder b = HandlerOptions.builder();
        Term idle = m.get("idle_timeout");
        if (idle != null) b.idleTimeoutMillis(idle.isAtom("infinity") ? HandlerOptions.INFINITY : idle.longValue());
        Term max = m.get("max_frame_size");
        if (max != null) b.maxFrameSize(max.isAtom("infinity") ? HandlerOptions.INFINITY : max.longValue());
        Term compress = m.get("compress");
        if (compress != null) b.compress(compress.isAtom("true"));
        Term utf8 = m.get("validate_utf8");
        if (utf8 != null) b.validateUtf8(!utf8.isAtom("false"));
        Term deflate = m.get("deflate_opts");
        if (deflate != null && deflate.isMap()) b.deflate(deflateOptions(deflate));
        return b.build();
    }

    /** Cowboy's {@code deflate_opts} map: takeover atoms, level atoms or integers, window bits. */
    static io.corral.api.DeflateOptions deflateOptions(Term m) {
        io.corral.api.DeflateOptions.Builder d = io.corral.api.DeflateOptions.builder();
        Term level = m.get("level");
        if (level != null) {
            if (level.isInteger()) d.level((int) level.longValue());
            else d.level(level.atomValue());
        }
        Term mem = m.get("mem_level");
        if (mem != null) d.memLevel((int) mem.longValue());
        Term strategy = m.get("strategy");
        if (strategy != null) d.strategy(strategy.atomValue());
        Term st = m.get("server_context_takeover");
        if (st != null) d.serverContextTakeover(!st.isAtom("no_takeover"));
        Term ct = m.get("client_context_takeover");
        if (ct != null) d.clientContextTakeover(!ct.isAtom("no_takeover"));
        Term sb = m.get("server_max_window_bits");
        if (sb != null) d.serverMaxWindowBits((int) sb.longValue());
        Term cb = m.get("client_max_window_bits");
        if (cb != null) d.clientMaxWindowBits((int) cb.longValue());
        return d.build();
    }

    static Commands commands(OtpErlangPid proxy, OtpErlangList list) {
        int n = list.arity();
        if (n == 0) return new Commands(proxy, List.of(), false, null);
        if (n == 1 && dataFrame(list.elementAt(0)) instanceof Command only) {
            return new Commands(proxy, List.of(only), false, null); // the echo's answer: one frame
        }
        List<Command> out = new ArrayList<>(n);
        boolean hibernate = false;
        Crash crash = null;
        for (int i = 0; i < n; i++) {
            OtpErlangObject o = list.elementAt(i);
            Command fast = dataFrame(o);
            if (fast != null) {
                out.add(fast);
                continue;
            }
            Term c = Term.of(o);
            if (c.isAtom("hibernate")) hibernate = true;
            else if (c.isTagged("crash", 3)) crash = new Crash(c.element(1).atomValue(), c.element(2).raw());
            else out.add(command(c));
        }
        return new Commands(proxy, out, hibernate, crash);
    }

    /**
     * {@code {text, Bin}} and {@code {binary, Bin}}, nearly every command a handler returns, read without the
     * {@link Term} wrappers (the binary's array is taken as is: JInterface made it for this term alone); null for
     * anything else, which {@link #command} reads.
     */
    private static Command dataFrame(OtpErlangObject o) {
        if (o instanceof OtpErlangTuple t && t.arity() == 2 && t.elementAt(0) instanceof OtpErlangAtom a
                && t.elementAt(1) instanceof OtpErlangBinary b) {
            String k = a.atomValue();
            if (k.equals("text")) return new Frame.Text(b.binaryValue());
            if (k.equals("binary")) return new Frame.Binary(b.binaryValue());
        }
        return null;
    }

    /** One normalized command (the bridge already flattened iodata and turned 2.0 and 1.x shapes into these). */
    static Command command(Term c) {
        if (c.isAtom("stop")) return Command.stop();
        if (c.isAtom("close")) return Frame.close();
        if (c.isAtom("ping")) return Frame.ping();
        if (c.isAtom("pong")) return Frame.pong(Frame.EMPTY);
        if (c.isTuple(3) && c.element(0).isAtom("close")) {
            return new Frame.Close((int) c.element(1).longValue(), bytes(c.element(2)));
        }
        if (c.isTuple(2)) {
            Term v = c.element(1);
            return switch (c.element(0).atomValue()) {
                case "text" -> new Frame.Text(bytes(v));
                case "binary" -> new Frame.Binary(bytes(v));
                case "ping" -> new Frame.Ping(bytes(v));
                case "pong" -> new Frame.Pong(bytes(v));
                case "close" -> new Frame.Close(1000, bytes(v));
                case "active" -> Command.active(v.isAtom("true"));
                case "deflate" -> Command.deflate(v.isAtom("true"));
                case "shutdown_reason" -> Command.shutdownReason(v);
                case "set_options" -> {
                    Term idle = v.get("idle_timeout");
                    Term max = v.get("max_frame_size");
                    yield new Command.SetOptions(
                            idle == null ? null : idle.isAtom("infinity") ? HandlerOptions.INFINITY : idle.longValue(),
                            max == null ? null : max.isAtom("infinity") ? HandlerOptions.INFINITY : max.longValue());
                }
                default -> throw new IllegalArgumentException("unknown command " + c);
            };
        }
        throw new IllegalArgumentException("unknown command " + c);
    }
}
