%% One listener: a process in the caller's supervision tree (corral:child_spec/3) or in corral_sup
%% (corral:start_clear/3), that owns the listener's JVM as a port. It starts the JVM (`corral attach`), hands it
%% the cookie on standard input, the options and the routes over distribution, and the JVM sends every WebSocket
%% connection of an Erlang route to corral_bridge on this node: the handlers run here, beside the applications
%% they use.
%%
%% Lifetimes: the JVM exits when this process closes the port, or when this node goes away however it goes (its
%% standard input closes); this process exits when the JVM does ({jvm_exited, Status, LastLines}) or its node
%% disconnects, so the supervisor restarts both.
%%
%% Start-up errors are the return value of start_link (init acknowledges {error, Reason} and exits normally):
%% a supervisor's start_child returns them, and no crash report is written for them.
-module(corral_listener).
-behaviour(gen_server).

-export([start_link/2, lookup/1, init/3]).
-export([init/1, handle_call/3, handle_cast/2, handle_info/2, terminate/2]).

-define(SCOPE, corral_listeners).
-define(SERVICE, corral_listener).          % java-node's Attach.SERVICE
-define(READY, <<"corral-attach: ready">>). % java-node's Attach.READY
-define(LAST_LINES, 20).
-define(JVM_START_TIMEOUT, 60000).
-define(CALL_TIMEOUT, 60000).
-define(STOP_TIMEOUT, 5000).

-type spec() :: {clear | tls, list() | map(), map()} | {http, pos_integer(), list(), list()}.

-record(state, {
    name :: term(),
    config :: corral_opts:config(),
    port :: port() | undefined,
    os_pid :: integer() | undefined,
    jvm :: node(),
    listen_port :: inet:port_number() | undefined,
    lines = [] :: [binary()],   % the JVM's last output lines, newest first
    partial = <<>> :: binary()
}).

%% @doc Starts the listener and its JVM; returns once the JVM listens, or with the reason it cannot.
-spec start_link(term(), spec()) -> {ok, pid()} | {error, term()}.
start_link(Name, Spec) ->
    proc_lib:start_link(?MODULE, init, [self(), Name, Spec]).

%% @doc The listener process of Name on this node, or undefined.
-spec lookup(term()) -> pid() | undefined.
lookup(Name) ->
    case [Pid || Pid <- members(Name), is_process_alive(Pid)] of
        [Pid | _] -> Pid;
        [] -> undefined
    end.

%% @private
-spec init(pid(), term(), spec()) -> no_return().
init(Parent, Name, Spec) ->
    process_flag(trap_exit, true),
    case start(Name, Spec) of
        {ok, State} ->
            proc_lib:init_ack(Parent, {ok, self()}),
            gen_server:enter_loop(?MODULE, [], State);
        {error, Reason, Port} ->
            stop_jvm(Port),
            proc_lib:init_ack(Parent, {error, Reason}),
            exit(normal)
    end.

