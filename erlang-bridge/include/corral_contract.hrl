%% The Java <-> erlang-bridge message contract, version 3. This header is the only place the tags are spelled;
%% CONTRACT.md documents the same text for the Java side.
%%
%% Every message is a tuple whose first two elements are '$corral' and the contract version.

-define(CORRAL_TAG, '$corral').
-define(CORRAL_VSN, 3).

%% Registered name of the bridge server on every erlang-bridge node.
-define(CORRAL_SERVER, corral_bridge).

%% Java -> corral_bridge: start a proxy for one WebSocket connection.
-define(CORRAL_OPEN(ConnPid, Spec), {'$corral', 3, open, ConnPid, Spec}).

%% proxy (or corral_bridge when no proxy could start) -> ConnPid: the upgrade decision.
-define(CORRAL_INIT_RESULT(ProxyPid, Decision), {'$corral', 3, init_result, ProxyPid, Decision}).

%% Java -> ProxyPid: a batch of events, handled in order.
-define(CORRAL_EVENTS(Events), {'$corral', 3, events, Events}).

%% proxy -> ConnPid: the answers to one events batch, one list of normalized commands per event, in event order.
-define(CORRAL_REPLIES(ProxyPid, Replies), {'$corral', 3, replies, ProxyPid, Replies}).

%% proxy -> ConnPid: the normalized commands of a callback that answers no event from Java (a message or timer
%% that reached the proxy itself).
-define(CORRAL_COMMANDS(ProxyPid, Commands), {'$corral', 3, commands, ProxyPid, Commands}).

%% Liveness (CONTRACT.md section 5): nothing links a connection's pid to its proxy, so neither end's death costs a
%% message on the wire unless it must be told.
%% Java -> corral_bridge, and corral_bridge -> the proxy: ConnPid ended without sending {terminate, _} (the client
%% went away before the decision, the decision came too late); corral_bridge also sends it to every proxy of a Java
%% node that went down.
-define(CORRAL_DOWN(ConnPid), {'$corral', 3, down, ConnPid}).

%% corral_bridge -> ConnPid: its proxy exited with Reason, other than normal (killed, an invalid return, a crash).
-define(CORRAL_EXIT(ProxyPid, Reason), {'$corral', 3, exit, ProxyPid, Reason}).

%% Internal to erlang-bridge: corral_bridge -> a proxy it started, once it watches it (the proxy runs no handler
%% code before); and the key under which a proxy keeps its ConnPid in its process dictionary.
-define(CORRAL_GO, '$corral_go').
-define(CORRAL_CONN_KEY, '$corral_conn').

%% The cluster (docs/cluster.md). Every erlang-bridge node's corral_bridge server is a member of group
%% ?CORRAL_BRIDGE_GROUP in the pg scope ?CORRAL_SCOPE, which corral_bridge_sup starts: the live members are the
%% nodes a Corral JVM may place handlers on.
-define(CORRAL_SCOPE, corral_cluster).
-define(CORRAL_BRIDGE_GROUP, corral_bridge).

%% Java -> corral_bridge: send me the member nodes of ?CORRAL_BRIDGE_GROUP now and again whenever they change,
%% until Pid dies (the bridge monitors it).
-define(CORRAL_SUBSCRIBE(Pid), {'$corral', 3, subscribe, Pid}).

%% corral_bridge on node From -> subscriber: every node whose corral_bridge is in the group, as From's pg sees it
%% (sorted, From included).
-define(CORRAL_BRIDGE_NODES(From, Nodes), {'$corral', 3, bridge_nodes, From, Nodes}).

%% relay -> the JVM's group process: Msg was sent to the relay that stands in pg Scope/Group for that JVM's
%% connections; the JVM hands Msg to each of them.
-define(CORRAL_FANOUT(Scope, Group, Msg), {'$corral', 3, fanout, Scope, Group, Msg}).
