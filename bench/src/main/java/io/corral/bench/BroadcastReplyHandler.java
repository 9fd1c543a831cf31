package io.corral.bench;

import io.corral.api.Frame;
import io.corral.api.InitResult;
import io.corral.api.Request;
import io.corral.api.Result;
import io.corral.api.Term;
import io.corral.api.WebSocketHandler;

/**
 * The scale benchmark's server handler: holds no state, ignores what the client sends, and answers every message sent
 * to the connection's pid with one text frame, {@code "bcast R"} for {@code {bcast, R}} (the round, so the client can
 * check that it got this round's frame) and {@code "info"} for anything else. Route it as
 * {@code 'io.corral.bench.BroadcastReplyHandler'}; bench/target/classes must be on the server's class path.
 */
public final class BroadcastReplyHandler implements WebSocketHandler<Void> {

    @Override
    public InitResult<Void> init(Request request, Term options) {
        return InitResult.upgrade(null);
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
        return Result.reply(state, Frame.text("info"));
    }
}