%% Each step in order; the first error decides. The JVM starts only once everything checkable here holds.
start(Name, Spec) ->
    Steps = [fun(_) -> config(Name, Spec) end,
             fun(Config) -> case runs_here(Config) of true -> routes(Config); false -> ok end end,
             fun(_) -> register(Name) end,
             fun(_) -> corral_jvm:ensure_distribution() end],
    case run(Steps, undefined) of
        {ok, Config = #{dispatch := Dispatch}} ->
            {ok, Routes} = corral_router:routes(Dispatch),
            launch(Name, Config, Routes);
        {error, Reason} ->
            {error, Reason, undefined}
    end.

%% A step returns ok (the config goes on as it is), {ok, Config} or {error, Reason}.
run([], Config) -> {ok, Config};
run([Step | Rest], Config) ->
    case Step(Config) of
        ok -> run(Rest, Config);
        {ok, Next} -> run(Rest, Next);
        {error, _} = Error -> Error
    end.

config(Name, {clear, TransOpts, ProtoOpts}) ->
    with_env(Name, corral_opts:clear(TransOpts, ProtoOpts));
config(Name, {tls, TransOpts, ProtoOpts}) ->
    with_env(Name, corral_opts:tls(TransOpts, ProtoOpts));
config(Name, {http, NbAcceptors, TransOpts, ProtoOpts}) ->
    with_env(Name, corral_opts:http(NbAcceptors, TransOpts, ProtoOpts)).

%% After corral:set_env/3 a restarted listener serves the routes it was last given, as ranch keeps a listener's
%% updated protocol options across restarts. A start with another dispatch than the one set_env replaced is a new
%% start, and forgets the replacement.
with_env(Name, {ok, Config = #{dispatch := Given}}) ->
    case persistent_term:get({corral_env, Name}, undefined) of
        {Given, Replaced} -> {ok, Config#{dispatch := Replaced}};
        undefined -> {ok, Config};
        _ -> _ = persistent_term:erase({corral_env, Name}), {ok, Config}
    end;
with_env(_, Error) ->
    Error.

routes(#{dispatch := Dispatch}) ->
    case corral_router:routes(Dispatch) of
        {ok, Routes} -> check_handlers(Routes);
        Error -> Error
    end.

%% Whether this node is one of the listener's handler nodes (it is unless erlang_nodes leaves it out). When it is
%% not, the JVM checks the modules on the nodes named, and refuses the start with {bad_handler, Text} naming them.
runs_here(#{cluster := #{erlang_nodes := Nodes}}) -> lists:member(node(), Nodes);
runs_here(_) -> true.

%% An Erlang handler module that does not load fails the start naming it, before any JVM starts. Java classes
%% (a dot in the name) are checked by the JVM.
check_handlers(Routes) ->
    Modules = lists:usort([handler_module(H) || {_, _, Paths} <- Routes, {_, _, H, _} <- Paths]),
    case [M || M <- Modules, not is_java(M), corral_bridge_server:check_module(M) =/= ok] of
        [] -> ok;
        [M | _] -> {error, {undef_handler, M}}
    end.

handler_module({Module, Settings}) when is_map(Settings) -> Module;
handler_module(Module) -> Module.

is_java(Module) when is_atom(Module) -> lists:member($., atom_to_list(Module));
is_java(_) -> false.

%% pg forgets an exited member when its scope process handles the 'DOWN', which can come after a supervisor
%% has already restarted the listener: a member that is no longer alive is no obstacle.
register(Name) ->
    case [Pid || Pid <- members(Name), is_process_alive(Pid)] of
        [] -> pg:join(?SCOPE, {listener, Name}, self());
        [Pid | _] -> {error, {already_started, Pid}}
    end.

members(Name) ->
    case catch pg:get_local_members(?SCOPE, {listener, Name}) of
        Pids when is_list(Pids) -> Pids;
        _ -> []
    end.

launch(Name, Config, Routes) ->
    Jvm = corral_jvm:jvm_node(),
    case corral_jvm:command(Jvm, node()) of
        {ok, Java, Args} ->
            Port = open_port({spawn_executable, Java},
                             [{args, Args}, {line, 4096}, binary, exit_status, use_stdio, stderr_to_stdout, hide]),
            OsPid = case erlang:port_info(Port, os_pid) of {os_pid, P} -> P; undefined -> undefined end,
            %% The cookie: the first line of the JVM's standard input, never its command line.
            true = port_command(Port, [atom_to_list(erlang:get_cookie()), $\n]),
            S0 = #state{name = Name, config = Config, port = Port, os_pid = OsPid, jvm = Jvm},
            case await_ready(S0, erlang:monotonic_time(millisecond) + ?JVM_START_TIMEOUT) of
                {ok, S1} -> listen(S1, Routes);
                {error, Reason, S1} -> {error, Reason, S1#state.port}
            end;
        {error, Reason} ->
            {error, Reason, undefined}
    end.

await_ready(S = #state{port = Port}, Deadline) ->
    Left = max(0, Deadline - erlang:monotonic_time(millisecond)),
    receive
        {Port, {data, {eol, ?READY}}} ->
            {ok, S};
        {Port, {data, Data}} ->
            await_ready(output(Data, S), Deadline);
        {Port, {exit_status, Status}} ->
            {error, {jvm_exited, Status, last_lines(S)}, S#state{port = undefined}}
    after Left ->
        {error, {jvm_timeout, last_lines(S)}, S}
    end.

listen(S = #state{name = Name, config = Config, jvm = Jvm}, Routes) ->
    Request = {start, maps:merge(maps:get(listener, Config),
                                 #{name => iolist_to_binary(io_lib:format("~0p", [Name])),
                                   ip => maps:get(ip, Config), port => maps:get(port, Config),
                                   routes => Routes, profile => maps:get(profile, Config),
                                   compress => maps:get(compress, Config),
                                   drain_timeout => maps:get(drain_timeout, Config, undefined),
                                   tls => maps:get(tls, Config, undefined),
                                   cluster => cluster(Config)})},
    case call(S, Request) of
        {ok, ListenPort} ->
            true = erlang:monitor_node(Jvm, true),
            {ok, S#state{listen_port = ListenPort}};
        {error, Reason} ->
            {error, Reason, S#state.port}
    end.

%% The handler nodes as the JVM takes them: erlang_nodes with this node's name when it is left implicit (this
%% node may have become distributed only now, corral_jvm:ensure_distribution/0).
cluster(#{cluster := Cluster}) -> maps:merge(#{erlang_nodes => [node()]}, Cluster);
cluster(_) -> #{erlang_nodes => [node()], discovery => false, placement => <<"least-connections">>}.

call(#state{jvm = Jvm}, Request) ->
    try gen_server:call({?SERVICE, Jvm}, Request, ?CALL_TIMEOUT)
    catch exit:{Reason, _} -> {error, {jvm_unreachable, Reason}}
    end.

%% gen_server callbacks.

%% @private
-spec init(term()) -> no_return().
init(_) ->
    erlang:error(start_with_start_link).

%% @private
-spec handle_call(term(), gen_server:from(), #state{}) -> {reply, term(), #state{}}.
handle_call(get_port, _From, S) ->
    {reply, S#state.listen_port, S};
handle_call(info, _From, S = #state{name = Name, config = Config}) ->
    Base = #{name => Name, pid => self(), status => running, protocol => maps:get(protocol, Config),
             ip => maps:get(ip, Config), port => S#state.listen_port, jvm_node => S#state.jvm,
             jvm_os_pid => S#state.os_pid},
    Reply = case call(S, info) of
        {ok, Counts} -> Base#{active_connections => maps:get(active_connections, Counts),
                              %% ranch:info/1's name for the connections a listener holds.
                              all_connections => maps:get(active_connections, Counts),
                              total_connections => maps:get(total_connections, Counts),
                              refused_connections => maps:get(refused_connections, Counts),
                              bytes_in => maps:get(bytes_in, Counts), bytes_out => maps:get(bytes_out, Counts)};
        {error, _} -> Base
    end,
    {reply, Reply, S};
handle_call({set_env, dispatch, Dispatch}, _From, S = #state{name = Name, config = Config}) ->
    Result = case routes(#{dispatch => Dispatch}) of
        ok ->
            {ok, Routes} = corral_router:routes(Dispatch),
            call(S, {set_env, dispatch, Routes});
        Error ->
            Error
    end,
    case Result of
        ok ->
            Original = case persistent_term:get({corral_env, Name}, undefined) of
                {Given, _} -> Given;
                undefined -> maps:get(dispatch, Config)
            end,
            persistent_term:put({corral_env, Name}, {Original, Dispatch}),
            {reply, ok, S#state{config = Config#{dispatch := Dispatch}}};
        _ ->
            {reply, Result, S}
    end;
handle_call(_Request, _From, S) ->
    {reply, {error, unknown_call}, S}.

%% @private
-spec handle_cast(term(), #state{}) -> {noreply, #state{}}.
handle_cast(_Msg, S) ->
    {noreply, S}.

%% @private
-spec handle_info(term(), #state{}) -> {noreply, #state{}} | {stop, term(), #state{}}.
handle_info({Port, {data, Data}}, S = #state{port = Port}) ->
    {noreply, log(output(Data, S))};
handle_info({Port, {exit_status, Status}}, S = #state{port = Port}) ->
    {stop, {jvm_exited, Status, last_lines(S)}, S#state{port = undefined}};
handle_info({nodedown, Jvm}, S = #state{jvm = Jvm, port = Port}) ->
    %% A JVM that died also disconnects, often before its exit status arrives: wait a little for the status,
    %% which says more.
    receive
        {Port, {exit_status, Status}} -> {stop, {jvm_exited, Status, last_lines(S)}, S#state{port = undefined}}
    after 2000 ->
        {stop, {jvm_disconnected, Jvm}, S}
    end;
handle_info({'EXIT', Port, Reason}, S = #state{port = Port}) ->
    {stop, {jvm_port_closed, Reason}, S#state{port = undefined}};
handle_info({'EXIT', _Parent, Reason}, S) ->
    %% Only the parent is linked to this process besides the port: its exit is the supervisor's shutdown.
    {stop, Reason, S};
handle_info(_Msg, S) ->
    {noreply, S}.

%% @private
-spec terminate(term(), #state{}) -> ok.
terminate(_Reason, S = #state{port = Port, config = Config}) when is_port(Port) ->
    %% The JVM drains (1001 to every connection, the handlers' terminate with shutdown, up to drain_timeout for
    %% the clients' replies) before it exits: give it that long, and the usual margin, before it is killed.
    _ = call_quietly(S, stop),
    stop_jvm(Port, maps:get(drain_timeout, Config, corral_opts:drain_timeout([])) + ?STOP_TIMEOUT),
    ok;
terminate(_Reason, _S) ->
    ok.

call_quietly(#state{jvm = Jvm}, Request) ->
    catch gen_server:call({?SERVICE, Jvm}, Request, ?STOP_TIMEOUT).

%% Closes the port (the JVM sees its standard input close and exits) and waits for the exit; a JVM that has not
%% exited by then is killed, so no JVM outlives its listener.
stop_jvm(Port) ->
    stop_jvm(Port, ?STOP_TIMEOUT).

stop_jvm(undefined, _) ->
    ok;
stop_jvm(Port, Wait) ->
    OsPid = case erlang:port_info(Port, os_pid) of {os_pid, P} -> P; undefined -> undefined end,
    catch port_close(Port),
    wait_exit(OsPid, erlang:monotonic_time(millisecond) + Wait).

wait_exit(undefined, _) ->
    ok;
wait_exit(OsPid, Deadline) ->
    case alive(OsPid) of
        false -> ok;
        true ->
            case erlang:monotonic_time(millisecond) > Deadline of
                true -> _ = os:cmd("kill -9 " ++ integer_to_list(OsPid)), ok;
                false -> timer:sleep(50), wait_exit(OsPid, Deadline)
            end
    end.

%% /proc/PID exists until the process is reaped; erts reaps the children of ports it closed.
alive(OsPid) ->
    case file:read_file("/proc/" ++ integer_to_list(OsPid) ++ "/stat") of
        {ok, Stat} ->
            %% A zombie (state Z) has exited: only its parent's reaping is left.
            case binary:split(Stat, <<") ">>) of
                [_, <<"Z", _/binary>>] -> false;
                _ -> true
            end;
        {error, _} -> false
    end.

%% The JVM's output, kept for {jvm_exited, Status, LastLines}.
output({eol, Line}, S = #state{partial = Partial, lines = Lines}) ->
    S#state{partial = <<>>, lines = lists:sublist([<<Partial/binary, Line/binary>> | Lines], ?LAST_LINES)};
output({noeol, Part}, S = #state{partial = Partial}) ->
    S#state{partial = <<Partial/binary, Part/binary>>}.

last_lines(#state{lines = Lines, partial = <<>>}) -> lists:reverse(Lines);
last_lines(#state{lines = Lines, partial = Partial}) -> lists:reverse([Partial | Lines]).

%% After the start the JVM's lines go to the logger: warnings and errors as such, the rest at debug.
log(S = #state{lines = [Line | _], partial = <<>>}) ->
    case binary:match(Line, [<<" WARN ">>, <<" ERROR ">>]) of
        nomatch -> logger:debug("corral listener ~0p: ~ts", [S#state.name, Line]);
        _ -> logger:warning("corral listener ~0p: ~ts", [S#state.name, Line])
    end,
    S;
log(S) ->
    S.
