%% Top supervisor: the cluster's pg scope, then the proxy and relay supervisors, so that `corral_bridge` only
%% accepts `open` once proxies can start and joins its pg group once the scope runs.
-module(corral_bridge_sup).
-behaviour(supervisor).
-export([start_link/0, init/1]).

-include("corral_contract.hrl").

-spec start_link() -> {ok, pid()} | {error, term()}.
start_link() ->
    supervisor:start_link({local, ?MODULE}, ?MODULE, []).

-spec init([]) -> {ok, {supervisor:sup_flags(), [supervisor:child_spec()]}}.
init([]) ->
    {ok, {#{strategy => one_for_one, intensity => 10, period => 10},
          [#{id => corral_cluster_scope,
             start => {pg, start_link, [?CORRAL_SCOPE]},
             type => worker,
             shutdown => 5000},
           #{id => corral_bridge_proxy_sup,
             start => {corral_bridge_proxy_sup, start_link, []},
             type => supervisor,
             shutdown => infinity},
           #{id => corral_bridge_relay_sup,
             start => {corral_bridge_relay_sup, start_link, []},
             type => supervisor,
             shutdown => infinity},
           #{id => corral_bridge_server,
             start => {corral_bridge_server, start_link, []},
             type => worker,
             shutdown => 5000}]}}.
