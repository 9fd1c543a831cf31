package io.corral.api;

import java.util.List;

/**
 * What a websocket callback returns: Cowboy's {@code {Commands, State}} or {@code {Commands, State, hibernate}}.
 *
 * @param commands carried out in order
 * @param state the handler's new state
 * @param hibernate Cowboy's hibernate flag; accepted for a faithful port, with no effect on the JVM (in Cowboy it has
 *     none on the wire either)
 */
public record Result<S>(List<Command> commands, S state, boolean hibernate) {

    public Result {
        commands = List.copyOf(commands);
    }

    /** {@code {ok, State}} */
    public static <S> Result<S> ok(S state) {
        return new Result<>(List.of(), state, false);
    }

    /** {@code {reply, Frame, State}}: one frame or command (no varargs array, for the path of every message). */
    public static <S> Result<S> reply(S state, Command command) {
        return new Result<>(List.of(command), state, false);
    }

    /** {@code {reply, Frames, State}} or {@code {Commands, State}}: frames and commands in one list. */
    public static <S> Result<S> reply(S state, Command... commands) {
        return new Result<>(List.of(commands), state, false);
    }

    public static <S> Result<S> commands(S state, List<? extends Command> commands) {
        return new Result<>(List.copyOf(commands), state, false);
    }

    /** {@code {stop, State}} */
    public static <S> Result<S> stop(S state) {
        return new Result<>(List.of(Command.stop()), state, false);
    }

    /** The same result with the hibernate flag set. */
    public Result<S> andHibernate() {
        return new Result<>(commands, state, true);
    }
}
