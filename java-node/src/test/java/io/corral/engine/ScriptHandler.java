package io.corral.engine;

import io.corral.api.Command;
import io.corral.api.Connection;
import io.corral.api.Frame;
import io.corral.api.HandlerOptions;
import io.corral.api.InitResult;
import io.corral.api.PartialRequest;
import io.corral.api.Request;
import io.corral.api.Result;
import io.corral.api.TerminateReason;
import io.corral.api.Term;
import io.corral.api.WebSocketHandler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The engine tests' handler, driven by the client: query parameters shape init (options, refusal, crash), text
 * messages that start with a command word make it return a given result, anything else is echoed. Every callback
 * is recorded in {@link Recorder} under the {@code id} query parameter.
 *
 * <p>Query: {@code id}, {@code idle} (ms), {@code max} (bytes), {@code compress}, {@code dopt} (one deflate_opts
 * entry, {@code name:value}), {@code noutf8}, {@code refuse}
 * (status), {@code noreply}, {@code crash=init|websocket_init}, {@code protocol} (picked when offered),
 * {@code init=frame|inactive|stop}, {@code resume} (ms: with {@code init=inactive}, an {@code active true} timer),
 * {@code pingreply} (answer a ping with a text frame, to show the pong went out first).
 *
 * <p>Commands (text frames, or timer messages): {@code stop}, {@code crash}, {@code close [CODE [REASON]]},
 * {@code many-then-close}, {@code ping P}, {@code active B}, {@code pause MS} (active false now, active true after MS
 * through {@code sendAfter}), {@code idle MS}, {@code max N}, {@code deflate B}, {@code shutdown-reason R},
 * {@code later MS [TEXT]} (TEXT, default "timer fired", comes back as a message and is scripted), {@code tick N MS}
 * (N server frames "tock I", MS apart), {@code hibernate}, {@code big-ping}, {@code invalid} (returns null).
 */
public final class ScriptHandler implements WebSocketHandler<ScriptHandler.State> {

    public record State(String id, Map<String, String> query, Connection connection) {}

    @Override
    public InitResult<State> init(Request req, Term options) {
        Map<String, String> q = new java.util.HashMap<>();
        req.parseQs().forEach(e -> q.put(e.getKey(), e.getValue().isAtom("true") ? "true" : e.getValue().stringValue()));
        String id = q.get("id");
        Recorder.record(id, "init " + req.method() + " " + req.path() + " " + req.bindings());
        if ("init".equals(q.get("crash"))) throw new IllegalStateException("crash in init");
        State s = new State(id, q, null);
        if (q.containsKey("refuse")) return InitResult.refuse(s, Integer.parseInt(q.get("refuse")));
        if (q.containsKey("noreply")) return InitResult.noReply(s);
        if (q.containsKey("protocol") && req.subprotocols() != null && req.subprotocols().contains(q.get("protocol"))) {
            req.setResponseHeader("sec-websocket-protocol", q.get("protocol"));
        }
        HandlerOptions.Builder o = req instanceof io.corral.handshake.UpgradeRequest u
                ? u.profile().defaults().toBuilder() : HandlerOptions.builder();
        if (q.containsKey("idle")) o.idleTimeoutMillis(Long.parseLong(q.get("idle")));
        if (q.containsKey("max")) o.maxFrameSize(Long.parseLong(q.get("max")));
        if (q.containsKey("compress")) o.compress(true);
        // deflate_opts as Cowboy's ws_deflate_opts_h sets them: one option named by the query, e.g.
        // dopt=server_max_window_bits:9 or dopt=client_context_takeover:no_takeover
        if (q.containsKey("dopt")) {
            String[] kv = q.get("dopt").split(":", 2);
            io.corral.api.DeflateOptions.Builder d = io.corral.api.DeflateOptions.builder();
            switch (kv[0]) {
                case "server_context_takeover" -> d.serverContextTakeover(!kv[1].equals("no_takeover"));
                case "client_context_takeover" -> d.clientContextTakeover(!kv[1].equals("no_takeover"));
                case "server_max_window_bits" -> d.serverMaxWindowBits(Integer.parseInt(kv[1]));
                case "client_max_window_bits" -> d.clientMaxWindowBits(Integer.parseInt(kv[1]));
                case "level" -> d.level(kv[1]);
                case "mem_level" -> d.memLevel(Integer.parseInt(kv[1]));
                case "strategy" -> d.strategy(kv[1]);
                default -> throw new IllegalArgumentException("unknown deflate option " + kv[0]);
            }
            o.deflate(d.build());
        }
        if (q.containsKey("noutf8")) o.validateUtf8(false);
        return InitResult.upgrade(s, o.build());
    }

