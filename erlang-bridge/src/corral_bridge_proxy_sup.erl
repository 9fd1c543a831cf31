%% simple_one_for_one supervisor of the per-connection proxies. Children are temporary: a connection is never
%% restarted (Cowboy does not restart a Websocket session either). Shutdown is brutal_kill because a proxy that
%% does not trap exits dies at once anyway (docs/contract/callbacks.md: 2.11+ ws processes do not trap).
-module(corral_bridge_proxy_sup).
-behaviour(supervisor).

-export([start_link/0, start_proxy/2]).
-export([init/1]).

-spec start_link() -> {ok, pid()} | {error, term()}.
start_link() ->
    supervisor:start_link({local, ?MODULE}, ?MODULE, []).

-spec start_proxy(pid(), map()) -> {ok, pid()} | {error, term()}.
start_proxy(ConnPid, Spec) ->
    case supervisor:start_child(?MODULE, [ConnPid, Spec]) of
        {ok, Pid} -> {ok, Pid};
        {ok, Pid, _} -> {ok, Pid};
        {error, Reason} -> {error, Reason}
    end.

-spec init([]) -> {ok, {supervisor:sup_flags(), [supervisor:child_spec()]}}.
init([]) ->
    {ok, {#{strategy => simple_one_for_one, intensity => 0, period => 1},
          [#{id => corral_bridge_proxy,
             start => {corral_bridge_proxy, start_link, []},
             restart => temporary,
             shutdown => brutal_kill,
             type => worker,
             modules => [corral_bridge_proxy]}]}}.
