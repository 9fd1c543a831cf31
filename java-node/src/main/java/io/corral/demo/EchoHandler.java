package io.corral.demo;

import io.corral.api.DataFrame;
import io.corral.api.Frame;
import io.corral.api.InitResult;
import io.corral.api.Request;
import io.corral.api.Result;
import io.corral.api.Term;
import io.corral.api.WebSocketHandler;

/**
 * Echoes every text and binary message back; answers nothing else (pings are ponged by the engine). It takes the
 * zero-copy path: the message arrives in the Netty buffer it was read into and that same buffer is written back,
 * as plain Netty's own echo does ({@link DataFrame}: the frame is lent, so the reply is {@code frame.retain()}).
 */
public final class EchoHandler implements WebSocketHandler<Void> {
    @Override
    public InitResult<Void> init(Request request, Term options) {
        return InitResult.upgrade(null);
    }

    @Override
    public Result<Void> websocketHandle(DataFrame frame, Void state) {
        return Result.reply(state, frame.retain());
    }

    /** Pings and pongs: nothing to answer (the engine has already sent the pong). */
    @Override
    public Result<Void> websocketHandle(Frame frame, Void state) {
        return Result.ok(state);
    }
}
