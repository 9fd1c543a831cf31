%% Top supervisor: the proxy supervisor first, so that `corral_bridge` only accepts `open` once proxies can start.
-module(corral_bridge_sup).
-behaviour(supervisor).
-export([start_link/0, init/1]).

-spec start_link() -> {ok, pid()} | {error, term()}.
start_link() ->
    supervisor:start_link({local, ?MODULE}, ?MODULE, []).

-spec init([]) -> {ok, {supervisor:sup_flags(), [supervisor:child_spec()]}}.
init([]) ->
    {ok, {#{strategy => one_for_one, intensity => 10, period => 10},
          [#{id => corral_bridge_proxy_sup,
             start => {corral_bridge_proxy_sup, start_link, []},
             type => supervisor,
             shutdown => infinity},
           #{id => corral_bridge_server,
             start => {corral_bridge_server, start_link, []},
             type => worker,
             shutdown => 5000}]}}.
