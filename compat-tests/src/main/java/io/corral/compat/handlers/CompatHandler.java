package io.corral.compat.handlers;

import io.corral.api.Connection;
import io.corral.api.Frame;
import io.corral.api.HandlerOptions;
import io.corral.api.InitResult;
import io.corral.api.PartialRequest;
import io.corral.api.Request;
import io.corral.api.Result;
import io.corral.api.Term;
import io.corral.api.TerminateReason;
import io.corral.api.WebSocketHandler;
import io.corral.compat.Reasons;
import java.util.HashMap;
import java.util.Map;

/** The compat handler as a Java 2.x handler (commands interface): the twin of {@code compat_ws_cmd}. */
public final class CompatHandler implements WebSocketHandler<CompatHandler.State> {

    public record State(String id, Map<String, String> qs, String reqEcho, Connection self) {}

    @Override
    public InitResult<State> init(Request req, Term options) {
        Map<String, String> q = new HashMap<>();
        req.parseQs().forEach(e -> q.putIfAbsent(e.getKey(), e.getValue().isAtom("true") ? "true" : e.getValue().stringValue()));
        String id = q.get("id");
        CompatRecorder.record(id, "init");
        if ("init".equals(q.get("crash"))) throw new IllegalStateException("crash_in_init");
        State s = new State(id, q, CompatScript.reqEcho(req.binding("name"), req.qs(), req.header("x-compat"),
                req.peer(), null), null);
        if (q.containsKey("refuse")) return InitResult.refuse(s, Integer.parseInt(q.get("refuse")));
        if (q.containsKey("noreply")) return InitResult.noReply(s);
        String p = q.get("protocol");
        if (p != null && req.subprotocols() != null && req.subprotocols().contains(p)) {
            req.setResponseHeader("sec-websocket-protocol", p);
        }
        if (!q.containsKey("idle") && !q.containsKey("max") && !q.containsKey("compress")) return InitResult.upgrade(s);
        HandlerOptions.Builder o = HandlerOptions.builder();
        if (q.containsKey("idle")) o.idleTimeoutMillis(Long.parseLong(q.get("idle")));
        if (q.containsKey("max")) o.maxFrameSize(Long.parseLong(q.get("max")));
        if (q.containsKey("compress")) o.compress(true);
        return InitResult.upgrade(s, o.build());
    }

    @Override
    public Result<State> websocketInit(State state, Connection self) {
        CompatRecorder.record(state.id(), "websocket_init");
        State s = new State(state.id(), state.qs(), state.reqEcho(), self);
        if ("websocket_init".equals(s.qs().get("crash"))) throw new IllegalStateException("crash_in_websocket_init");
        return "frame".equals(s.qs().get("init")) ? Result.reply(s, Frame.text("hello from websocket_init")) : Result.ok(s);
    }

    @Override
    public Result<State> websocketHandle(Frame frame, State s) {
        CompatRecorder.record(s.id(), "handle " + ErlText.of(frame));
        return result(CompatScript.decide(frame, true, s.reqEcho(), s.self()), s);
    }

    @Override
    public Result<State> websocketInfo(Term message, State s) {
        CompatRecorder.record(s.id(), "info " + ErlText.of(message));
        return result(CompatScript.info(message), s);
    }

    private static Result<State> result(CompatScript.Action a, State s) {
        return switch (a) {
            case CompatScript.Reply r -> Result.commands(s, r.commands());
            case CompatScript.Hibernate h -> Result.commands(s, h.commands()).andHibernate();
            case CompatScript.Stop x -> Result.stop(s);
            case CompatScript.Crash x -> throw new IllegalStateException("crash_in_callback");
            case CompatScript.Invalid x -> null;
        };
    }

    @Override
    public void terminate(TerminateReason reason, PartialRequest req, State state) {
        // After a crash in init the state is the handler options: the id comes from the PartialReq's query string.
        String id = state != null ? state.id() : CompatScript.qsId(req.qs());
        CompatRecorder.record(id, "terminate " + ErlText.of(Reasons.twoX(reason)));
    }
}
