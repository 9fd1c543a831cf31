package io.corral.bench;

import io.corral.api.Connection;
import io.corral.api.Frame;
import io.corral.api.InitResult;
import io.corral.api.Request;
import io.corral.api.Result;
import io.corral.api.Term;
import io.corral.api.WebSocketHandler;

/**
 * The cluster broadcast benchmark's Java handler: joins pg group {@code bench} of the default scope in
 * websocketInit, then tells {@code {bcast_driver, Notify}} it did (route option {@code [{notify, 'node@host'}]}),
 * and answers {@code {bcast, R}} with the text frame {@code "bcast R"}, as {@link BroadcastReplyHandler} does.
 */
public final class GroupBroadcastHandler implements WebSocketHandler<Void> {

    private String notify;

    @Override
    public InitResult<Void> init(Request request, Term options) {
        if (notify == null) {
            for (Term t : options.listValue()) if (t.isTagged("notify", 2)) notify = t.element(1).atomValue();
        }
        return InitResult.upgrade(null);
    }

    @Override
    public Result<Void> websocketInit(Void state, Connection self) {
        String to = notify;
        self.join("pg", Term.atom("bench")).thenRun(() -> self.send("bcast_driver", to, Term.atom("joined")));
        return Result.ok(state);
    }

    @Override
    public Result<Void> websocketHandle(Frame frame, Void state) {
        return Result.ok(state);
    }

    @Override
    public Result<Void> websocketInfo(Term message, Void state) {
        if (message.isTagged("bcast", 2) && message.element(1).isInteger()) {
            return Result.reply(state, Frame.text("bcast " + message.element(1).longValue()));
        }
        return Result.ok(state);
    }
}
