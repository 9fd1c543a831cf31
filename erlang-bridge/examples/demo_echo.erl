%% A Cowboy 2.x websocket handler, exactly as it would run under Cowboy: echoes text and binary frames.
-module(demo_echo).
-export([init/2, websocket_init/1, websocket_handle/2, websocket_info/2]).

init(Req, State) ->
    {cowboy_websocket, Req, State}.

websocket_init(State) ->
    {[], State}.

websocket_handle({text, _} = Frame, State) ->
    {[Frame], State};
websocket_handle({binary, _} = Frame, State) ->
    {[Frame], State};
websocket_handle(_Frame, State) ->
    {[], State}.

websocket_info(_Info, State) ->
    {[], State}.
