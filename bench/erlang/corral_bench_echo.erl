%% The Erlang target of bench/run.sh: a plain Cowboy 2.x websocket handler that echoes text and binary frames.
%% Served by `corral serve --routes R --pa bench/erlang/ebin` with the route {"/echo", corral_bench_echo, []}.
-module(corral_bench_echo).

-export([init/2, websocket_handle/2, websocket_info/2]).

-spec init(map(), term()) -> {cowboy_websocket, map(), term()}.
init(Req, State) ->
    {cowboy_websocket, Req, State}.

-spec websocket_handle(term(), term()) -> {list(), term()}.
websocket_handle({text, T}, State) ->
    {[{text, T}], State};
websocket_handle({binary, B}, State) ->
    {[{binary, B}], State};
websocket_handle(_Frame, State) ->
    {[], State}.

-spec websocket_info(term(), term()) -> {list(), term()}.
websocket_info(_Info, State) ->
    {[], State}.
