package io.corral.api;

import java.util.Map;

/**
 * What {@code init} decides: upgrade, or stay a plain HTTP handler (Cowboy's {@code {ok, Req, State}}).
 *
 * @param <S> the handler's state type
 */
public sealed interface InitResult<S> permits InitResult.Upgrade, InitResult.NoUpgrade {

    /**
     * {@code {cowboy_websocket, Req, State, Opts}}; {@code options} null means {@code {cowboy_websocket, Req, State}}:
     * the defaults of the Cowboy version the route reproduces.
     *
     * @param <S> the handler's state type
     * @param state the state the websocket callbacks start with
     * @param options the handler options, or null for the defaults
     */
    record Upgrade<S>(S state, HandlerOptions options) implements InitResult<S> {}

    /**
     * {@code {ok, Req, State}}, after {@code cowboy_req:reply(Status, Headers, Body, Req)} when {@code status} is
     * not null; Cowboy answers 204 when nothing was replied. {@code terminate(normal, ...)} runs afterwards.
     *
     * @param <S> the handler's state type
     * @param state the state {@code terminate} gets
     * @param status the reply's HTTP status, or null for no reply (204)
     * @param headers the reply's headers
     * @param body the reply's body
     */
    record NoUpgrade<S>(S state, Integer status, Map<String, String> headers, byte[] body) implements InitResult<S> {}

    /**
     * {@code {cowboy_websocket, Req, State}}.
     *
     * @param <S> the handler's state type
     * @param state the state the websocket callbacks start with
     * @return an upgrade with the default options
     */
    static <S> InitResult<S> upgrade(S state) {
        return new Upgrade<>(state, null);
    }

    /**
     * {@code {cowboy_websocket, Req, State, Opts}}.
     *
     * @param <S> the handler's state type
     * @param state the state the websocket callbacks start with
     * @param options the handler options
     * @return an upgrade with those options
     */
    static <S> InitResult<S> upgrade(S state, HandlerOptions options) {
        return new Upgrade<>(state, options);
    }

    /**
     * Refuse with a status and no body.
     *
     * @param <S> the handler's state type
     * @param state the state {@code terminate} gets
     * @param status the HTTP status
     * @return no upgrade, with that reply
     */
    static <S> InitResult<S> refuse(S state, int status) {
        return new NoUpgrade<>(state, status, Map.of(), Frame.EMPTY);
    }

    /**
     * Refuse with a reply of its own: {@code cowboy_req:reply(Status, Headers, Body, Req)}, then {@code {ok, Req, State}}.
     *
     * @param <S> the handler's state type
     * @param state the state {@code terminate} gets
     * @param status the HTTP status
     * @param headers the reply's headers
     * @param body the reply's body
     * @return no upgrade, with that reply
     */
    static <S> InitResult<S> reply(S state, int status, Map<String, String> headers, byte[] body) {
        return new NoUpgrade<>(state, status, Map.copyOf(headers), body);
    }

    /**
     * {@code {ok, Req, State}} with no reply: 204.
     *
     * @param <S> the handler's state type
     * @param state the state {@code terminate} gets
     * @return no upgrade, no reply
     */
    static <S> InitResult<S> noReply(S state) {
        return new NoUpgrade<>(state, null, Map.of(), Frame.EMPTY);
    }
}
