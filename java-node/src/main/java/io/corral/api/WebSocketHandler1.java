package io.corral.api;

/**
 * A Java WebSocket handler in the Cowboy 1.x shape ({@code cowboy_websocket_handler}), so a 1.x module can be
 * ported line by line before it moves to {@link WebSocketHandler}. The Req is passed to and returned by every
 * callback. {@code websocketInit} runs before the 101 in the connection's own process ({@code self} is valid there
 * and stays valid); it may refuse with {@link Init1#shutdown}. Terminate reasons are 1.x's terms:
 * {@code {normal, shutdown}}, {@code {normal, timeout}}, {@code {remote, closed}}, {@code {remote, Code, Payload}},
 * {@code {error, badframe|badencoding|closed|Reason}}, {@code {error, handler}}.
 */
public interface WebSocketHandler1<S> {

    /** {@code websocket_init/3}. An exception here answers HTTP 500. */
    Init1<S> websocketInit(Req1 req, Term options, Connection self) throws Exception;

    /** {@code websocket_handle/3}. An empty ping arrives as a ping with an empty payload ({@code {ping, <<>>}}). */
    Result1<S> websocketHandle(Frame frame, Req1 req, S state) throws Exception;

    /** {@code websocket_info/3}. */
    Result1<S> websocketInfo(Term message, Req1 req, S state) throws Exception;

    /** {@code websocket_terminate/3}: always called once the session ran (not after a refusal). */
    void websocketTerminate(Term reason, Req1 req, S state) throws Exception;

    /** What {@code websocket_init/3} returns. {@code timeoutMillis} null means {@code infinity}. */
    record Init1<S>(Req1 req, S state, Long timeoutMillis, boolean hibernate, boolean shutdown) {
        public static <S> Init1<S> ok(Req1 req, S state) {
            return new Init1<>(req, state, null, false, false);
        }

        public static <S> Init1<S> ok(Req1 req, S state, long timeoutMillis) {
            return new Init1<>(req, state, timeoutMillis, false, false);
        }

        /** {@code {shutdown, Req}}: no upgrade; 400 unless the handler replied. */
        public static <S> Init1<S> shutdown(Req1 req) {
            return new Init1<>(req, null, null, false, true);
        }

        public Init1<S> andHibernate() {
            return new Init1<>(req, state, timeoutMillis, true, shutdown);
        }
    }

    /** What {@code websocket_handle/3} and {@code websocket_info/3} return. */
    record Result1<S>(Req1 req, S state, java.util.List<Frame> frames, boolean hibernate, boolean shutdown) {
        public Result1 {
            frames = java.util.List.copyOf(frames);
        }

        public static <S> Result1<S> ok(Req1 req, S state) {
            return new Result1<>(req, state, java.util.List.of(), false, false);
        }

        public static <S> Result1<S> reply(Req1 req, S state, Frame... frames) {
            return new Result1<>(req, state, java.util.List.of(frames), false, false);
        }

        /** {@code {shutdown, Req, State}}: close 1000, {@code {normal, shutdown}}. */
        public static <S> Result1<S> shutdown(Req1 req, S state) {
            return new Result1<>(req, state, java.util.List.of(), false, true);
        }

        public Result1<S> andHibernate() {
            return new Result1<>(req, state, frames, true, shutdown);
        }
    }
}
