%% Test driver for io.corral.fromerlang: reads one Erlang expression per line on standard input, evaluates it and
%% prints "<<< " and the value (or "<<! " and the error) on one line. The tests drive a node through its stdin, so
%% they can drive a node that is not distributed, as a plain `erl` running a Cowboy application often is.
-module(corral_test_shell).
-export([start/0]).

start() ->
    spawn(fun loop/0),
    ok.

loop() ->
    case io:get_line(standard_io, "") of
        eof -> erlang:halt(0);
        {error, _} -> erlang:halt(0);
        Line ->
            io:put_chars(standard_io, [reply(string:trim(Line)), $\n]),
            loop()
    end.

reply(Src) ->
    try
        {ok, Toks, _} = erl_scan:string(Src),
        {ok, Exprs} = erl_parse:parse_exprs(Toks),
        {value, V, _} = erl_eval:exprs(Exprs, erl_eval:new_bindings()),
        ["<<< ", io_lib:format("~0tp", [V])]
    catch C:E:St ->
        ["<<! ", io_lib:format("~0tp", [{C, E, lists:sublist(St, 2)}])]
    end.
