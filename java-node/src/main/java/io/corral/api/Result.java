package io.corral.api;

import java.util.List;

/**
 * What a websocket callback returns: Cowboy's {@code {Commands, State}} or {@code {Commands, State, hibernate}}.
 *
 * @param commands carried out in order
 * @param state the handler's new state
 * @param hibernate Cowboy's hibernate flag; accepted for a faithful port, with no effect on the JVM (in Cowboy it has
 *     none on the wire either)
 *
 * @param <S> the handler's state type
 */
public record Result<S>(List<Command> commands, S state, boolean hibernate) {

    /**
     * The commands are copied.
     *
     */
    public Result {
        commands = List.copyOf(commands);
    }

    /**
     * {@code {ok, State}}
     *
     * @param <S> the handler's state type
     * @param state the new state
     * @return no commands
     */
    public static <S> Result<S> ok(S state) {
        return new Result<>(List.of(), state, false);
    }

    /**
     * {@code {reply, Frame, State}}: one frame or command (no varargs array, for the path of every message).
     *
     * @param <S> the handler's state type
     * @param state the new state
     * @param command the frame or command
     * @return that command
     */
    public static <S> Result<S> reply(S state, Command command) {
        return new Result<>(List.of(command), state, false);
    }

    /**
     * {@code {reply, Frames, State}} or {@code {Commands, State}}: frames and commands in one list.
     *
     * @param <S> the handler's state type
     * @param state the new state
     * @param commands frames and commands, carried out in order
     * @return those commands
     */
    public static <S> Result<S> reply(S state, Command... commands) {
        return new Result<>(List.of(commands), state, false);
    }

    /**
     * {@code {Commands, State}} from a list.
     *
     * @param <S> the handler's state type
     * @param state the new state
     * @param commands frames and commands, carried out in order
     * @return those commands
     */
    public static <S> Result<S> commands(S state, List<? extends Command> commands) {
        return new Result<>(List.copyOf(commands), state, false);
    }

    /**
     * {@code {stop, State}}
     *
     * @param <S> the handler's state type
     * @param state the state {@code terminate} gets
     * @return a stop
     */
    public static <S> Result<S> stop(S state) {
        return new Result<>(List.of(Command.stop()), state, false);
    }

    /**
     * The same result with the hibernate flag set.
     *
     * @return a copy with {@code hibernate} true
     */
    public Result<S> andHibernate() {
        return new Result<>(commands, state, true);
    }
}
