%% What the erlang-bridge proxy itself spends per echoed frame, without the distribution or a JVM: a proxy of
%% corral_bench_echo opened through corral_bridge as java-node opens one, this process standing for the connection,
%% one 32-byte text frame at a time. Prints the proxy's reductions per frame (the same on a busy machine) and the round
%% trip (not). bench/README.md section 7.
%% From the repository, once bench/run.sh has compiled corral_bench_echo into bench/erlang/ebin:
%%   erlc -o bench/erlang/ebin bench/erlang/corral_bench_proxy.erl
%%   erl -noshell -pa erlang-bridge/ebin -pa bench/erlang/ebin -run corral_bench_proxy run [FRAMES]
-module(corral_bench_proxy).

-export([run/0, run/1]).

run() -> run([]).

run(Args) ->
    N = case Args of
        [A | _] -> list_to_integer(A);
        [] -> 200000
    end,
    {ok, _} = application:ensure_all_started(corral_bridge),
    Req = #{method => <<"GET">>, version => 'HTTP/1.1', scheme => <<"http">>, host => <<"localhost">>, port => 8080,
            path => <<"/echo">>, qs => <<>>, headers => #{<<"sec-websocket-version">> => <<"13">>},
            peer => {{127, 0, 0, 1}, 40000}, sock => {{127, 0, 0, 1}, 8080}, bindings => #{},
            path_info => undefined, host_info => undefined, websocket_version => 13, websocket_compress => false},
    corral_bridge ! {'$corral', 3, open, self(), #{module => corral_bench_echo, opts => [], req => Req,
                                                   profile => '2.latest'}},
    Proxy = receive {'$corral', 3, init_result, P, {upgrade, _, _}} -> P after 5000 -> exit(no_upgrade) end,
    Proxy ! {'$corral', 3, events, [websocket_init]},
    receive {'$corral', 3, replies, Proxy, _} -> ok after 5000 -> exit(no_websocket_init_answer) end,
    Payload = binary:copy(<<"x">>, 32),
    echo(Proxy, Payload, 10000), % warm-up
    {reductions, R0} = process_info(Proxy, reductions),
    T0 = erlang:monotonic_time(),
    echo(Proxy, Payload, N),
    T1 = erlang:monotonic_time(),
    {reductions, R1} = process_info(Proxy, reductions),
    io:format("proxy: ~.1f reductions per frame, round trip ~.2f us (~b frames)~n",
              [(R1 - R0) / N, erlang:convert_time_unit(T1 - T0, native, nanosecond) / N / 1000, N]),
    halt().

echo(_, _, 0) ->
    ok;
echo(Proxy, Payload, N) ->
    Proxy ! {'$corral', 3, events, [{frame, {text, Payload}}]},
    receive {'$corral', 3, replies, Proxy, [[{text, Payload}]]} -> ok after 5000 -> exit(no_echo) end,
    echo(Proxy, Payload, N - 1).
