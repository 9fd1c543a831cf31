%% The `cowboy` target of bench/run.sh: native Cowboy 2.17 (built from ../shared/cowboy) serving the same echo
%% module as the corral-erlang target, corral_bench_echo, on /echo. Started by EchoBenchmark as
%%   erl -noshell -pa COWBOY/ebin COWLIB/ebin RANCH/ebin bench/erlang/ebin -eval 'corral_bench_cowboy:start(Port)'
%% and stopped by killing the node.
-module(corral_bench_cowboy).

-export([start/1]).

-spec start(inet:port_number()) -> ok.
start(Port) ->
    case application:ensure_all_started(cowboy) of
        {ok, _} -> ok;
        {error, Why} -> fail({cowboy_not_started, Why})
    end,
    Dispatch = cowboy_router:compile([{'_', [{"/echo", corral_bench_echo, []}]}]),
    case cowboy:start_clear(bench_echo, [{ip, {127, 0, 0, 1}}, {port, Port}], #{env => #{dispatch => Dispatch}}) of
        {ok, _} ->
            io:format("cowboy ~s: listening on ws://127.0.0.1:~b/echo~n",
                      [element(3, lists:keyfind(cowboy, 1, application:which_applications())), Port]);
        {error, Why2} ->
            fail({listener_not_started, Why2})
    end.

fail(Why) ->
    io:format("ERROR ~p~n", [Why]),
    halt(1).
