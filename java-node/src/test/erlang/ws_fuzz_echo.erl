%% The frame fuzzer's Erlang route with permessage-deflate: echoes text and binary, as demo_echo does, with
%% compression on and a 1 MiB frame limit (Cowboy 2.x handler options), so compressed and oversized frames reach the
%% Erlang side's paths too.
-module(ws_fuzz_echo).
-export([init/2, websocket_handle/2, websocket_info/2]).

init(Req, State) ->
    {cowboy_websocket, Req, State, #{compress => true, max_frame_size => 1048576}}.

websocket_handle({text, _} = Frame, State) ->
    {[Frame], State};
websocket_handle({binary, _} = Frame, State) ->
    {[Frame], State};
websocket_handle(_Frame, State) ->
    {[], State}.

websocket_info(_Info, State) ->
    {[], State}.
