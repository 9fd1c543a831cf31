%% The failover measurement's handler (io.corral.bench.FailoverTime): a plain Cowboy 2.x handler that says which node
%% serves it in websocket_init ("node:NAME") and echoes text.
-module(corral_bench_node_h).
-export([init/2, websocket_init/1, websocket_handle/2, websocket_info/2]).

init(Req, Opts) ->
    {cowboy_websocket, Req, Opts}.

websocket_init(State) ->
    {[{text, <<"node:", (atom_to_binary(node()))/binary>>}], State}.

websocket_handle({text, T}, State) ->
    {[{text, T}], State};
websocket_handle(_, State) ->
    {[], State}.

websocket_info(_, State) ->
    {[], State}.
