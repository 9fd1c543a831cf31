package io.corral.bridge;

import io.corral.api.Connection;
import io.corral.api.Frame;
import io.corral.api.InitResult;
import io.corral.api.Request;
import io.corral.api.Result;
import io.corral.api.Term;
import io.corral.api.WebSocketHandler;
import java.time.Duration;

/**
 * A Java handler that makes a {@code gen_server:call} to an Erlang process without blocking its event loop: text
 * {@code call NODE} calls {@code corral_test_recorder} on NODE; the reply comes back through websocketInfo.
 */
public final class CallingHandler implements WebSocketHandler<Connection> {
    @Override
    public InitResult<Connection> init(Request request, Term options) {
        return InitResult.upgrade(null);
    }

    @Override
    public Result<Connection> websocketInit(Connection state, Connection self) {
        return Result.ok(self);
    }

    @Override
    public Result<Connection> websocketHandle(Frame frame, Connection self) {
        if (frame instanceof Frame.Text t && t.text().startsWith("call ")) {
            String node = t.text().substring(5);
            self.call("corral_test_recorder", node, Term.tuple(Term.atom("events"), Term.binary("nobody")),
                            Duration.ofSeconds(5))
                    .whenComplete((reply, error) -> self.post(Term.tuple(Term.atom("reply"),
                            reply != null ? reply : Term.binary(String.valueOf(error)))));
        }
        return Result.ok(self);
    }

    @Override
    public Result<Connection> websocketInfo(Term message, Connection self) {
        return Result.reply(self, Frame.text("got " + message));
    }
}
