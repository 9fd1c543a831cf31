package example.echo;

import io.corral.api.Frame;
import io.corral.api.InitResult;
import io.corral.api.Request;
import io.corral.api.Result;
import io.corral.api.Term;
import io.corral.api.WebSocketHandler;

/** Echoes text and binary messages; Cowboy's websocket_handle/2 returning {reply, Frame, State}. */
public final class Echo implements WebSocketHandler<Void> {
    @Override
    public InitResult<Void> init(Request request, Term options) {
        return InitResult.upgrade(null);
    }

    @Override
    public Result<Void> websocketHandle(Frame frame, Void state) {
        return switch (frame) {
            case Frame.Text t -> Result.reply(state, t);
            case Frame.Binary b -> Result.reply(state, b);
            default -> Result.ok(state);
        };
    }
}
