%% Where the compat handlers write what their callbacks saw, keyed by the connection's ?id=, so the compat client
%% can read it back through the log route (compat_log, compat_log_v1) on any server: Corral or a real Cowboy.
%% A public ets table owned by a registered process started on first use; no Corral or Cowboy internals.
-module(compat_recorder).
-export([record/2, events/1, fmt/1, qs_id/1, watch/1]).

-define(TAB, compat_recorder_events).

%% @doc Appends Event (iodata) to the events of Id; ignored without an id.
-spec record(binary() | undefined, iodata()) -> ok.
record(undefined, _Event) -> ok;
record(Id, Event) ->
    ensure_started(),
    true = ets:insert(?TAB, {{Id, erlang:unique_integer([monotonic])}, iolist_to_binary(Event)}),
    ok.

%% @doc Records the calling process's exit reason as "exit R" when it ends (a monitor is the only way to see it).
%% The monitor is in place when this returns, so before any client frame can stop the process: a monitor set after
%% the exit would report noproc instead of the reason.
-spec watch(binary() | undefined) -> ok.
watch(Id) ->
    Self = self(),
    Watcher = spawn(fun() ->
        Ref = erlang:monitor(process, Self),
        Self ! {compat_watching, self()},
        receive {'DOWN', Ref, process, _, R} -> record(Id, ["exit ", fmt(R)]) end
    end),
    receive {compat_watching, Watcher} -> ok end.

%% @doc The events of Id, oldest first.
-spec events(binary() | undefined) -> [binary()].
events(undefined) -> [];
events(Id) ->
    ensure_started(),
    ets:select(?TAB, [{{{Id, '_'}, '$1'}, [], ['$1']}]).

%% @doc A term on one line, as the catalogue compares it: {remote,4000,<<"bye">>}.
-spec fmt(term()) -> binary().
fmt(Term) -> iolist_to_binary(io_lib:print(Term, 1, 1000000, -1)).

%% @doc The id= value of a raw query string (what a 2.x PartialReq still carries after an init crash).
-spec qs_id(binary()) -> binary() | undefined.
qs_id(Qs) ->
    Pairs = [binary:split(KV, <<"=">>) || KV <- binary:split(Qs, <<"&">>, [global])],
    case [V || [<<"id">>, V] <- Pairs] of
        [Id | _] -> Id;
        [] -> undefined
    end.

ensure_started() ->
    case ets:info(?TAB, name) of
        undefined -> start_owner(), wait_for_table(100);
        _ -> ok
    end.

start_owner() ->
    Caller = self(),
    {Pid, Ref} = spawn_monitor(fun() -> owner(Caller) end),
    receive
        {Pid, ready} -> erlang:demonitor(Ref, [flush]), ok;
        {'DOWN', Ref, process, Pid, _} -> ok   % another process won the race to register the owner
    after 5000 -> ok
    end.

owner(Caller) ->
    try register(?MODULE, self()) of
        true ->
            ?TAB = ets:new(?TAB, [named_table, public, ordered_set, {write_concurrency, true}]),
            Caller ! {self(), ready},
            receive stop -> ok end
    catch error:badarg -> ok
    end.

wait_for_table(0) -> ok;
wait_for_table(N) ->
    case ets:info(?TAB, name) of
        undefined -> timer:sleep(10), wait_for_table(N - 1);
        _ -> ok
    end.
