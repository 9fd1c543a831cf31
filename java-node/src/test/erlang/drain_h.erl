%% A Cowboy 2.x handler for the drain test: echoes text, and appends the reason terminate/3 got to the file named
%% in its options, so a test can read what a draining server gave it.
-module(drain_h).
-export([init/2, websocket_handle/2, websocket_info/2, terminate/3]).

init(Req, Opts) ->
    {cowboy_websocket, Req, Opts}.

websocket_handle({text, T}, Opts) -> {[{text, T}], Opts};
websocket_handle(_, Opts) -> {[], Opts}.

websocket_info(_, Opts) -> {[], Opts}.

terminate(Reason, _PartialReq, Opts) ->
    File = proplists:get_value(file, Opts),
    ok = file:write_file(File, io_lib:format("~p~n", [Reason]), [append]),
    ok.
