%% The Java <-> erlang-bridge message contract, version 1. This header is the only place the tags are spelled;
%% CONTRACT.md documents the same text for the Java side.
%%
%% Every message is a tuple whose first two elements are '$corral' and the contract version.

-define(CORRAL_TAG, '$corral').
-define(CORRAL_VSN, 1).

%% Registered name of the bridge server on every erlang-bridge node.
-define(CORRAL_SERVER, corral_bridge).

%% Java -> corral_bridge: start a proxy for one WebSocket connection.
-define(CORRAL_OPEN(ConnPid, Spec), {'$corral', 1, open, ConnPid, Spec}).

%% proxy (or corral_bridge when no proxy could start) -> ConnPid: the upgrade decision.
-define(CORRAL_INIT_RESULT(ProxyPid, Decision), {'$corral', 1, init_result, ProxyPid, Decision}).

%% Java -> ProxyPid: a batch of events, handled in order.
-define(CORRAL_EVENTS(Events), {'$corral', 1, events, Events}).

%% proxy -> ConnPid: the normalized commands of one or more callback results.
-define(CORRAL_COMMANDS(ProxyPid, Commands), {'$corral', 1, commands, ProxyPid, Commands}).
