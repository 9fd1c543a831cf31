%% What an Erlang-route handshake costs erlang-bridge itself, without the distribution: the calling process plays
%% java-node's connection (it is ConnPid) and drives corral_bridge with the contract's messages only, as a JVM would
%% for one scenario-H cycle of bench/run.sh: open (with `websocket_init => at_once`), the decision (and
%% websocket_init's answer right behind it, for a module that has one), one 32 B text frame and its answer,
%% `terminate`, then the proxy's end (a local monitor here; java-node hears nothing of a normal end, CONTRACT.md
%% section 5). It prints the CPU
%% (erlang:statistics(runtime), the whole node) and the reductions per cycle; neither depends on what else the
%% machine runs. bench/README.md section 7.
%%
%%   erlc -I erlang-bridge/include -o bench/erlang/ebin bench/erlang/corral_bench_bridge_cost.erl bench/erlang/corral_bench_echo.erl
%%   taskset -c 0 erl -noshell +sbwt none +sbwtdcpu none +sbwtdio none -pa erlang-bridge/ebin \
%%       -pa erlang-bridge/compat-ebin -pa bench/erlang/ebin -eval 'corral_bench_bridge_cost:main(20000), halt().'
-module(corral_bench_bridge_cost).

-include("corral_contract.hrl").

-export([main/1]).

-define(TIMEOUT, 5000).

-spec main(pos_integer()) -> ok.
main(Cycles) ->
    {ok, _} = application:ensure_all_started(corral_bridge),
    repeat(2000), % warm-up: code loaded, the supervisor's tables grown
    {Reds0, _} = erlang:statistics(reductions),
    {Cpu0, _} = erlang:statistics(runtime),
    T0 = erlang:monotonic_time(microsecond),
    repeat(Cycles),
    T1 = erlang:monotonic_time(microsecond),
    {Cpu1, _} = erlang:statistics(runtime),
    {Reds1, _} = erlang:statistics(reductions),
    io:format("~p cycles: ~.1f us CPU, ~p reductions, ~.1f us wall per cycle~n",
              [Cycles, (Cpu1 - Cpu0) * 1000 / Cycles, (Reds1 - Reds0) div Cycles, (T1 - T0) / Cycles]).

repeat(0) -> ok;
repeat(N) -> cycle(), repeat(N - 1).

cycle() ->
    corral_bridge ! ?CORRAL_OPEN(self(), #{module => corral_bench_echo, opts => [], req => req(),
                                           profile => '2.latest', websocket_init => at_once}),
    {Proxy, Init} = receive ?CORRAL_INIT_RESULT(P, {upgrade, _, #{websocket_init := I}}) -> {P, I}
                    after ?TIMEOUT -> error(no_decision)
                    end,
    MRef = erlang:monitor(process, Proxy),
    %% corral_bench_echo has no websocket_init/1: `empty`, and no answer follows (CONTRACT.md section 2).
    Init =:= ran andalso receive ?CORRAL_REPLIES(Proxy, [[]]) -> ok
                         after ?TIMEOUT -> error(no_websocket_init_answer)
                         end,
    Payload = <<"0123456789abcdef0123456789abcdef">>,
    Proxy ! ?CORRAL_EVENTS([{frame, {text, Payload}}]),
    receive ?CORRAL_REPLIES(Proxy, [[{text, Payload}]]) -> ok
    after ?TIMEOUT -> error(no_echo)
    end,
    Proxy ! ?CORRAL_EVENTS([{terminate, remote}]),
    receive {'DOWN', MRef, process, Proxy, normal} -> ok
    after ?TIMEOUT -> error(no_exit)
    end.

%% The request java-node sends for `GET /echo` from HandshakeTool (BridgeContract.reqInfo).
req() ->
    #{method => <<"GET">>, version => 'HTTP/1.1', scheme => <<"http">>, host => <<"127.0.0.1">>, port => 8080,
      path => <<"/echo">>, qs => <<>>,
      headers => #{<<"host">> => <<"127.0.0.1:8080">>, <<"upgrade">> => <<"websocket">>,
                   <<"connection">> => <<"upgrade">>, <<"sec-websocket-key">> => <<"dGhlIHNhbXBsZSBub25jZQ==">>,
                   <<"sec-websocket-version">> => <<"13">>},
      peer => {{127, 0, 0, 1}, 40000}, sock => {{127, 0, 0, 1}, 8080}, bindings => #{}, path_info => undefined,
      host_info => undefined, websocket_version => 13, websocket_compress => false}.
