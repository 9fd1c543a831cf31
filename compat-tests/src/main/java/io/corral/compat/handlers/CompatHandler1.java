package io.corral.compat.handlers;

import io.corral.api.Connection;
import io.corral.api.Frame;
import io.corral.api.Req1;
import io.corral.api.Term;
import io.corral.api.WebSocketHandler1;

/** The compat handler as a Java 1.x handler ({@code cowboy_websocket_handler} shape): the twin of {@code compat_ws_v1}. */
public final class CompatHandler1 implements WebSocketHandler1<CompatHandler1.State> {

    public record State(String id, String reqEcho, Connection self) {}

    @Override
    public Init1<State> websocketInit(Req1 req, Term options, Connection self) {
        String id = qs(req, "id");
        // 1.x's init/3 and websocket_init/3 both run before the 101; Java 1.x handlers have the second only.
        CompatRecorder.record(id, "init");
        if ("init".equals(qs(req, "crash"))) throw new IllegalStateException("crash_in_init");
        CompatRecorder.record(id, "websocket_init");
        if ("websocket_init".equals(qs(req, "crash"))) throw new IllegalStateException("crash_in_websocket_init");
        State s = new State(id, CompatScript.reqEcho(req.binding("name"), req.qs(), req.header("x-compat"), req.peer(),
                req.meta("websocket_version")), self);
        if (qs(req, "refuse") != null) return Init1.shutdown(req.reply(Integer.parseInt(qs(req, "refuse"))));
        if (qs(req, "noreply") != null) return Init1.shutdown(req);
        Req1 r = req;
        String p = qs(req, "protocol");
        if (p != null && req.subprotocols() != null && req.subprotocols().contains(p)) r = r.setRespHeader("sec-websocket-protocol", p);
        // 1.x cannot send a frame before the 101: a message to self is handled before any client frame.
        if ("frame".equals(qs(req, "init"))) self.post(Term.atom("init_frame"));
        String idle = qs(req, "idle");
        return idle == null ? Init1.ok(r, s) : Init1.ok(r, s, Long.parseLong(idle));
    }

    @Override
    public Result1<State> websocketHandle(Frame frame, Req1 req, State s) {
        CompatRecorder.record(s.id(), "handle " + ErlText.of(frame));
        return result(CompatScript.decide(frame, false, s.reqEcho(), s.self()), req, s);
    }

    @Override
    public Result1<State> websocketInfo(Term message, Req1 req, State s) {
        CompatRecorder.record(s.id(), "info " + ErlText.of(message));
        return result(CompatScript.info(message), req, s);
    }

    private static Result1<State> result(CompatScript.Action a, Req1 req, State s) {
        return switch (a) {
            case CompatScript.Reply r -> Result1.reply(req, s, frames(r.commands()));
            case CompatScript.Hibernate h -> Result1.reply(req, s, frames(h.commands())).andHibernate();
            case CompatScript.Stop x -> Result1.shutdown(req, s);
            case CompatScript.Crash x -> throw new IllegalStateException("crash_in_callback");
            case CompatScript.Invalid x -> null;
        };
    }

    private static Frame[] frames(java.util.List<io.corral.api.Command> commands) {
        return commands.stream().filter(c -> c instanceof Frame).map(c -> (Frame) c).toArray(Frame[]::new);
    }

    @Override
    public void websocketTerminate(Term reason, Req1 req, State s) {
        CompatRecorder.record(s.id(), "terminate " + ErlText.of(reason));
    }

    /** A query value as text; a flag ({@code ?name}, Cowboy's {@code true}) reads as "true". */
    private static String qs(io.corral.api.Req1 req, String name) {
        io.corral.api.Term v = req.qsVal(name);
        return v == null ? null : v.isAtom("true") ? "true" : v.stringValue();
    }
}
