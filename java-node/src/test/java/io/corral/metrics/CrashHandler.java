package io.corral.metrics;

import io.corral.api.Frame;
import io.corral.api.InitResult;
import io.corral.api.Request;
import io.corral.api.Result;
import io.corral.api.Term;
import io.corral.api.WebSocketHandler;

/** Raises in websocket_handle on any frame: Cowboy's callback crash (close 1011). */
public final class CrashHandler implements WebSocketHandler<Void> {
    @Override
    public InitResult<Void> init(Request request, Term options) {
        return InitResult.upgrade(null);
    }

    @Override
    public Result<Void> websocketHandle(Frame frame, Void state) {
        throw new IllegalStateException("crash on purpose");
    }
}
