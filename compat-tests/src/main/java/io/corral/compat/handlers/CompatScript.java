package io.corral.compat.handlers;

import io.corral.api.Command;
import io.corral.api.Connection;
import io.corral.api.Frame;
import io.corral.api.Term;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * The client-driven script shared by the Java compat handlers, the same commands as the Erlang
 * {@code compat_script}: each handler turns an {@link Action} into its generation's result shape.
 *
 * <p>Query: {@code id}, {@code refuse=Status}, {@code noreply}, {@code crash=init|websocket_init},
 * {@code protocol=P}, {@code idle=MS}, {@code max=N}, {@code compress}, {@code init=frame}. Text commands:
 * {@code stop}, {@code crash}, {@code crash-info}, {@code close}, {@code close CODE [REASON]}, {@code many-then-close},
 * {@code ping P}, {@code req}, {@code later MS TEXT}, {@code sleep MS TEXT}, {@code hibernate}, {@code invalid}; 2.5+ only: {@code pause MS},
 * {@code idle MS}, {@code deflate B}, {@code shutdown-reason R}. Anything else is echoed.
 */
public final class CompatScript {
    private CompatScript() {}

    /** What a callback should return, generation-neutral. */
    public sealed interface Action {}

    public record Reply(List<Command> commands) implements Action {}

    public record Hibernate(List<Command> commands) implements Action {}

    public record Stop() implements Action {}

    public record Crash() implements Action {}

    public record Invalid() implements Action {}

    static String reqEcho(String binding, String qs, String header, InetSocketAddress peer, Object version) {
        return "binding=" + binding + " qs=" + qs + " header=" + header + " peer="
                + peer.getAddress().getHostAddress() + " version=" + (version == null ? "undefined" : version);
    }

    /** The action for a frame; {@code commands} is whether the generation has the 2.5+ commands interface. */
    static Action decide(Frame frame, boolean commands, String reqEcho, Connection self) {
        if (frame instanceof Frame.Binary b) return reply(b);
        if (frame instanceof Frame.Ping p && p.bytes().length > 0) {
            return reply(Frame.text("after ping " + new String(p.bytes(), StandardCharsets.UTF_8)));
        }
        if (!(frame instanceof Frame.Text t)) return reply();
        String text = t.text();
        String[] w = text.split(" ", 2);
        String arg = w.length > 1 ? w[1] : "";
        switch (w[0]) {
            case "stop": return new Stop();
            case "crash": return new Crash();
            case "crash-info": self.post(Term.atom("crash")); return reply();
            case "close": {
                if (arg.isEmpty()) return reply(Frame.close());
                String[] p = arg.split(" ", 2);
                return reply(Frame.close(Integer.parseInt(p[0]), p.length > 1 ? p[1] : ""));
            }
            case "many-then-close":
                return reply(Frame.text("one"), Frame.text("two"), Frame.close(1000, "bye"), Frame.text("after close"));
            case "ping": return reply(Frame.ping(arg.getBytes(StandardCharsets.UTF_8)));
            case "req": return reply(Frame.text(reqEcho));
            case "later": {
                String[] p = arg.split(" ", 2);
                self.sendAfter(Duration.ofMillis(Long.parseLong(p[0])),
                        Term.tuple(Term.atom("later"), Term.binary(p.length > 1 ? p[1] : "")));
                return reply();
            }
            case "sleep": {
                // A slow callback, as the Erlang script's timer:sleep/1. A Java handler runs on its connection's
                // event loop, so this holds that loop: a test-only command for the order of a slow answer.
                String[] p = arg.split(" ", 2);
                try {
                    Thread.sleep(Long.parseLong(p[0]));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return reply(Frame.text(p.length > 1 ? p[1] : ""));
            }
            case "hibernate": return new Hibernate(List.of(Frame.text("hibernating")));
            case "invalid": return new Invalid();
            default: break;
        }
        if (commands) {
            switch (w[0]) {
                case "pause":
                    self.sendAfter(Duration.ofMillis(Long.parseLong(arg)), Term.atom("resume"));
                    return reply(Command.active(false), Frame.text("paused"));
                case "idle": return reply(Command.idleTimeout(Long.parseLong(arg)), Frame.text("idle set"));
                case "deflate": return reply(Command.deflate(Boolean.parseBoolean(arg)), Frame.text("deflate " + arg));
                case "shutdown-reason": return reply(Command.shutdownReason(Term.atom(arg)), Frame.close(1000, ""));
                default: break;
            }
        }
        return reply(t);
    }

    /** The action for an Erlang message. */
    static Action info(Term msg) {
        if (msg.isAtom("crash")) return new Crash();
        if (msg.isAtom("init_frame")) return reply(Frame.text("hello from websocket_init"));
        if (msg.isAtom("resume")) return reply(Command.active(true));
        if (msg.isTagged("later", 2)) return reply(Frame.text(msg.element(1).stringValue()));
        return reply();
    }

    static Reply reply(Command... c) {
        return new Reply(List.of(c));
    }

    static String qsId(String qs) {
        if (qs == null) return null;
        for (String kv : qs.split("&")) if (kv.startsWith("id=")) return kv.substring(3);
        return null;
    }
}
