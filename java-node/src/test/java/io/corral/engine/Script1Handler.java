package io.corral.engine;

import io.corral.api.Connection;
import io.corral.api.Frame;
import io.corral.api.Req1;
import io.corral.api.Term;
import io.corral.api.WebSocketHandler1;
import java.nio.charset.StandardCharsets;

/**
 * The 1.x-shaped test handler: the query shapes websocket_init/3 ({@code shutdown}, {@code reply=S} then shutdown,
 * {@code crash}, {@code timeout=MS}, {@code protocol}); text commands shape the results; callbacks are recorded.
 */
public final class Script1Handler implements WebSocketHandler1<String> {

    @Override
    public Init1<String> websocketInit(Req1 req, Term options, Connection self) {
        String id = qs(req, "id");
        Recorder.record(id, "websocket_init version=" + req.meta("websocket_version") + " self=" + (self.pid() != null));
        if (qs(req, "crash") != null) throw new IllegalStateException("crash in websocket_init/3");
        if (qs(req, "reply") != null) return Init1.shutdown(req.reply(Integer.parseInt(qs(req, "reply"))));
        if (qs(req, "shutdown") != null) return Init1.shutdown(req);
        Req1 r = req;
        String protocol = qs(req, "protocol");
        if (protocol != null && req.subprotocols() != null && req.subprotocols().contains(protocol)) {
            r = r.setRespHeader("sec-websocket-protocol", protocol);
        }
        // A message to self from websocket_init/3 is handled before any client frame (1.x guide).
        self.post(Term.binary("from websocket_init"));
        String timeout = qs(req, "timeout");
        return timeout == null ? Init1.ok(r, id) : Init1.ok(r, id, Long.parseLong(timeout));
    }

    @Override
    public Result1<String> websocketHandle(Frame frame, Req1 req, String id) {
        Recorder.record(id, "handle " + ScriptHandler.describe(frame));
        if (!(frame instanceof Frame.Text t)) return Result1.ok(req, id);
        return switch (t.text()) {
            case "shutdown" -> Result1.shutdown(req, id);
            case "crash" -> throw new IllegalStateException("crash in websocket_handle/3");
            case "hibernate" -> Result1.reply(req, id, Frame.text("hibernating")).andHibernate();
            default -> Result1.reply(req, id, t);
        };
    }

    @Override
    public Result1<String> websocketInfo(Term message, Req1 req, String id) {
        Recorder.record(id, "info " + message);
        return Result1.reply(req, id, Frame.text("info " + new String(message.binaryValue(), StandardCharsets.UTF_8)));
    }

    @Override
    public void websocketTerminate(Term reason, Req1 req, String id) {
        Recorder.record(id, "terminate " + reason);
    }

    /** A query value as text; a flag ({@code ?name}, Cowboy's {@code true}) reads as "true". */
    private static String qs(io.corral.api.Req1 req, String name) {
        io.corral.api.Term v = req.qsVal(name);
        return v == null ? null : v.isAtom("true") ? "true" : v.stringValue();
    }
}
