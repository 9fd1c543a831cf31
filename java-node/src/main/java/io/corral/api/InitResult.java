package io.corral.api;

import java.util.Map;

/** What {@code init} decides: upgrade, or stay a plain HTTP handler (Cowboy's {@code {ok, Req, State}}). */
public sealed interface InitResult<S> permits InitResult.Upgrade, InitResult.NoUpgrade {

    /**
     * {@code {cowboy_websocket, Req, State, Opts}}; {@code options} null means {@code {cowboy_websocket, Req, State}}:
     * the defaults of the Cowboy version the route reproduces.
     */
    record Upgrade<S>(S state, HandlerOptions options) implements InitResult<S> {}

    /**
     * {@code {ok, Req, State}}, after {@code cowboy_req:reply(Status, Headers, Body, Req)} when {@code status} is
     * not null; Cowboy answers 204 when nothing was replied. {@code terminate(normal, ...)} runs afterwards.
     */
    record NoUpgrade<S>(S state, Integer status, Map<String, String> headers, byte[] body) implements InitResult<S> {}

    static <S> InitResult<S> upgrade(S state) {
        return new Upgrade<>(state, null);
    }

    static <S> InitResult<S> upgrade(S state, HandlerOptions options) {
        return new Upgrade<>(state, options);
    }

    /** Refuse with a status and no body. */
    static <S> InitResult<S> refuse(S state, int status) {
        return new NoUpgrade<>(state, status, Map.of(), Frame.EMPTY);
    }

    static <S> InitResult<S> reply(S state, int status, Map<String, String> headers, byte[] body) {
        return new NoUpgrade<>(state, status, Map.copyOf(headers), body);
    }

    /** {@code {ok, Req, State}} with no reply: 204. */
    static <S> InitResult<S> noReply(S state) {
        return new NoUpgrade<>(state, null, Map.of(), Frame.EMPTY);
    }
}
