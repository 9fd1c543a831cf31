%% The Corral cluster seen from Erlang (docs/cluster.md): which Corral JVMs there are and their connections.
%% Any node can call these once it is connected to an erlang-bridge node (the pg scope ?CORRAL_SCOPE runs on every
%% bridge node; a node without erlang-bridge asks the bridges it is connected to).
-module(corral_cluster).

-include("corral_contract.hrl").

-export([bridges/0, jvms/0, connections/0, connections/1]).

-define(CALL_TIMEOUT, 5000).

%% @doc The corral_bridge servers of the cluster: pg's members when the scope runs here, otherwise the bridges of the
%% connected nodes.
-spec bridges() -> [pid()].
bridges() ->
    case whereis(?CORRAL_SCOPE) of
        undefined ->
            [P || N <- [node() | nodes(connected)],
                  P <- [rpc_whereis(N)], is_pid(P)];
        _ ->
            pg:get_members(?CORRAL_SCOPE, ?CORRAL_BRIDGE_GROUP)
    end.

rpc_whereis(N) when N =:= node() -> whereis(?CORRAL_SERVER);
rpc_whereis(N) ->
    case catch erpc:call(N, erlang, whereis, [?CORRAL_SERVER], ?CALL_TIMEOUT) of
        P when is_pid(P) -> P;
        _ -> undefined
    end.

%% @doc Every Corral JVM (a hidden node) subscribed to any bridge of the cluster, sorted.
-spec jvms() -> [node()].
jvms() ->
    lists:usort(lists:append([Jvms || B <- bridges(),
                                      {ok, Jvms} <- [catch gen_server:call(B, jvms, ?CALL_TIMEOUT)]])).

%% @doc The connections of every Corral JVM of the cluster: one map per connection (pid, path, peer, handler,
%% age_ms, frames_in, frames_out, bytes_in, bytes_out), each with `node`, the JVM holding it. A JVM that does not
%% answer within 5 s is left out.
-spec connections() -> [map()].
connections() ->
    lists:append([Conns || Jvm <- jvms(), {ok, Conns} <- [connections(Jvm)]]).

%% @doc One JVM's connections, as gen_server:call({corral, Jvm}, connections) gives them, each with `node`.
-spec connections(node()) -> {ok, [map()]} | {error, term()}.
connections(Jvm) ->
    try gen_server:call({corral, Jvm}, connections, ?CALL_TIMEOUT) of
        Conns when is_list(Conns) -> {ok, [C#{node => Jvm} || C <- Conns]};
        Other -> {error, Other}
    catch exit:Why -> {error, Why}
    end.
