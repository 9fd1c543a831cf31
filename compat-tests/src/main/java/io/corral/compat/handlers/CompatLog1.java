package io.corral.compat.handlers;

import io.corral.api.Connection;
import io.corral.api.Frame;
import io.corral.api.Req1;
import io.corral.api.Term;
import io.corral.api.WebSocketHandler1;
import java.util.ArrayList;
import java.util.List;

/** The log route for Java 1.x: websocket_init/3 runs before the 101, so the events go out on a message to self. */
public final class CompatLog1 implements WebSocketHandler1<String> {
    @Override
    public Init1<String> websocketInit(Req1 req, Term options, Connection self) {
        self.post(Term.atom("send_log"));
        return Init1.ok(req, qs(req, "id"));
    }

    @Override
    public Result1<String> websocketHandle(Frame frame, Req1 req, String id) {
        return Result1.ok(req, id);
    }

    @Override
    public Result1<String> websocketInfo(Term message, Req1 req, String id) {
        List<Frame> out = new ArrayList<>();
        for (String e : CompatRecorder.events(id)) out.add(Frame.text(e));
        out.add(Frame.close(1000, ""));
        return Result1.reply(req, id, out.toArray(Frame[]::new));
    }

    @Override
    public void websocketTerminate(Term reason, Req1 req, String id) {}

    /** A query value as text; a flag ({@code ?name}, Cowboy's {@code true}) reads as "true". */
    private static String qs(io.corral.api.Req1 req, String name) {
        io.corral.api.Term v = req.qsVal(name);
        return v == null ? null : v.isAtom("true") ? "true" : v.stringValue();
    }
}
