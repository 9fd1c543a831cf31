package io.corral.api;

/**
 * A Java WebSocket handler in the Cowboy 2.x shape. One instance may serve many connections: all per-connection
 * data lives in the state {@code S} that each callback returns. Every callback of one connection runs on that
 * connection's event loop, one at a time: a callback must not block.
 *
 * <p>An exception thrown from {@code init} answers HTTP 500; from any websocket callback it closes with 1011 and
 * {@code terminate} gets {@link TerminateReason.Crash}.
 *
 * @param <S> the handler's per-connection state
 */
public interface WebSocketHandler<S> {

    /**
     * Cowboy's {@code init/2}: decide whether to upgrade. May read the request, set response headers (such as
     * {@code sec-websocket-protocol}) and choose options.
     *
     * @param options the route's options from the routes file
     * @param request the upgrade request
     * @return upgrade (with the initial state and options) or not
     * @throws Exception a crash: the client gets 500
     */
    InitResult<S> init(Request request, Term options) throws Exception;

    /**
     * Cowboy's {@code websocket_init/1}: runs after the 101 was sent, in the connection's context.
     *
     * @param state the state {@code init} returned
     * @param connection this connection (its pid, timers, groups)
     * @return commands and the new state
     * @throws Exception a crash: close 1011
     */
    default Result<S> websocketInit(S state, Connection connection) throws Exception {
        return Result.ok(state);
    }

    /**
     * Cowboy's {@code websocket_handle/2}: a ping or pong from the client, and every whole text or binary message
     * unless {@link #websocketHandle(DataFrame, Object)} is overridden.
     *
     * @param frame the frame
     * @param state the current state
     * @return commands and the new state
     * @throws Exception a crash: close 1011
     */
    Result<S> websocketHandle(Frame frame, S state) throws Exception;

    /**
     * Cowboy's {@code websocket_handle/2} for a whole text or binary message, without copying its payload: the frame
     * is backed by the Netty buffer it was read into. Override it for the zero-copy path; the frame is <b>lent</b>
     * (valid until this returns; {@link DataFrame#retain()} to keep it or send it back), and a {@link DataFrame} in the
     * result is written without a copy (see {@link DataFrame} for who releases what). An echo:
     *
     * <pre>{@code
     * public Result<Void> websocketHandle(DataFrame frame, Void state) {
     *     return Result.reply(state, frame.retain());
     * }
     * }</pre>
     *
     * The default copies the payload into a {@link Frame.Text} or {@link Frame.Binary} and calls
     * {@link #websocketHandle(Frame, Object)}, so a handler that overrides only that one sees every message as
     * {@code byte[]}.
     *
     * @param frame the text or binary message, lent until this returns
     * @param state the current state
     * @return commands and the new state
     * @throws Exception a crash: close 1011
     */
    default Result<S> websocketHandle(DataFrame frame, S state) throws Exception {
        return websocketHandle(frame.toFrame(), state);
    }

    /**
     * Cowboy's {@code websocket_info/2}: a message sent to the connection's pid, or posted by Java code.
     *
     * @param message the message
     * @param state the current state
     * @return commands and the new state
     * @throws Exception a crash: close 1011
     */
    default Result<S> websocketInfo(Term message, S state) throws Exception {
        return Result.ok(state);
    }

    /**
     * Cowboy's {@code terminate/3}. The close frame, if any, was already sent.
     *
     * @param reason why the session ended
     * @param request what is kept of the request
     * @param state the last state (for a connection that was not upgraded, what {@code init} returned)
     * @throws Exception logged; the connection is closed either way
     */
    default void terminate(TerminateReason reason, PartialRequest request, S state) throws Exception {}
}
