%% corral_bridge_server over a real distribution connection: a peer node stands for a Corral JVM (the bridge only
%% looks at the node of the subscribing pid), this node runs the bridge.
-module(corral_bridge_server_tests).

-include_lib("eunit/include/eunit.hrl").
-include("corral_contract.hrl").

-define(T, 5000).

subscribe_test_() ->
    {setup, fun start/0, fun stop/1,
     fun(Ctx) ->
         [{"a subscriber's distribution connection reads up to 64 KiB at a time",
           {timeout, 30, fun() -> subscribe_raises_the_read_buffer_of_the_subscribers_connection(Ctx) end}},
          {"a larger buffer the node was started with is kept",
           {timeout, 30, fun() -> subscribe_keeps_a_larger_read_buffer(Ctx) end}},
          {"a Java node going down terminates its connections' proxies with {error, closed}",
           {timeout, 60, fun java_node_down_terminates_its_proxies_with_error_closed/0}}]
     end}.

start() ->
    #{level := Level} = logger:get_primary_config(),
    ok = logger:set_primary_config(level, critical),
    %% A distributed node needs epmd; `erl -sname` would start it, net_kernel:start/2 does not.
    _ = os:cmd("epmd -daemon"),
    Started = case node() of
        nonode@nohost ->
            Name = list_to_atom("corral_bridge_server_tests_" ++ os:getpid()),
            {ok, _} = net_kernel:start(Name, #{name_domain => shortnames}),
            true;
        _ -> false
    end,
    {ok, Apps} = application:ensure_all_started(corral_bridge),
    %% The peer runs this module's subscriber process: it needs this module on its code path.
    {ok, Peer, PeerNode} = peer:start_link(#{name => peer:random_name(?MODULE),
                                             args => ["-pa", filename:dirname(code:which(?MODULE))]}),
    #{level => Level, started => Started, apps => Apps, peer => Peer, peer_node => PeerNode}.

stop(#{level := Level, started := Started, apps := Apps, peer := Peer}) ->
    peer:stop(Peer),
    [application:stop(A) || A <- lists:reverse(Apps)],
    case Started of
        true -> net_kernel:stop();
        false -> ok
    end,
    logger:set_primary_config(level, Level).

subscribe_raises_the_read_buffer_of_the_subscribers_connection(#{peer_node := PeerNode}) ->
    Port = dist_port(PeerNode),
    ok = inet:setopts(Port, [{buffer, 1460}]), % inet's default, what a fresh connection has
    Subscriber = subscribe_from(PeerNode),
    ?assertEqual({ok, [{buffer, 65536}]}, inet:getopts(Port, [buffer]),
                 "the bridge sets the read buffer when a JVM on that node subscribes"),
    %% The connection carries messages both ways after the change.
    ?assertEqual({ok, bridge_nodes}, ask(Subscriber), "the subscriber still answers over the connection").

subscribe_keeps_a_larger_read_buffer(#{peer_node := PeerNode}) ->
    Port = dist_port(PeerNode),
    ok = inet:setopts(Port, [{buffer, 262144}]),
    _ = subscribe_from(PeerNode),
    ?assertEqual({ok, [{buffer, 262144}]}, inet:getopts(Port, [buffer]),
                 "a buffer set larger (inet_dist_listen_options) is not lowered").

dist_port(Node) ->
    {Node, Port} = lists:keyfind(Node, 1, erlang:system_info(dist_ctrl)),
    true = is_port(Port),
    Port.

%% A process on the peer node that subscribes to this node's corral_bridge and keeps what it gets.
subscribe_from(PeerNode) ->
    Bridge = {?CORRAL_SERVER, node()},
    Pid = spawn(PeerNode, fun() ->
        Bridge ! ?CORRAL_SUBSCRIBE(self()),
        keep([])
    end),
    %% The bridge answers a subscription after setting the buffer: once the answer is there, the setting is done.
    {ok, bridge_nodes} = ask(Pid),
    Pid.

keep(Got) ->
    receive
        {ask, From} -> From ! {got, Got}, keep(Got);
        M -> keep([M | Got])
    end.

%% What the subscriber got, once the bridge's answer to its subscription is there.
ask(Pid) ->
    ask(Pid, erlang:monotonic_time(millisecond) + ?T).

ask(Pid, Deadline) ->
    Pid ! {ask, self()},
    receive
        {got, Got} ->
            case [N || ?CORRAL_BRIDGE_NODES(_, N) <- Got] of
                [_ | _] -> {ok, bridge_nodes};
                [] ->
                    case erlang:monotonic_time(millisecond) < Deadline of
                        true -> timer:sleep(10), ask(Pid, Deadline);
                        false -> {error, no_bridge_nodes}
                    end
            end
    after ?T -> {error, no_answer}
    end.

%% Nothing links a connection's pid to its proxy: corral_bridge monitors the Java node (erlang:monitor_node/2) and
%% tells the proxies of its connections when it goes down, which then terminate as when Cowboy's socket closes.
java_node_down_terminates_its_proxies_with_error_closed() ->
    Test = self(),
    {ok, Peer, Node} = peer:start_link(#{name => peer:random_name(?MODULE),
                                         args => ["-pa", filename:dirname(code:which(?MODULE))]}),
    Bridge = {?CORRAL_SERVER, node()},
    Req = #{method => <<"GET">>, version => 'HTTP/1.1', scheme => <<"http">>, host => <<"localhost">>, port => 8080,
            path => <<"/ws">>, qs => <<>>, headers => #{}, peer => {{127, 0, 0, 1}, 40000},
            sock => {{127, 0, 0, 1}, 8080}, bindings => #{}, path_info => undefined, host_info => undefined,
            websocket_version => 13, websocket_compress => false},
    _ = spawn(Node, fun() ->
        Bridge ! ?CORRAL_OPEN(self(), #{module => ws_echo_h, opts => #{test => Test}, req => Req,
                                         websocket_init => at_once}),
        receive ?CORRAL_INIT_RESULT(P, _) -> Test ! {proxy, P} end,
        receive after infinity -> ok end
    end),
    Proxy = receive {proxy, P} -> P after ?T -> error(no_proxy) end,
    MRef = erlang:monitor(process, Proxy),
    receive {corral_test, websocket_init, Proxy} -> ok after ?T -> error(no_websocket_init) end,
    erlang:monitor_node(Node, true),
    peer:stop(Peer),
    receive {nodedown, Node} -> ok after ?T -> error(no_nodedown) end,
    receive {corral_test, terminate, {Reason, _}} -> ?assertEqual({error, closed}, Reason)
    after ?T -> error(no_terminate)
    end,
    receive {'DOWN', MRef, process, Proxy, Why} -> ?assertEqual(normal, Why) after ?T -> error(proxy_alive) end.
