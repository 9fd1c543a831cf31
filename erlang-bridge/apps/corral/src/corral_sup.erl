%% Top supervisor of the corral application, as ranch_sup is for ranch: the listeners that corral:start_clear/3
%% and corral:start_http/4 start are its children (a listener from corral:child_spec/3 is a child of the caller's
%% own tree instead). The pg scope first: every listener, wherever it is supervised, joins it under its name, so
%% corral:get_port/1 and friends find it, and leaves it when it exits.
-module(corral_sup).
-behaviour(supervisor).
-export([start_link/0, init/1]).

-define(SCOPE, corral_listeners).

-spec start_link() -> {ok, pid()} | {error, term()}.
start_link() ->
    supervisor:start_link({local, ?MODULE}, ?MODULE, []).

-spec init([]) -> {ok, {supervisor:sup_flags(), [supervisor:child_spec()]}}.
init([]) ->
    {ok, {#{strategy => one_for_one, intensity => 10, period => 10},
          [#{id => ?SCOPE,
             start => {pg, start_link, [?SCOPE]},
             type => worker,
             shutdown => 5000}]}}.
