%% The log route for 2.x servers (2.0 tuple returns, so it runs on every 2.x): upgrades, sends the events
%% recorded for ?id= as text frames, then closes with 1000.
-module(compat_log).
-export([init/2, websocket_init/1, websocket_handle/2, websocket_info/2]).

init(Req, _Opts) ->
    {cowboy_websocket, Req, compat_script:qs(<<"id">>, cowboy_req:parse_qs(Req))}.

websocket_init(Id) ->
    {reply, [{text, E} || E <- compat_recorder:events(Id)] ++ [{close, 1000, <<>>}], Id}.

websocket_handle(_Frame, Id) -> {ok, Id}.

websocket_info(_Msg, Id) -> {ok, Id}.
