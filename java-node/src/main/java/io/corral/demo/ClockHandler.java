package io.corral.demo;

import io.corral.api.Connection;
import io.corral.api.Frame;
import io.corral.api.InitResult;
import io.corral.api.Request;
import io.corral.api.Result;
import io.corral.api.Term;
import io.corral.api.WebSocketHandler;
import java.time.Duration;
import java.time.Instant;

/**
 * Pushes the time every {@code interval} ms (route option, default 1000) with a timer armed in
 * {@code websocketInit}, the way a Cowboy handler calls {@code erlang:send_after/3} there.
 */
public final class ClockHandler implements WebSocketHandler<ClockHandler.State> {

    public record State(Connection connection, Duration interval) {}

    @Override
    public InitResult<State> init(Request request, Term options) {
        Term i = options.isList() || options.isMap() ? options.get("interval") : null;
        return InitResult.upgrade(new State(null, Duration.ofMillis(i == null ? 1000 : i.longValue())));
    }

    @Override
    public Result<State> websocketInit(State state, Connection connection) {
        connection.sendAfter(state.interval(), Term.atom("tick"));
        return Result.ok(new State(connection, state.interval()));
    }

    @Override
    public Result<State> websocketHandle(Frame frame, State state) {
        return Result.ok(state);
    }

    @Override
    public Result<State> websocketInfo(Term message, State state) {
        if (!message.isAtom("tick")) return Result.ok(state);
        state.connection().sendAfter(state.interval(), Term.atom("tick"));
        return Result.reply(state, Frame.text("time " + Instant.now()));
    }
}
