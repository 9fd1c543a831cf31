%% The Cowboy side of the cluster broadcast benchmark: a plain Cowboy 2.x handler that joins pg group `bench`
%% (default scope) in websocket_init, tells {bcast_driver, Notify} it did, and answers {bcast, R} with "bcast R".
-module(corral_bench_group_h).
-export([init/2, websocket_init/1, websocket_handle/2, websocket_info/2]).

init(Req, Opts) ->
    {cowboy_websocket, Req, Opts, #{idle_timeout => infinity}}.

websocket_init(State = #{notify := Node}) ->
    ok = pg:join(bench, self()),
    {bcast_driver, Node} ! joined,
    {[], State}.

websocket_handle(_, State) ->
    {[], State}.

websocket_info({bcast, R}, State) ->
    {[{text, <<"bcast ", (integer_to_binary(R))/binary>>}], State};
websocket_info(_, State) ->
    {[], State}.
