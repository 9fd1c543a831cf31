%% Where the Erlang test handlers write what their callbacks saw, keyed by the connection's ?id=, and what
%% the Java tests read with gen_server:call({corral_test_recorder, Node}, ...). A plain gen_server: the handlers
%% use it the way any Cowboy application would use a registry, never Corral internals.
-module(corral_test_recorder).
-behaviour(gen_server).
-export([start/0, record/2, register_conn/2, memory/0, init/1, handle_call/3, handle_cast/2, handle_info/2]).

start() ->
    case whereis(?MODULE) of
        undefined ->
            case gen_server:start({local, ?MODULE}, ?MODULE, [], []) of
                {error, {already_started, Pid}} -> {ok, Pid};
                Other -> Other
            end;
        Pid -> {ok, Pid}
    end.

record(undefined, _Event) -> ok;
record(Id, Event) -> {ok, _} = start(), gen_server:cast(?MODULE, {record, Id, Event}).

%% The handler's self(): the test can then have another Erlang process send to it.
register_conn(undefined, _Pid) -> ok;
register_conn(Id, Pid) -> {ok, _} = start(), gen_server:cast(?MODULE, {register, Id, Pid}).

%% The node's memory after a collection of every process, as a flood test compares it over time.
memory() ->
    [erlang:garbage_collect(P) || P <- processes()],
    erlang:memory(total).

init([]) ->
    {ok, #{events => #{}, pids => #{}}}.

handle_call({events, Id}, _From, S = #{events := E}) ->
    {reply, lists:reverse(maps:get(Id, E, [])), S};
handle_call({send_to_handler, Id, Msg}, _From, S = #{pids := P}) ->
    case maps:find(Id, P) of
        {ok, Pid} -> Pid ! Msg, {reply, ok, S};
        error -> {reply, {error, no_such_connection}, S}
    end;
handle_call({send, Pid, Msg}, _From, S) ->
    %% Sent from a fresh Erlang process, as any other process in the cluster would.
    spawn(fun() -> Pid ! Msg end),
    {reply, ok, S};
handle_call({link_and_exit, Pid, Reason}, _From, S) ->
    %% A process linked to a connection that then dies: the connection goes with it (Cowboy 2.11+ does not trap).
    spawn(fun() -> link(Pid), timer:sleep(100), exit(Reason) end),
    {reply, ok, S};
handle_call({monitor, Pid}, _From, S) ->
    Self = self(),
    spawn(fun() -> Ref = erlang:monitor(process, Pid), Self ! {monitoring, Ref},
                   receive {'DOWN', Ref, process, _, Reason} -> gen_server:cast(Self, {record, {down, Pid}, Reason}) end end),
    {reply, ok, S};
handle_call({corral_call, JavaNode, Request}, From, S) ->
    %% What any Erlang code in the cluster does to list a Java node's connections.
    spawn(fun() -> gen_server:reply(From, gen_server:call({corral, JavaNode}, Request, 10000)) end),
    {noreply, S};
handle_call(memory, _From, S) ->
    {reply, memory(), S};
handle_call(_, _From, S) ->
    {reply, {error, unknown}, S}.

handle_cast({record, Id, Event}, S = #{events := E}) ->
    {noreply, S#{events := E#{Id => [Event | maps:get(Id, E, [])]}}};
handle_cast({register, Id, Pid}, S = #{pids := P}) ->
    {noreply, S#{pids := P#{Id => Pid}}}.

handle_info(_, S) ->
    {noreply, S}.
