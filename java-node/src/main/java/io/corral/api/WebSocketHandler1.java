package io.corral.api;

/**
 * A Java WebSocket handler in the Cowboy 1.x shape ({@code cowboy_websocket_handler}), so a 1.x module can be
 * ported line by line before it moves to {@link WebSocketHandler}. The Req is passed to and returned by every
 * callback. {@code websocketInit} runs before the 101 in the connection's own process ({@code self} is valid there
 * and stays valid); it may refuse with {@link Init1#shutdown}. Terminate reasons are 1.x's terms:
 * {@code {normal, shutdown}}, {@code {normal, timeout}}, {@code {remote, closed}}, {@code {remote, Code, Payload}},
 * {@code {error, badframe|badencoding|closed|Reason}}, {@code {error, handler}}.
 *
 * @param <S> the handler's per-connection state
 */
public interface WebSocketHandler1<S> {

    /**
     * {@code websocket_init/3}. An exception here answers HTTP 500.
     *
     * @param req the upgrade request
     * @param options the route's options
     * @param self this connection
     * @return the state and timeout, or a shutdown
     * @throws Exception a crash: the client gets 500
     */
    Init1<S> websocketInit(Req1 req, Term options, Connection self) throws Exception;

    /**
     * {@code websocket_handle/3}. An empty ping arrives as a ping with an empty payload ({@code {ping, <<>>}}).
     *
     * @param frame the frame
     * @param req the Req
     * @param state the current state
     * @return frames to send, the Req and the new state
     * @throws Exception a crash: close 1011, reason {@code {error, handler}}
     */
    Result1<S> websocketHandle(Frame frame, Req1 req, S state) throws Exception;

    /**
     * {@code websocket_info/3}.
     *
     * @param message the message sent to the connection's pid
     * @param req the Req
     * @param state the current state
     * @return frames to send, the Req and the new state
     * @throws Exception a crash: close 1011, reason {@code {error, handler}}
     */
    Result1<S> websocketInfo(Term message, Req1 req, S state) throws Exception;

    /**
     * {@code websocket_terminate/3}: always called once the session ran (not after a refusal).
     *
     * @param reason the 1.x reason term
     * @param req the Req
     * @param state the last state
     * @throws Exception logged; the connection is closed either way
     */
    void websocketTerminate(Term reason, Req1 req, S state) throws Exception;

    /**
     * What {@code websocket_init/3} returns. {@code timeoutMillis} null means {@code infinity}.
     *
     * @param <S> the handler's state type
     * @param req the Req
     * @param state the state
     * @param timeoutMillis the idle timeout in milliseconds, or null
     * @param hibernate the hibernate flag (no effect on the JVM)
     * @param shutdown true for {@code {shutdown, Req}}
     */
    record Init1<S>(Req1 req, S state, Long timeoutMillis, boolean hibernate, boolean shutdown) {
        /**
         * {@code {ok, Req, State}}.
         *
         * @param <S> the handler's state type
         * @param req the Req
         * @param state the state
         * @return an upgrade without an idle timeout
         */
        public static <S> Init1<S> ok(Req1 req, S state) {
            return new Init1<>(req, state, null, false, false);
        }

        /**
         * {@code {ok, Req, State, Timeout}}.
         *
         * @param <S> the handler's state type
         * @param req the Req
         * @param state the state
         * @param timeoutMillis the idle timeout in milliseconds
         * @return an upgrade with that idle timeout
         */
        public static <S> Init1<S> ok(Req1 req, S state, long timeoutMillis) {
            return new Init1<>(req, state, timeoutMillis, false, false);
        }

        /**
         * {@code {shutdown, Req}}: no upgrade; 400 unless the handler replied.
         *
         * @param <S> the handler's state type
         * @param req the Req (its reply, if any, is sent)
         * @return a refusal
         */
        public static <S> Init1<S> shutdown(Req1 req) {
            return new Init1<>(req, null, null, false, true);
        }

        /**
         * The same with the hibernate flag set.
         *
         * @return a copy with {@code hibernate} true
         */
        public Init1<S> andHibernate() {
            return new Init1<>(req, state, timeoutMillis, true, shutdown);
        }
    }

    /**
     * What {@code websocket_handle/3} and {@code websocket_info/3} return.
     *
     * @param <S> the handler's state type
     * @param req the Req
     * @param state the new state
     * @param frames the frames to send, in order
     * @param hibernate the hibernate flag (no effect on the JVM)
     * @param shutdown true for {@code {shutdown, Req, State}}
     */
    record Result1<S>(Req1 req, S state, java.util.List<Frame> frames, boolean hibernate, boolean shutdown) {
        /**
         * The frames are copied.
         *
         */
        public Result1 {
            frames = java.util.List.copyOf(frames);
        }

        /**
         * {@code {ok, Req, State}}.
         *
         * @param <S> the handler's state type
         * @param req the Req
         * @param state the new state
         * @return nothing to send
         */
        public static <S> Result1<S> ok(Req1 req, S state) {
            return new Result1<>(req, state, java.util.List.of(), false, false);
        }

        /**
         * {@code {reply, Frames, Req, State}}.
         *
         * @param <S> the handler's state type
         * @param req the Req
         * @param state the new state
         * @param frames the frames to send
         * @return those frames
         */
        public static <S> Result1<S> reply(Req1 req, S state, Frame... frames) {
            return new Result1<>(req, state, java.util.List.of(frames), false, false);
        }

        /**
         * {@code {shutdown, Req, State}}: close 1000, {@code {normal, shutdown}}.
         *
         * @param <S> the handler's state type
         * @param req the Req
         * @param state the last state
         * @return a shutdown
         */
        public static <S> Result1<S> shutdown(Req1 req, S state) {
            return new Result1<>(req, state, java.util.List.of(), false, true);
        }

        /**
         * The same with the hibernate flag set.
         *
         * @return a copy with {@code hibernate} true
         */
        public Result1<S> andHibernate() {
            return new Result1<>(req, state, frames, true, shutdown);
        }
    }
}
