%% A Cowboy 2.x handler that says where it runs: its first frame is its node's name; text is echoed.
-module(where_h).
-export([init/2, websocket_init/1, websocket_handle/2, websocket_info/2]).

init(Req, Opts) ->
    {cowboy_websocket, Req, Opts}.

websocket_init(State) ->
    {[{text, atom_to_binary(node())}], State}.

websocket_handle({text, Text}, State) ->
    {[{text, Text}], State};
websocket_handle(_Frame, State) ->
    {[], State}.

websocket_info(_Info, State) ->
    {[], State}.
