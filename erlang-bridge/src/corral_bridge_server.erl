%% The registered `corral_bridge` process: the entry point java-node talks to on every erlang-bridge node.
%% It answers `open` by starting a proxy under corral_bridge_proxy_sup (or by a crash decision when the handler
%% module cannot be used), and answers the `check_modules` and `ping` calls.
%%
%% It also keeps each connection's pid and its proxy aware of each other's end (CONTRACT.md section 5) without a
%% link between them: a link costs a message on the distribution connection to set up and one or two more when it
%% breaks, about a fifth of the CPU of a short connection's whole handshake on both nodes (bench/README.md section 7).
%% Here it costs a local monitor per proxy and a monitor_node per Java node. A proxy that exits other than normally
%% is reported to its ConnPid (`exit`); a Java node that goes down, or a ConnPid that ends without a terminate
%% event (`down`), is reported to its proxies. Should this server restart, it finds the running proxies again under
%% corral_bridge_proxy_sup (each keeps its ConnPid in its process dictionary).
%%
%% In the cluster (docs/cluster.md) it is this node's member of pg group ?CORRAL_BRIDGE_GROUP in scope
%% ?CORRAL_SCOPE; it tells subscribed JVMs the member nodes whenever pg reports a change (pg:monitor/2), lists the
%% JVMs subscribed to it (`jvms`), and starts group relays for JVMs (`{relay, ...}`).
-module(corral_bridge_server).
-behaviour(gen_server).

-include("corral_contract.hrl").

-export([start_link/0, check_module/1]).
-export([init/1, handle_call/3, handle_cast/2, handle_info/2]).

-spec start_link() -> {ok, pid()} | ignore | {error, term()}.
start_link() ->
    gen_server:start_link({local, ?CORRAL_SERVER}, ?MODULE, [], []).

%% @doc `ok` if Module is loaded or loadable and exports init/2 (2.x) or init/3 (1.x).
-spec check_module(module()) -> ok | {error, atom()}.
check_module(Module) when is_atom(Module) ->
    case code:ensure_loaded(Module) of
        {module, Module} ->
            case erlang:function_exported(Module, init, 2) orelse erlang:function_exported(Module, init, 3) of
                true -> ok;
                false -> {error, no_init}
            end;
        {error, Why} -> {error, Why}
    end;
check_module(_) ->
    {error, not_a_module}.

-record(state, {
    pg_ref :: reference(),
    %% Subscribed JVM processes and our monitor on each.
    subscribers = #{} :: #{pid() => reference()},
    %% The running proxies: our monitor on each -> its ConnPid, and each ConnPid -> its proxy.
    watched = #{} :: #{reference() => pid()},
    proxies = #{} :: #{pid() => pid()},
    %% The Java nodes whose connections have proxies here, each monitored once (erlang:monitor_node/2).
    java_nodes = #{} :: #{node() => true}
}).