    @Override
    public Result<State> websocketInit(State state, Connection connection) {
        Recorder.record(state.id(), "websocket_init pid=" + connection.pid());
        State s = new State(state.id(), state.query(), connection);
        if ("websocket_init".equals(state.query().get("crash"))) throw new IllegalStateException("crash in websocket_init");
        if (state.query().containsKey("resume")) {
            connection.sendAfter(Duration.ofMillis(Long.parseLong(state.query().get("resume"))), Term.binary("active true"));
        }
        return switch (state.query().getOrDefault("init", "")) {
            case "frame" -> Result.reply(s, Frame.text("hello from websocket_init"));
            case "inactive" -> Result.reply(s, Command.active(false));
            case "stop" -> Result.stop(s);
            default -> Result.ok(s);
        };
    }

    @Override
    public Result<State> websocketHandle(Frame frame, State state) {
        Recorder.record(state.id(), "handle " + describe(frame));
        if (frame instanceof Frame.Ping p && state.query().containsKey("pingreply")) {
            return Result.reply(state, Frame.text("after ping " + new String(p.bytes(), StandardCharsets.UTF_8)));
        }
        if (!(frame instanceof Frame.Text t)) {
            return frame instanceof Frame.Binary b ? Result.reply(state, b) : Result.ok(state);
        }
        return script(t.text(), state, t);
    }

    @Override
    public Result<State> websocketInfo(Term message, State state) {
        Recorder.record(state.id(), "info " + (message.isBinary() ? message.stringValue() : message));
        if (message.isBinary()) return script(message.stringValue(), state, Frame.text(message.stringValue()));
        return Result.ok(state);
    }

    /** Text commands; anything else is echoed as {@code echo} (the frame as received, so invalid UTF-8 stays as is). */
    private Result<State> script(String text, State state, Frame.Text echo) {
        String[] w = text.split(" ", 2);
        String arg = w.length > 1 ? w[1] : "";
        return switch (w[0]) {
            case "stop" -> Result.stop(state);
            case "crash" -> throw new IllegalStateException("crash in a callback");
            case "close" -> arg.isEmpty() ? Result.reply(state, Frame.close()) : closeWith(arg, state);
            case "many-then-close" -> Result.reply(state, Frame.text("one"), Frame.text("two"),
                    Frame.close(1000, "bye"), Frame.text("after close"), Command.active(false));
            case "ping" -> Result.reply(state, Frame.ping(arg.getBytes(StandardCharsets.UTF_8)));
            case "active" -> Result.reply(state, Command.active(Boolean.parseBoolean(arg)));
            case "idle" -> Result.reply(state, Command.idleTimeout(Long.parseLong(arg)));
            case "max" -> Result.reply(state, Command.maxFrameSize(Long.parseLong(arg)));
            case "deflate" -> Result.reply(state, Command.deflate(Boolean.parseBoolean(arg)), Frame.text("deflate " + arg));
            case "shutdown-reason" -> Result.reply(state, Command.shutdownReason(Term.atom(arg)), Command.stop());
            case "pause" -> {
                state.connection().sendAfter(Duration.ofMillis(Long.parseLong(arg)), Term.binary("active true"));
                yield Result.reply(state, Command.active(false));
            }
            case "later" -> {
                String[] p = arg.split(" ", 2);
                state.connection().sendAfter(Duration.ofMillis(Long.parseLong(p[0])),
                        Term.binary(p.length > 1 ? p[1] : "timer fired"));
                yield Result.ok(state);
            }
            case "tick" -> {
                String[] p = arg.split(" ", 2);
                long every = Long.parseLong(p[1]);
                for (int i = 1; i <= Integer.parseInt(p[0]); i++) {
                    state.connection().sendAfter(Duration.ofMillis(every * i), Term.binary("tock " + i));
                }
                yield Result.ok(state);
            }
            case "invalid" -> null;
            case "hibernate" -> Result.reply(state, Frame.text("hibernating")).andHibernate();
            case "big-ping" -> Result.reply(state, Frame.ping(new byte[126]));
            default -> Result.reply(state, echo);
        };
    }

    private static Result<State> closeWith(String arg, State state) {
        String[] p = arg.split(" ", 2);
        return Result.reply(state, Frame.close(Integer.parseInt(p[0]), p.length > 1 ? p[1] : ""));
    }

    @Override
    public void terminate(TerminateReason reason, PartialRequest req, State state) {
        // After a crash in init the state is the handler options (null here): find the id in the query string.
        String id = state != null ? state.id() : idFromQs(req.qs());
        Recorder.record(id, "terminate " + reason);
    }

    private static String idFromQs(String qs) {
        if (qs == null) return null;
        for (String kv : qs.split("&")) if (kv.startsWith("id=")) return kv.substring(3);
        return null;
    }

    static String describe(Frame f) {
        return switch (f) {
            case Frame.Text t -> "text " + t.text();
            case Frame.Binary b -> "binary " + b.bytes().length;
            case Frame.Ping p -> "ping " + new String(p.bytes(), StandardCharsets.UTF_8);
            case Frame.Pong p -> "pong " + new String(p.bytes(), StandardCharsets.UTF_8);
            case Frame.Close c -> "close " + c;
        };
    }

    static List<String> list(String... s) {
        return new ArrayList<>(List.of(s));
    }
}
