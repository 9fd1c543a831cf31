%% A Cowboy 2.x handler that pushes the time: the timer is set in websocket_init/1, so it goes to the
%% websocket process (under Corral: the erlang-bridge proxy), as Cowboy's guide prescribes.
-module(demo_clock).
-export([init/2, websocket_init/1, websocket_handle/2, websocket_info/2]).

init(Req, Opts) ->
    {cowboy_websocket, Req, maps:get(interval, Opts, 1000)}.

websocket_init(Interval) ->
    erlang:start_timer(Interval, self(), tick),
    {[], Interval}.

websocket_handle(_Frame, Interval) ->
    {[], Interval}.

websocket_info({timeout, _Ref, tick}, Interval) ->
    erlang:start_timer(Interval, self(), tick),
    Now = calendar:system_time_to_rfc3339(erlang:system_time(second)),
    {[{text, ["time ", Now, " from ", atom_to_list(node())]}], Interval};
websocket_info(_Info, Interval) ->
    {[], Interval}.