-spec init([]) -> {ok, #state{}}.
init([]) ->
    ok = pg:join(?CORRAL_SCOPE, ?CORRAL_BRIDGE_GROUP, self()),
    {Ref, _} = pg:monitor(?CORRAL_SCOPE, ?CORRAL_BRIDGE_GROUP),
    {ok, rewatch(#state{pg_ref = Ref})}.

-spec handle_call(term(), gen_server:from(), #state{}) -> {reply, term(), #state{}}.
handle_call(ping, _From, S) ->
    {reply, {pong, ?CORRAL_VSN}, S};
handle_call({check_modules, Modules}, _From, S) when is_list(Modules) ->
    Missing = [{M, Why} || M <- Modules, {error, Why} <- [check_module(M)]],
    {reply, case Missing of [] -> ok; _ -> {error, Missing} end, S};
%% java-node asks this once at start for every module its routes name: which generation each is (from its
%% exports: init/3 is 1.x, init/2 is 2.x), or which cannot be loaded, so a bad route fails at start naming it.
handle_call({generations, Modules}, _From, S) when is_list(Modules) ->
    Checked = [{M, check_module(M)} || M <- Modules],
    Reply = case [{M, Why} || {M, {error, Why}} <- Checked] of
        [] -> {ok, [{M, generation(M)} || {M, ok} <- Checked]};
        Missing -> {error, Missing}
    end,
    {reply, Reply, S};
%% In a cluster java-node asks each handler node as it comes up which of its routes' modules it can run, and how:
%% a node that cannot load a module is not used for that module's routes.
handle_call({modules, Modules}, _From, S) when is_list(Modules) ->
    {reply, [{M, case check_module(M) of ok -> generation(M); Error -> Error end} || M <- Modules], S};
%% The nodes of the Corral JVMs subscribed here (corral_cluster:connections/0 asks every bridge).
handle_call(jvms, _From, S = #state{subscribers = Subs}) ->
    {reply, {ok, lists:usort([node(P) || P <- maps:keys(Subs)])}, S};
%% A JVM's group process asks for a relay standing in Scope/Group for that JVM's member connections.
handle_call({relay, Jvm, Scope, Group}, _From, S) when is_pid(Jvm), is_atom(Scope) ->
    Reply = case whereis(Scope) of
        undefined -> {error, {no_scope, Scope}}; % pg:join would fail: no scope process of that name runs here
        _ -> corral_bridge_relay_sup:start_relay(Jvm, Scope, Group)
    end,
    {reply, Reply, S};
%% How many proxies are alive: a draining java-node waits for its handlers' terminate to finish before it stops
%% the local node it started.
handle_call(proxies, _From, S) ->
    {reply, proplists:get_value(active, supervisor:count_children(corral_bridge_proxy_sup)), S};
handle_call(_Request, _From, S) ->
    {reply, {error, unknown_call}, S}.

-spec generation(module()) -> '1.x' | '2.x'.
generation(Module) ->
    case erlang:function_exported(Module, init, 3) of
        true -> '1.x';
        false -> '2.x'
    end.

-spec handle_cast(term(), #state{}) -> {noreply, #state{}}.
handle_cast(_Msg, S) ->
    {noreply, S}.

-spec handle_info(term(), #state{}) -> {noreply, #state{}}.
handle_info(?CORRAL_OPEN(ConnPid, Spec), S) when is_pid(ConnPid) ->
    case open(ConnPid, Spec) of
        {ok, Proxy} ->
            S2 = watch(ConnPid, Proxy, S),
            %% Watched now: the proxy may run the handler (and end) from here on.
            Proxy ! ?CORRAL_GO,
            {noreply, S2};
        {error, Reason} ->
            ConnPid ! ?CORRAL_INIT_RESULT(self(), {crash, error, Reason}),
            {noreply, S}
    end;
handle_info(?CORRAL_DOWN(ConnPid), S = #state{proxies = Proxies}) when is_pid(ConnPid) ->
    case Proxies of
        #{ConnPid := Proxy} -> Proxy ! ?CORRAL_DOWN(ConnPid);
        _ -> ok
    end,
    {noreply, S};
handle_info({nodedown, Node}, S = #state{proxies = Proxies, java_nodes = Nodes}) ->
    maps:foreach(fun(ConnPid, Proxy) when node(ConnPid) =:= Node -> Proxy ! ?CORRAL_DOWN(ConnPid);
                    (_, _) -> ok
                 end, Proxies),
    {noreply, S#state{java_nodes = maps:remove(Node, Nodes)}};
handle_info(?CORRAL_SUBSCRIBE(Pid), S = #state{subscribers = Subs}) when is_pid(Pid) ->
    tune_link(node(Pid)),
    Subs2 = case maps:is_key(Pid, Subs) of
        true -> Subs;
        false -> Subs#{Pid => erlang:monitor(process, Pid)}
    end,
    Pid ! ?CORRAL_BRIDGE_NODES(node(), bridge_nodes()),
    {noreply, S#state{subscribers = Subs2}};
handle_info({Ref, Change, ?CORRAL_BRIDGE_GROUP, _Pids}, S = #state{pg_ref = Ref, subscribers = Subs})
  when Change =:= join; Change =:= leave ->
    Nodes = bridge_nodes(),
    [P ! ?CORRAL_BRIDGE_NODES(node(), Nodes) || P <- maps:keys(Subs)],
    {noreply, S};
handle_info({'DOWN', MRef, process, Pid, Reason}, S = #state{watched = Watched, proxies = Proxies,
                                                              subscribers = Subs}) ->
    case maps:take(MRef, Watched) of
        {ConnPid, Watched2} ->
            %% No connection attempt to a Java node that is gone: its connections have ended with it.
            Reason =:= normal orelse erlang:send(ConnPid, ?CORRAL_EXIT(Pid, Reason), [noconnect]),
            {noreply, S#state{watched = Watched2, proxies = maps:remove(ConnPid, Proxies)}};
        error ->
            case Subs of
                #{Pid := MRef} -> {noreply, S#state{subscribers = maps:remove(Pid, Subs)}};
                _ -> {noreply, S}
            end
    end;
handle_info(_Msg, S) ->
    {noreply, S}.

bridge_nodes() ->
    lists:usort([node(P) || P <- pg:get_members(?CORRAL_SCOPE, ?CORRAL_BRIDGE_GROUP)]).

%% The read buffer of the distribution connection to a subscribed Corral JVM: every frame of every connection the
%% JVM places here arrives on it. inet's default user-level buffer is 1460 bytes, and the port reads into it once per
%% poll, so a 16 KiB frame took two reads, each after a wake-up of the scheduler (epoll_wait, and two
%% timerfd_settime around it), and a run of small events one read per dozen. With ?DIST_READ_BUFFER one read takes
%% what the socket holds, up to that size (bench/README.md section 7 has the counts). Only raised, never lowered (a
%% node started with a larger `inet_dist_listen_options` buffer keeps it); a connection whose controller is a
%% process (TLS distribution, a custom carrier) has buffers of its own and is left alone. The JVM subscribes again
%% after every reconnection (a new connection, a new port), so each connection is set once.
-define(DIST_READ_BUFFER, 65536).

-spec tune_link(node()) -> ok.
tune_link(Node) ->
    case lists:keyfind(Node, 1, erlang:system_info(dist_ctrl)) of
        {Node, Port} when is_port(Port) ->
            case inet:getopts(Port, [buffer]) of
                {ok, [{buffer, B}]} when B < ?DIST_READ_BUFFER -> _ = inet:setopts(Port, [{buffer, ?DIST_READ_BUFFER}]);
                _ -> ok
            end,
            ok;
        _ -> ok
    end.

%% Internal.

watch(ConnPid, Proxy, S = #state{watched = Watched, proxies = Proxies, java_nodes = Nodes}) ->
    Node = node(ConnPid),
    Nodes2 = case Node =:= node() orelse maps:is_key(Node, Nodes) of
        true -> Nodes;
        false ->
            true = erlang:monitor_node(Node, true),
            Nodes#{Node => true}
    end,
    S#state{watched = Watched#{erlang:monitor(process, Proxy) => ConnPid}, proxies = Proxies#{ConnPid => Proxy},
            java_nodes = Nodes2}.

%% After a restart: the proxies still running, found under their supervisor.
rewatch(S) ->
    lists:foldl(fun({_, Proxy, _, _}, Acc) when is_pid(Proxy) ->
                        case erlang:process_info(Proxy, dictionary) of
                            {dictionary, Dict} ->
                                case lists:keyfind(?CORRAL_CONN_KEY, 1, Dict) of
                                    {_, ConnPid} when is_pid(ConnPid) -> watch(ConnPid, Proxy, Acc);
                                    _ -> Acc
                                end;
                            undefined -> Acc
                        end;
                   (_, Acc) -> Acc
                end, S, supervisor:which_children(corral_bridge_proxy_sup)).

open(ConnPid, Spec = #{module := Module, req := Req}) when is_map(Req) ->
    case check_module(Module) of
        ok ->
            case corral_bridge_proxy_sup:start_proxy(ConnPid, Spec) of
                {ok, Proxy} -> {ok, Proxy};
                {error, Reason} -> {error, {proxy_start_failed, Reason}}
            end;
        {error, Why} ->
            {error, {module_not_available, Module, Why}}
    end;
open(_, Spec) ->
    {error, {badspec, Spec}}.
