%% The cluster broadcast benchmark's Erlang side (bench/cluster-broadcast.sh, io.corral.bench.ClusterBroadcastBenchmark).
%% Runs on the node whose pg (default scope) holds group `bench`: an erlang-bridge node for the Corral target, the
%% Cowboy node for the Cowboy target. Every member joins `bench` in websocket_init and then sends `joined` to the
%% registered process bcast_driver (this one). Commands on stdin, answers on stdout:
%%   cowboy Port -> COWBOY Port         starts a Cowboy 2.x listener here: /bcast is corral_bench_group_h
%%   joined      -> JOINED N            how many `joined` notices arrived so far
%%   members     -> MEMBERS N           length(pg:get_members(bench)) (relays count once per JVM)
%%   send R      -> SENT R T0 T1 N      one process sends {bcast, R} to every member; T0/T1: os:system_time(microsecond)
%%                                      just before the first and after the last send; N: the members sent to
%%   quit        -> halts
-module(corral_bcast_driver).
-export([main/0]).

main() ->
    register(bcast_driver, self()),
    Reader = self(),
    spawn_link(fun() -> read(Reader) end),
    loop(0).

read(To) ->
    case io:get_line("") of
        eof -> halt(0);
        {error, _} -> halt(1);
        Line -> To ! {line, string:lexemes(string:trim(Line), " ")}, read(To)
    end.

loop(Joined) ->
    receive
        joined -> loop(Joined + 1);
        {line, Cmd} ->
            try command(Cmd, Joined) catch C:R -> say("ERROR ~p:~0p", [C, R]) end,
            loop(Joined)
    end.

command(["cowboy", P], _) ->
    {ok, _} = application:ensure_all_started(cowboy),
    Dispatch = cowboy_router:compile([{'_', [{"/bcast", corral_bench_group_h, #{notify => node()}}]}]),
    {ok, _} = cowboy:start_clear(bcast, [{port, list_to_integer(P)}, {backlog, 1024}],
                                 #{env => #{dispatch => Dispatch}, max_connections => infinity}),
    say("COWBOY ~s", [P]);
command(["joined"], Joined) ->
    say("JOINED ~b", [Joined]);
command(["members"], _) ->
    say("MEMBERS ~b", [length(pg:get_members(bench))]);
command(["send", R], _) ->
    Msg = {bcast, list_to_integer(R)},
    Members = pg:get_members(bench),
    T0 = os:system_time(microsecond),
    [P ! Msg || P <- Members],
    T1 = os:system_time(microsecond),
    say("SENT ~s ~b ~b ~b", [R, T0, T1, length(Members)]);
command(["quit"], _) ->
    halt(0);
command(Other, _) ->
    say("ERROR unknown command ~p", [Other]).

say(Fmt, Args) ->
    io:format(Fmt ++ "~n", Args).
