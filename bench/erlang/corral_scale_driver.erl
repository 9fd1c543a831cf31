%% The scale benchmark's Erlang side (bench/scale.sh, io.corral.bench.ScaleBenchmark).
%%   erl -sname scale_driver -setcookie C -noshell -pa bench/erlang/ebin -run corral_scale_driver main JavaNode
%% Reads commands on stdin, one per line, answers on stdout:
%%   pids    -> PIDS N Millis Bytes          gen_server:call({corral, JavaNode}, connections, 60000); keeps the pids
%%   count   -> COUNT Active            the listener's active_connections (gen_server:call ... listeners)
%%   send R  -> SENT R T0 T1            this process sends {bcast, R} to every pid kept by `pids`; T0/T1: wall clock
%%                                      (os:system_time(microsecond)) just before the first and after the last send
%%   quit    -> halts
%% Any failure prints ERROR Reason and carries on.
-module(corral_scale_driver).
-export([main/1]).

main([JavaNode]) ->
    loop(list_to_atom(JavaNode), []).

loop(Node, Pids) ->
    case io:get_line("") of
        eof -> halt(0);
        {error, _} -> halt(1);
        Line ->
            NewPids = try command(string:lexemes(string:trim(Line), " "), Node, Pids)
                      catch C:R -> say("ERROR ~p:~0p", [C, R]), Pids
                      end,
            loop(Node, NewPids)
    end.

command(["pids"], Node, _) ->
    T0 = erlang:monotonic_time(millisecond),
    Conns = gen_server:call({corral, Node}, connections, 60000),
    Ps = [P || #{pid := P} <- Conns, is_pid(P)],
    Ms = erlang:monotonic_time(millisecond) - T0,
    say("PIDS ~b ~b ~b", [length(Ps), Ms, byte_size(term_to_binary(Conns))]),
    Ps;
command(["count"], Node, Pids) ->
    Ls = gen_server:call({corral, Node}, listeners, 60000),
    say("COUNT ~b", [lists:sum([A || #{active_connections := A} <- Ls])]),
    Pids;
command(["send", R], _Node, Pids) ->
    Msg = {bcast, list_to_integer(R)},
    T0 = os:system_time(microsecond),
    send_all(Pids, Msg),
    T1 = os:system_time(microsecond),
    say("SENT ~s ~b ~b", [R, T0, T1]),
    Pids;
command(["quit"], _Node, _Pids) ->
    halt(0);
command(Other, _Node, Pids) ->
    say("ERROR unknown command ~p", [Other]),
    Pids.

send_all([], _) -> ok;
send_all([P | Ps], Msg) -> P ! Msg, send_all(Ps, Msg).

say(Fmt, Args) ->
    io:format(Fmt ++ "~n", Args).
