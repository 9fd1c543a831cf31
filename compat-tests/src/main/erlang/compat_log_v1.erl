%% The log route for 1.x servers: websocket_init/3 runs before the 101, so the events go out from
%% websocket_info/3 on a message to self, followed by a close 1000.
-module(compat_log_v1).
-export([init/3, websocket_init/3, websocket_handle/3, websocket_info/3, websocket_terminate/3]).

init({_Transport, http}, _Req, _Opts) ->
    {upgrade, protocol, cowboy_websocket}.

websocket_init(_TransportName, Req, _Opts) ->
    {Id, Req2} = cowboy_req:qs_val(<<"id">>, Req),
    self() ! send_log,
    {ok, Req2, Id}.

websocket_handle(_Frame, Req, Id) -> {ok, Req, Id}.

websocket_info(send_log, Req, Id) ->
    {reply, [{text, E} || E <- compat_recorder:events(Id)] ++ [{close, 1000, <<>>}], Req, Id};
websocket_info(_Msg, Req, Id) -> {ok, Req, Id}.

websocket_terminate(_Reason, _Req, _Id) -> ok.
