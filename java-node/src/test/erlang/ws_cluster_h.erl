%% A Cowboy 2.x handler for the cluster tests: says which node serves it, echoes text, joins and leaves pg groups
%% of the default scope on request, and relays {broadcast, Bin} messages to its client.
-module(ws_cluster_h).
-export([init/2, websocket_init/1, websocket_handle/2, websocket_info/2]).

init(Req, Opts) ->
    %% ?slow_init: a decision that takes its time, for a client that leaves before it.
    cowboy_req:qs(Req) =:= <<"slow_init">> andalso timer:sleep(1500),
    {cowboy_websocket, Req, Opts}.

websocket_init(State) ->
    {[{text, <<"node:", (atom_to_binary(node()))/binary>>}], State}.

websocket_handle({text, <<"join:", G/binary>>}, State) ->
    ok = pg:join(binary_to_atom(G), self()),
    {[{text, <<"joined:", G/binary>>}], State};
websocket_handle({text, <<"leave:", G/binary>>}, State) ->
    ok = pg:leave(binary_to_atom(G), self()),
    {[{text, <<"left:", G/binary>>}], State};
websocket_handle({text, T}, State) ->
    {[{text, T}], State};
websocket_handle(_, State) ->
    {[], State}.

websocket_info({broadcast, B}, State) ->
    {[{text, B}], State};
websocket_info(_, State) ->
    {[], State}.
