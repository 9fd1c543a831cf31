%% A Cowboy 1.x handler, unmodified from what runs under Cowboy 1.1.
-module(ws_script_v1).
-export([init/3, websocket_init/3, websocket_handle/3, websocket_info/3, websocket_terminate/3]).

init({_Transport, http}, _Req, _Opts) ->
    {upgrade, protocol, cowboy_websocket}.

websocket_init(_TransportName, Req, _Opts) ->
    {Id, Req2} = cowboy_req:qs_val(<<"id">>, Req),
    {Version, Req3} = cowboy_req:meta(websocket_version, Req2),
    corral_test_recorder:record(Id, {websocket_init, self(), Version}),
    case cowboy_req:qs_val(<<"shutdown">>, Req3) of
        {undefined, Req4} ->
            self() ! from_websocket_init,
            {ok, Req4, Id};
        {_, Req4} ->
            {shutdown, Req4}
    end.

websocket_handle({text, <<"shutdown">>}, Req, Id) ->
    {shutdown, Req, Id};
websocket_handle({text, <<"crash">>}, _Req, _Id) ->
    error(crash_in_handle);
websocket_handle(Frame = {text, T}, Req, Id) ->
    corral_test_recorder:record(Id, {handle, Frame}),
    {reply, {text, T}, Req, Id};
websocket_handle(Frame, Req, Id) ->
    corral_test_recorder:record(Id, {handle, Frame}),
    {ok, Req, Id}.

websocket_info(Msg, Req, Id) ->
    {reply, {text, iolist_to_binary(io_lib:format("info ~p", [Msg]))}, Req, Id}.

websocket_terminate(Reason, _Req, Id) ->
    corral_test_recorder:record(Id, {terminate, Reason}),
    ok.
