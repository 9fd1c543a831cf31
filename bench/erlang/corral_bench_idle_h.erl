%% The Erlang route of the scale benchmark (bench/scale.sh --route erlang): a plain Cowboy 2.x handler that holds an
%% idle connection for ever (idle_timeout infinity: the connections are opened, then measured, well over Cowboy's
%% default 60 s) and answers {bcast, R} with the text frame "bcast R", as io.corral.bench.BroadcastReplyHandler does.
-module(corral_bench_idle_h).
-export([init/2, websocket_handle/2, websocket_info/2]).

init(Req, Opts) ->
    {cowboy_websocket, Req, Opts, #{idle_timeout => infinity}}.

websocket_handle(_, State) ->
    {[], State}.

websocket_info({bcast, R}, State) ->
    {[{text, <<"bcast ", (integer_to_binary(R))/binary>>}], State};
websocket_info(_, State) ->
    {[], State}.
