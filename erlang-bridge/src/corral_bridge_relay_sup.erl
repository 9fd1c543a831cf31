%% simple_one_for_one supervisor of the group relays (corral_bridge_relay). Temporary children: a relay that dies
%% is re-created by the JVM that asked for it, on whichever bridge node it then picks.
-module(corral_bridge_relay_sup).
-behaviour(supervisor).

-export([start_link/0, start_relay/3]).
-export([init/1]).

-spec start_link() -> {ok, pid()} | {error, term()}.
start_link() ->
    supervisor:start_link({local, ?MODULE}, ?MODULE, []).

-spec start_relay(pid(), atom(), term()) -> {ok, pid()} | {error, term()}.
start_relay(Jvm, Scope, Group) ->
    case supervisor:start_child(?MODULE, [Jvm, Scope, Group]) of
        {ok, Pid} -> {ok, Pid};
        {ok, Pid, _} -> {ok, Pid};
        {error, Reason} -> {error, Reason}
    end.

-spec init([]) -> {ok, {supervisor:sup_flags(), [supervisor:child_spec()]}}.
init([]) ->
    {ok, {#{strategy => simple_one_for_one, intensity => 0, period => 1},
          [#{id => corral_bridge_relay,
             start => {corral_bridge_relay, start_link, []},
             restart => temporary,
             shutdown => brutal_kill,
             type => worker,
             modules => [corral_bridge_relay]}]}}.
