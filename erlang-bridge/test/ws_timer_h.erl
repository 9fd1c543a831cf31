%% Test handler (2.x): starts a timer in websocket_init; the timeout message comes back to websocket_info in the
%% same process, which is only true when websocket_init runs in the session's process (docs/contract/callbacks.md).
-module(ws_timer_h).
-export([init/2, websocket_init/1, websocket_info/2, websocket_handle/2]).

init(Req, Opts) -> {cowboy_websocket, Req, Opts}.

websocket_init(S) ->
    erlang:start_timer(10, self(), tick),
    {[], S}.

websocket_handle(Frame, S) -> {[Frame], S}.

websocket_info({timeout, _Ref, tick}, S) -> {[{text, <<"tick">>}], S}.
