%% A Cowboy 1.x websocket handler, unmodified: init/3 upgrades, the Req is threaded through every callback.
-module(echo_v1).
-export([init/3, websocket_init/3, websocket_handle/3, websocket_info/3, websocket_terminate/3]).

init({_Transport, http}, _Req, _Opts) ->
    {upgrade, protocol, cowboy_websocket}.

websocket_init(_Transport, Req, _Opts) ->
    {ok, Req, undefined}.

websocket_handle({text, Text}, Req, State) ->
    {reply, {text, Text}, Req, State};
websocket_handle({binary, Bin}, Req, State) ->
    {reply, {binary, Bin}, Req, State};
websocket_handle(_Frame, Req, State) ->
    {ok, Req, State}.

websocket_info(_Info, Req, State) ->
    {ok, Req, State}.

websocket_terminate(_Reason, _Req, _State) ->
    ok.
