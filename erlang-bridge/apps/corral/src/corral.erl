%% Start Corral from an Erlang node as Cowboy is started: the one line that changes in a Cowboy application.
%%
%%   cowboy:start_clear(Name, TransOpts, #{env => #{dispatch => D}})   -> corral:start_clear(Name, TransOpts, ...)
%%   cowboy:start_http(Name, 100, TransOpts, [{env, [{dispatch, D}]}]) -> corral:start_http(Name, 100, ...)
%%
%% D comes from cowboy_router:compile/1, or corral_router:compile/1 on a node without Cowboy. The listener runs a
%% JVM it owns (java-node's `corral attach`); the WebSocket handlers named in D run on this node. See
%% migration-guide/ for what changes at the application level.
-module(corral).

-export([start_clear/3, start_tls/3, start_http/4, stop_listener/1, get_port/1, info/1, set_env/3,
         child_spec/3, child_spec/4]).

%% The cluster (docs/cluster.md): every Corral JVM's connections, whichever node asks.
-export([connections/0, connections/1]).

-type name() :: term().
-export_type([name/0]).

%% @doc As cowboy:start_clear/3 (Cowboy 2.x): TransOpts a list of socket options ([{port, P}, {ip, Ip}]) or ranch's
%% map (#{socket_opts => [...]}), ProtoOpts a map with env => #{dispatch => D}. The listener is a child of the
%% corral application's supervisor. Errors: {error, eaddrinuse}, {error, {undef_handler, Module}},
%% {error, {no_java, Why}}, {error, {jvm_exited, Status, LastLines}}, {error, {already_started, Pid}}, ...
-spec start_clear(name(), list() | map(), map()) -> {ok, pid()} | {error, term()}.
start_clear(Name, TransOpts, ProtoOpts) ->
    start(child_spec(Name, TransOpts, ProtoOpts)).

%% @doc As cowboy:start_tls/3 (Cowboy 2.x): start_clear/3's options, and in the socket options certfile and
%% keyfile (PEM) and optionally cacertfile (client certificates required, chaining to it). wss:// with TLS 1.3
%% and 1.2, ALPN http/1.1. A bad file fails the start: {error, {tls, Message}} naming it, or
%% {error, {missing_option, certfile | keyfile}}.
-spec start_tls(name(), list() | map(), map()) -> {ok, pid()} | {error, term()}.
start_tls(Name, TransOpts, ProtoOpts) ->
    start(spec(Name, {tls, TransOpts, ProtoOpts})).

%% @doc As cowboy:start_http/4 (Cowboy 1.x): ProtoOpts a proplist with {env, [{dispatch, D}]} and optionally
%% {compress, true}; the routes get Cowboy 1.1's defaults (java-node's 1.1 profile).
-spec start_http(name(), pos_integer(), list(), list()) -> {ok, pid()} | {error, term()}.
start_http(Name, NbAcceptors, TransOpts, ProtoOpts) ->
    start(child_spec(Name, NbAcceptors, TransOpts, ProtoOpts)).

start(Spec) ->
    case application:ensure_all_started(corral) of
        {ok, _} ->
            case supervisor:start_child(corral_sup, Spec) of
                {error, {already_started, Pid}} -> {error, {already_started, Pid}};
                {error, already_present} -> {error, {already_started, maps:get(id, Spec)}};
                %% supervisor:start_child/2 adds its record of the child to the reason the start returned.
                {error, {Reason, Child}} when element(1, Child) =:= child -> {error, Reason};
                Result -> Result
            end;
        {error, Reason} ->
            {error, {not_started, Reason}}
    end.

%% @doc A child spec for the caller's own supervisor, as ranch:child_spec/5: the listener (and its JVM) is then
%% supervised there. Takes cowboy:start_clear/3's options; errors come back from the supervisor's start.
-spec child_spec(name(), list() | map(), map()) -> supervisor:child_spec().
child_spec(Name, TransOpts, ProtoOpts) ->
    spec(Name, {clear, TransOpts, ProtoOpts}).

%% @doc The same with cowboy:start_http/4's options (Cowboy 1.x).
-spec child_spec(name(), pos_integer(), list(), list()) -> supervisor:child_spec().
child_spec(Name, NbAcceptors, TransOpts, ProtoOpts) ->
    spec(Name, {http, NbAcceptors, TransOpts, ProtoOpts}).

spec(Name, Args) ->
    TransOpts = case Args of {http, _, T, _} -> T; {_, T, _} -> T end,
    #{id => {corral_listener, Name},
      start => {corral_listener, start_link, [Name, Args]},
      restart => permanent,
      %% Enough for the JVM to drain (1001, terminate, the clients' replies) and exit before it is killed.
      shutdown => corral_opts:drain_timeout(TransOpts) + 15000,
      type => worker,
      modules => [corral_listener]}.

%% @doc Stops a listener started by start_clear/3, start_tls/3 or start_http/4; ok or {error, not_found}, as
%% ranch:stop_listener/1. Its JVM drains first: close 1001 to every connection, each handler's terminate with
%% shutdown (1.x: {normal, shutdown}), up to the drain timeout (ranch's shutdown option, 10 s by default) for the
%% clients' close replies; then it exits. A listener from child_spec/3 belongs to the caller's supervisor, which stops it.
-spec stop_listener(name()) -> ok | {error, not_found}.
stop_listener(Name) ->
    case catch supervisor:terminate_child(corral_sup, {corral_listener, Name}) of
        ok ->
            _ = supervisor:delete_child(corral_sup, {corral_listener, Name}),
            _ = persistent_term:erase({corral_env, Name}),
            ok;
        _ ->
            {error, not_found}
    end.

%% @doc The port the listener listens on (the one picked when {port, 0}), as ranch:get_port/1.
-spec get_port(name()) -> inet:port_number().
get_port(Name) ->
    gen_server:call(listener(Name), get_port).

%% @doc What ranch:info/1 tells of a listener, as far as it applies: status, ip, port, active_connections
%% (= all_connections), total_connections, refused_connections (upgrades answered without an upgrade), bytes_in
%% and bytes_out of the open connections, and where the JVM runs (jvm_node, jvm_os_pid).
-spec info(name()) -> map().
info(Name) ->
    gen_server:call(listener(Name), info, 70000).

%% @doc As cowboy:set_env(Name, dispatch, D): new connections are routed by D, open ones keep their handler. The
%% listener keeps D when it restarts. Only dispatch is an env key Corral reads.
-spec set_env(name(), dispatch, term()) -> ok | {error, term()}.
set_env(Name, dispatch, Dispatch) ->
    gen_server:call(listener(Name), {set_env, dispatch, Dispatch}, 70000);
set_env(_Name, Key, _Value) ->
    {error, {unsupported_env, Key}}.

listener(Name) ->
    case corral_listener:lookup(Name) of
        undefined -> erlang:error(badarg, [Name]);
        Pid -> Pid
    end.

%% @doc The connections of every Corral JVM in the cluster, listeners started here or elsewhere: one map per
%% connection (pid, path, peer, handler, age_ms, frames_in/out, bytes_in/out, and node, the JVM holding it).
-spec connections() -> [map()].
connections() ->
    corral_cluster:connections().

%% @doc One JVM's connections (its hidden node's name), as connections/0 shows them.
-spec connections(node()) -> {ok, [map()]} | {error, term()}.
connections(Jvm) ->
    corral_cluster:connections(Jvm).
