%% A Cowboy 2.0-2.4 handler: tuple returns only (ok / reply / stop, with hibernate).
-module(ws_tuple).
-export([init/2, websocket_init/1, websocket_handle/2, websocket_info/2, terminate/3]).

init(Req, _Opts) ->
    Qs = maps:from_list(cowboy_req:parse_qs(Req)),
    {cowboy_websocket, Req, maps:get(<<"id">>, Qs, undefined)}.

websocket_init(Id) ->
    corral_test_recorder:record(Id, {websocket_init, self()}),
    {reply, {text, <<"hello from websocket_init">>}, Id}.

websocket_handle({text, <<"stop">>}, Id) ->
    {stop, Id};
websocket_handle({text, <<"many">>}, Id) ->
    {reply, [{text, <<"one">>}, {text, <<"two">>}], Id, hibernate};
websocket_handle({text, T}, Id) ->
    {reply, {text, T}, Id};
websocket_handle(_, Id) ->
    {ok, Id}.

websocket_info(Msg, Id) ->
    {reply, {text, iolist_to_binary(io_lib:format("info ~p", [Msg]))}, Id}.

terminate(Reason, _Req, Id) ->
    corral_test_recorder:record(Id, {terminate, Reason}),
    ok.
