%% A Cowboy 2.x handler of the embedding application's own: echoes text, naming the node it ran on.
-module(embedded_echo).
-export([init/2, websocket_handle/2, websocket_info/2]).

init(Req, Opts) ->
    {cowboy_websocket, Req, Opts}.

websocket_handle({text, Text}, State) ->
    {[{text, <<Text/binary, " from ", (atom_to_binary(node()))/binary>>}], State};
websocket_handle(_Frame, State) ->
    {[], State}.

websocket_info(_Info, State) ->
    {[], State}.
