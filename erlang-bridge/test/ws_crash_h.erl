%% Test handler (2.x): crashes in the callback named by the route option `crash_in`.
-module(ws_crash_h).
-export([init/2, websocket_init/1, websocket_handle/2, websocket_info/2, terminate/3]).

init(Req, Opts = #{crash_in := init}) -> _ = {Req, Opts}, erlang:error(init_boom);
init(Req, Opts) -> {cowboy_websocket, Req, Opts}.

websocket_init(#{crash_in := websocket_init}) -> exit(websocket_init_boom);
websocket_init(S) -> {[], S}.

websocket_handle(_, #{crash_in := websocket_handle}) -> erlang:error(handle_boom);
websocket_handle(_, S) -> {[], S}.

websocket_info(_, #{crash_in := websocket_info}) -> throw(info_boom);
websocket_info(_, S) -> {[], S}.

terminate(Reason, _Req, #{test := T}) ->
    T ! {corral_test, terminate, Reason},
    ok.
