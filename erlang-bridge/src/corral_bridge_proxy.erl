%% One proxy per WebSocket connection: the process in which the user's unmodified Cowboy handler runs, so that
%% self(), timers, links and monitors behave as in Cowboy's own Websocket process.
%%
%% States:
%%   initializing  2.x: init/2 runs in a short-lived helper process (Cowboy runs it in the request process, never
%%                 in the ws process, docs/contract/callbacks.md) and we wait for its answer. 1.x: init/3 and
%%                 websocket_init/3 run here, in this process, before the 101 (section 2).
%%   upgraded      the decision was sent; waiting for Java's `websocket_init` event (sent right after the 101).
%%                 Messages arriving meanwhile are kept and handed to websocket_info right after websocket_init,
%%                 before any later event, as the mailbox order would have it under Cowboy.
%%   running       events from Java and messages to self() go to the handler; each callback result becomes
%%                 normalized commands sent back to ConnPid: one answer per Java event, in order (`replies`),
%%                 or `commands` for a message that reached this process itself.
%%
%% Nothing links the proxy to ConnPid (the proxy must not trap exits for the handler's sake, and a link costs
%% distribution messages): corral_bridge watches the proxy and tells ConnPid when it exits other than normally, and
%% tells the proxy (`down`) when ConnPid ended without a terminate event or its Java node went down
%% (corral_bridge_server, CONTRACT.md section 5). The proxy runs no handler code before corral_bridge watches it
%% (?CORRAL_GO). A pure step decides (corral_bridge_result, corral_bridge_reason); this module only calls the
%% handler and sends.
-module(corral_bridge_proxy).
-behaviour(gen_statem).

-include("corral_contract.hrl").

-export([start_link/2]).
-export([callback_mode/0, init/1, terminate/3, code_change/4]).
-export([initializing/3, upgraded/3, running/3]).

%% A running proxy hibernates whenever it got no event and no message for a whole period of this length: its heap
%% shrinks to its live data and its stack is dropped until the next message. An idle connection then costs the node
%% little more than its process struct and corral_bridge's two map entries for it. Waking costs the next message a few
%% microseconds (a message to each of 19,900 proxies took about 9 us per proxy hibernated against 4 us awake), so the
%% period is long enough that a connection with regular traffic never pays it. Not observable on the wire or by the
%% handler (hibernate_has_no_wire_effect in the compat catalogue; Cowboy's own `hibernate` does the same). The
%% application environment's proxy_hibernate_after (milliseconds, or infinity) replaces it.
%%
%% Not right after websocket_init: that hibernation cost every upgrade about 3 us of the node's CPU (a full sweep,
%% then a new heap for the first frame, which grew it back to 2.8 KiB of the 4.0 it had), 11 % of erlang-bridge's own
%% work per handshake (corral_bench_bridge_cost, bench/README.md section 7). A new proxy now keeps its heap until its
%% first idle period ends.
%%
%% Not gen_statem's hibernate_after option: that waits in a receive with a timeout, a timer set and cancelled on every
%% message (about 0.1 us of CPU more per event's round trip through a proxy, 1.0-1.4 us without, on a loaded machine).
%% Nor a gen_statem generic timeout: arming one took 3.5 us per connection, a plain erlang:start_timer/3 1.3. Here one
%% timer per period is armed, and an event only marks the proxy active (no timer touched: no difference measurable);
%% a hibernated proxy has no timer armed, the next event arms it again. Its message is matched by the timer's
%% reference, so the handler's own messages are never taken for it.
-define(HIBERNATE_AFTER_MS, 15000).
-define(IDLE_CHECK, '$corral_idle_check').

-record(data, {
    conn :: pid(),
    module :: module(),
    gen :: corral_bridge_result:generation(),
    %% The open request (the Req's data and the handler's options): needed until the decision, then dropped so
    %% that an idle proxy does not keep the request's headers.
    spec :: map(),
    %% 2.x: the init/2 helper's answer tag and monitor.
    helper = undefined :: undefined | {reference(), reference()},
    %% 1.x: the full Req the handler last returned; 2.x: the PartialReq terminate/3 gets.
    req = undefined :: term(),
    state = undefined :: term(),
    shutdown_reason = undefined :: undefined | {ok, term()},
    %% Messages that arrived before websocket_init, newest first.
    pending = [] :: [term()],
    %% The idle check (see ?HIBERNATE_AFTER_MS): its period, whether its timeout is armed, and whether an event or
    %% a message came since it last fired.
    hibernate_after = ?HIBERNATE_AFTER_MS :: timeout(),
    idle_check = false :: false | reference(),
    active = true :: boolean()
}).

-spec start_link(pid(), map()) -> {ok, pid()} | {error, term()}.
start_link(ConnPid, Spec) ->
    gen_statem:start_link(?MODULE, {ConnPid, Spec}, []).

-spec callback_mode() -> gen_statem:callback_mode_result().
callback_mode() ->
    state_functions.

-spec init({pid(), map()}) -> gen_statem:init_result(initializing).
init({ConnPid, Spec = #{module := Module}}) ->
    Profile = maps:get(profile, Spec, '2.latest'),
    Gen = generation(Module, Profile),
    %% Cowboy 2.0-2.10 ws processes over HTTP/1.1 trap exits; 1.x and 2.11+ do not (docs/contract/callbacks.md).
    Gen =:= '2.0' andalso process_flag(trap_exit, true),
    %% Where a restarted corral_bridge finds it (corral_bridge_server:rewatch/1).
    put(?CORRAL_CONN_KEY, ConnPid),
    HibernateAfter = application:get_env(corral_bridge, proxy_hibernate_after, ?HIBERNATE_AFTER_MS),
    %% The handler runs once corral_bridge watches this process (?CORRAL_GO), so that its end, however early, is
    %% reported.
    {ok, initializing, #data{conn = ConnPid, module = Module, gen = Gen, spec = Spec,
                             hibernate_after = HibernateAfter}}.

%% State: initializing.

-spec initializing(gen_statem:event_type(), term(), #data{}) -> gen_statem:event_handler_result(atom()).
initializing(info, ?CORRAL_GO, _D) ->
    {keep_state_and_data, [{next_event, internal, start}]};
initializing(internal, start, D = #data{gen = '1.x'}) ->
    case init_1x(D) of
        {upgrade, Decision, Hibernate, D2} ->
            upgrade(Decision, D2, Hibernate);
        {raise, Class, Reason, Info} ->
            %% The client gets its 500; the process exits as Cowboy 1.x's does after an init/3 or
            %% websocket_init/3 crash (cowboy_handler:handler_init/4, cowboy_websocket:handler_init/4).
            decide({crash, Class, Reason}, D),
            raise_1x(Class, Info);
        Decision ->
            decide(Decision, D),
            {stop, normal}
    end;
initializing(internal, start, D = #data{module = Module, gen = Gen, spec = Spec}) ->
    Tag = make_ref(),
    Self = self(),
    {_, MRef} = spawn_monitor(fun() -> Self ! {Tag, init_2x(Module, Gen, Spec)} end),
    {keep_state, D#data{helper = {Tag, MRef}}};
initializing(info, {Tag, Answer}, D = #data{helper = {Tag, MRef}}) ->
    demonitor(MRef, [flush]),
    case Answer of
        {upgrade, Decision, PartialReq, State} ->
            upgrade(Decision, D#data{helper = undefined, req = PartialReq, state = State}, false);
        {done, Decision} ->
            decide(Decision, D),
            {stop, normal}
    end;
initializing(info, {'DOWN', MRef, process, _, Reason}, D = #data{helper = {_, MRef}}) ->
    %% init/2 returned something Cowboy cannot handle: its request process dies, the client gets a 500.
    decide({crash, error, helper_reason(Reason)}, D),
    {stop, normal};
initializing(info, ?CORRAL_DOWN(Conn), #data{conn = Conn}) ->
    %% Java went away before the decision: no session was started, there is nothing to terminate.
    {stop, normal};
initializing(EventType, Event, D) ->
    early(EventType, Event, D).

%% The upgrade is decided. When java-node asked for it in the open spec (`websocket_init => at_once`, CONTRACT.md
%% section 2), websocket_init runs now and its answer follows the decision, as if java-node had sent the
%% `websocket_init` event right after the 101: Cowboy runs it right after writing the 101 without waiting for the
%% client (cowboy_websocket:takeover/7), and java-node holds the answer until the 101 is out and reads no frame before
%% it. That saves a distribution round trip per upgrade. Otherwise the proxy waits for the event in `upgraded`.
%% Either way the open request is dropped now: the session never reads it again.
%% When there is nothing for websocket_init to run (no websocket_init/1 to call, no message waiting for
%% websocket_info) its answer would be empty: the decision says `websocket_init => empty` and no answer follows, so
%% java-node reads the client at once, as Cowboy does after a websocket_init with no commands; one distribution
%% message fewer per upgrade.
upgrade(Decision, D = #data{spec = #{websocket_init := at_once}, pending = Pending}, Hibernate) ->
    {upgrade, Headers, Opts} = Decision,
    D2 = active(D#data{spec = #{}}),
    case Pending =:= [] andalso not calls_websocket_init(D) of
        true ->
            decide({upgrade, Headers, Opts#{websocket_init => empty}}, D),
            watched(run([], D2, replies, [], Hibernate));
        false ->
            decide({upgrade, Headers, Opts#{websocket_init => ran}}, D),
            watched(run([websocket_init], D2, replies, [], Hibernate))
    end;
upgrade(Decision, D, Hibernate) ->
    decide(Decision, D),
    {next_state, upgraded, D#data{spec = #{}}, [hibernate || Hibernate]}.

%% State: upgraded.

-spec upgraded(gen_statem:event_type(), term(), #data{}) -> gen_statem:event_handler_result(atom()).
upgraded(info, ?CORRAL_EVENTS(Events), D) when is_list(Events) ->
    %% The batch that carries websocket_init.
    watched(run(Events, active(D), replies, [], false));
upgraded(EventType, Event, D) ->
    early(EventType, Event, D).

%% State: running.

-spec running(gen_statem:event_type(), term(), #data{}) -> gen_statem:event_handler_result(atom()).
running(info, ?CORRAL_EVENTS(Events), D) when is_list(Events) ->
    batch(Events, D);
running(info, ?CORRAL_DOWN(Conn), D = #data{conn = Conn}) ->
    closed(D);
running(info, {timeout, Ref, ?IDLE_CHECK}, D = #data{idle_check = Ref, active = true}) ->
    {keep_state, D#data{idle_check = idle_check(D), active = false}};
running(info, {timeout, Ref, ?IDLE_CHECK}, D = #data{idle_check = Ref}) ->
    %% A whole period without an event or a message.
    {keep_state, D#data{idle_check = false}, [hibernate]};
running({call, From}, Request, D) ->
    case supervisor_call(D#data.gen, From, Request) of
        handled -> keep_state_and_data;
        {info, Msg} -> direct(Msg, D)
    end;
running(info, Msg, D) ->
    direct(Msg, D).

-spec terminate(term(), atom(), term()) -> ok.
terminate(_Reason, _StateName, _Data) ->
    %% The handler's terminate callback is always called explicitly before the proxy stops; gen_statem's own
    %% terminate only runs for exits that Cowboy does not report to the handler either (invalid return, parent
    %% exit), so there is nothing to do here.
    ok.

-spec code_change(term(), atom(), term(), term()) -> {ok, atom(), term()}.
code_change(_OldVsn, StateName, Data, _Extra) ->
    {ok, StateName, Data}.

%% Before the session runs: keep messages for later, notice Java's death.

early(info, ?CORRAL_DOWN(Conn), D = #data{conn = Conn}) ->
    closed(D);
early(info, ?CORRAL_EVENTS(_), _D) ->
    {keep_state_and_data, [postpone]};
early({call, From}, Request, D = #data{pending = Pending}) ->
    case supervisor_call(D#data.gen, From, Request) of
        handled -> keep_state_and_data;
        {info, Msg} -> {keep_state, D#data{pending = [Msg | Pending]}}
    end;
early(info, Msg, D = #data{pending = Pending}) ->
    {keep_state, D#data{pending = [Msg | Pending]}};
early(_, _, _) ->
    keep_state_and_data.

%% Cowboy 2.3+ answers supervisor calls itself (cowboy_children:handle_supervisor_call/4, docs/contract/callbacks.md);
%% 1.x and 2.0 hand the raw '$gen_call' message to websocket_info.
supervisor_call('2.latest', From, Request) ->
    Reply = case Request of
        which_children -> [];
        count_children -> [{specs, 1}, {active, 0}, {supervisors, 0}, {workers, 0}];
        {start_child, _} -> {error, start_child_disabled};
        _ -> {error, not_found}
    end,
    gen_statem:reply(From, Reply),
    handled;
supervisor_call(_, From, Request) ->
    {info, {'$gen_call', From, Request}}.

%% The event loop. A batch from Java is answered by one `replies` message carrying one command list per event, in
%% event order: each list fills the place java-node kept for that event in the connection's output, so a pong or a
%% close java-node writes after an event waits for that event's answer (Cowboy is sequential). A message that
%% reached this process itself answers no event from Java: its commands go as one `commands` message, written at
%% once. Acc holds the answers so far, newest first, each reversed; its head is the answer being built.

batch(Events, D) ->
    watched(run(Events, active(D), replies, [], false)).

direct(Msg, D) ->
    watched(run([{info, Msg}], active(D), commands, [], false)).

%% The idle check's bookkeeping per event: a field set when it was not (no copy of the state on a busy proxy), and
%% the timeout armed when it is not (the first batch, or the first event after a hibernation).
active(D = #data{active = true}) -> D;
active(D) -> D#data{active = true}.

%% run/5 answers {next_state, running, D} when it has no action (the common case), with a list when it has.
watched({next_state, running, D = #data{idle_check = false, hibernate_after = Ms}}) when Ms =/= infinity ->
    {next_state, running, D#data{idle_check = idle_check(D), active = false}};
watched({next_state, running, D = #data{idle_check = false, hibernate_after = Ms}, Actions}) when Ms =/= infinity ->
    {next_state, running, D#data{idle_check = idle_check(D), active = false}, Actions};
watched(Result) ->
    Result.

idle_check(#data{hibernate_after = Ms}) ->
    erlang:start_timer(Ms, self(), ?IDLE_CHECK).

run([], D, Kind, Acc, false) ->
    send(Kind, Acc, D),
    {next_state, running, D};
run([], D, Kind, Acc, true) ->
    send(Kind, Acc, D),
    {next_state, running, D, [hibernate]};
run([websocket_init | Rest], D = #data{pending = Pending}, Kind, Acc, Hibernate) ->
    %% Messages that reached this process before the session started come next, in arrival order; their commands
    %% join websocket_init's answer, java-node knowing nothing of them. That answer is sent even when empty:
    %% java-node keeps the socket unread until websocket_init's commands are in force, as Cowboy applies them
    %% before it first reads (cowboy_websocket:after_init/3).
    Follow = [{join, {info, Msg}} || Msg <- lists:reverse(Pending)],
    D2 = D#data{pending = []},
    case calls_websocket_init(D) of
        true -> handler_call(websocket_init, [], Follow ++ Rest, D2, Kind, [[] | Acc]);
        %% 1.x asked to hibernate from websocket_init/3: that holds until the next callback returns.
        false -> run(Follow ++ Rest, D2, Kind, [[] | Acc], Hibernate)
    end;
run([{join, {info, Msg}} | Rest], D, Kind, Acc, _) ->
    handler_call(websocket_info, [Msg], Rest, D, Kind, Acc);
run([{frame, Frame = {Type, _}} | Rest], D = #data{gen = '2.latest'}, Kind, Acc, _)
        when Type =:= text; Type =:= binary ->
    %% The common event, a data frame for a 2.x handler: corral_bridge_reason:frame_in/2 would return it as is.
    handler_call(websocket_handle, [Frame], Rest, D, Kind, [[] | Acc]);
run([{frame, Frame} | Rest], D = #data{gen = Gen}, Kind, Acc, _) ->
    handler_call(websocket_handle, [corral_bridge_reason:frame_in(Gen, Frame)], Rest, D, Kind, [[] | Acc]);
run([{info, Msg} | Rest], D, Kind, Acc, _) ->
    handler_call(websocket_info, [Msg], Rest, D, Kind, [[] | Acc]);
run([{terminate, Reason} | _], D, Kind, Acc, _) ->
    send(Kind, Acc, D),
    finish(Reason, D);
run([_Unknown | Rest], D, Kind, Acc, Hibernate) ->
    %% Answered (empty) all the same, so every later answer keeps its place.
    run(Rest, D, Kind, [[] | Acc], Hibernate).

%% 2.x calls websocket_init/1 only when it is exported (cowboy_websocket:takeover/7); 1.x ran its
%% websocket_init/3 before the decision.
calls_websocket_init(#data{gen = '1.x'}) -> false;
calls_websocket_init(#data{module = Module}) -> erlang:function_exported(Module, websocket_init, 1).

handler_call(Fun, Args, Rest, D = #data{module = Module, gen = Gen, req = Req, state = State}, Kind, [Cur | Done]) ->
    try call(Module, Fun, Args, Gen, Req, State) of
        Result -> result(Result, Rest, D, Kind, [Cur | Done])
    catch Class:Reason:Stacktrace ->
        %% Cowboy sends close 1011, calls terminate with the crash and re-raises (cowboy_websocket:handler_call/6): the
        %% crash is this event's answer, after what earlier events returned.
        send(Kind, [[{crash, Class, Reason} | Cur] | Done], D),
        terminate_handler({crash, Class, Reason}, D),
        case Gen of
            '1.x' ->
                %% Cowboy 1.x exits with the crash described (cowboy_websocket:handler_call/7).
                raise_1x(Class, [{reason, Reason}, {mfa, {Module, Fun, 3}}, {stacktrace, Stacktrace},
                                 {msg, hd(Args)}, {req, corral_bridge_req:to_list_1x(Req)}, {state, State}]);
            _ ->
                reraise(Class, Reason, Stacktrace)
        end
    end.

%% The callback with the generation's arguments; the one-argument 2.x calls (websocket_handle, websocket_info) are
%% direct calls, without building an argument list for apply/3.
call(Module, Fun, [Arg], Gen, _Req, State) when Gen =/= '1.x' -> Module:Fun(Arg, State);
call(Module, Fun, Args, '1.x', Req, State) -> apply(Module, Fun, Args ++ [Req, State]);
call(Module, Fun, Args, _Gen, _Req, State) -> apply(Module, Fun, Args ++ [State]).

result({Cmds, State}, Rest, D = #data{gen = '2.latest'}, Kind, [Cur | Done]) when is_list(Cmds) ->
    %% The common return, a list of text and binary frames with binary payloads, needs no normalizing: what
    %% corral_bridge_result:callback/2 would return for it is these same commands, no stop, no hibernate, the Req and
    %% the shutdown reason unchanged. Anything else takes the general path below.
    case data_frames(Cmds, Cur) of
        {ok, Cur2} -> run(Rest, D#data{state = State}, Kind, [Cur2 | Done], false);
        other -> result_general({Cmds, State}, Rest, D, Kind, [Cur | Done])
    end;
result(Result, Rest, D, Kind, Acc) ->
    result_general(Result, Rest, D, Kind, Acc).

%% Cmds pushed onto Acc (newest first, as the answers are built), or `other` when one is not a plain data frame.
data_frames([], Acc) -> {ok, Acc};
data_frames([C = {text, B} | T], Acc) when is_binary(B) -> data_frames(T, [C | Acc]);
data_frames([C = {binary, B} | T], Acc) when is_binary(B) -> data_frames(T, [C | Acc]);
data_frames(_, _) -> other.

result_general(Result, Rest, D = #data{gen = Gen}, Kind, [Cur | Done]) ->
    case corral_bridge_result:callback(Gen, Result) of
        invalid ->
            %% Not caught by Cowboy: the process dies, no close frame, no terminate (docs/contract/callbacks.md). What
            %% earlier events returned is sent; this event is left unanswered, so java-node sees the process die
            %% with the answer still missing and writes no close.
            send(Kind, case Cur of [] -> Done; _ -> [Cur | Done] end, D),
            erlang:error({try_clause, Result});
        Outcome = #{commands := Cmds, stop := Stop, hibernate := Hibernate, state := State} ->
            D2 = D#data{state = State, req = maps:get(req, Outcome, D#data.req),
                        shutdown_reason = shutdown_reason(Cmds, D#data.shutdown_reason)},
            Acc2 = [lists:reverse(Cmds ++ [hibernate || Hibernate], Cur) | Done],
            case Stop of
                true ->
                    send(Kind, Acc2, D2),
                    finish(stop, D2);
                false ->
                    run(Rest, D2, Kind, Acc2, Hibernate)
            end
    end.

send(_, [], _) ->
    ok;
send(replies, [Only], #data{conn = Conn}) ->
    %% One event in the batch, the common case under a steady load.
    Conn ! ?CORRAL_REPLIES(self(), [lists:reverse(Only)]),
    ok;
send(replies, Acc, #data{conn = Conn}) ->
    Conn ! ?CORRAL_REPLIES(self(), lists:foldl(fun(R, In) -> [lists:reverse(R) | In] end, [], Acc)),
    ok;
send(commands, [[]], _) ->
    ok;
send(commands, [Cur], #data{conn = Conn}) ->
    Conn ! ?CORRAL_COMMANDS(self(), lists:reverse(Cur)),
    ok.

%% The process ends with the crash, as Cowboy's does. gen_statem would take a thrown value for a callback result,
%% so a throw ends the process the way an uncaught throw ends a plain one.
reraise(throw, Reason, Stacktrace) -> erlang:raise(error, {nocatch, Reason}, Stacktrace);
reraise(Class, Reason, Stacktrace) -> erlang:raise(Class, Reason, Stacktrace).

%% Cowboy 1.x raises its description of a crash with the class of the original exception (erlang:Class(List)), so a
%% monitor sees {List, Stack} for an error, List for an exit and {{nocatch, List}, Stack} for a throw; the stack is
%% the raising process's own (here erlang-bridge's frames, in Cowboy its cowboy_websocket ones).
-spec raise_1x(error | exit | throw, [{atom(), term()}]) -> no_return().
raise_1x(error, Info) -> erlang:error(Info);
raise_1x(exit, Info) -> erlang:exit(Info);
raise_1x(throw, Info) -> erlang:error({nocatch, Info}).

shutdown_reason(Cmds, Current) ->
    lists:foldl(fun({shutdown_reason, R}, _) -> {ok, R}; (_, Acc) -> Acc end, Current, Cmds).

%% Ending the session.

closed(D) ->
    finish({error, closed}, D).

finish(NeutralReason, D) ->
    terminate_handler(NeutralReason, D),
    case NeutralReason of
        {crash, _, _} -> {stop, normal};
        _ -> {stop, corral_bridge_reason:exit_reason(D#data.shutdown_reason)}
    end.

terminate_handler(NeutralReason, #data{module = Module, gen = Gen, req = Req, state = State}) ->
    Reason = corral_bridge_reason:terminate_reason(Gen, NeutralReason),
    case Gen of
        '1.x' ->
            try Module:websocket_terminate(Reason, Req, State) of
                _ -> ok
            catch Class:Why:Stacktrace ->
                %% cowboy_websocket:handler_terminate/4 of 1.x.
                raise_1x(Class, [{reason, Why}, {mfa, {Module, websocket_terminate, 3}}, {stacktrace, Stacktrace},
                                 {req, corral_bridge_req:to_list_1x(Req)}, {state, State},
                                 {terminate_reason, Reason}])
            end;
        _ ->
            _ = call_terminate(Module, Reason, Req, State),
            ok
    end.

%% terminate/3 is optional in 2.x (cowboy_handler:terminate/4 checks function_exported).
call_terminate(Module, Reason, Req, State) ->
    case erlang:function_exported(Module, terminate, 3) of
        true -> Module:terminate(Reason, Req, State);
        false -> ok
    end.

decide(Decision, #data{conn = Conn}) ->
    Conn ! ?CORRAL_INIT_RESULT(self(), Decision),
    ok.

%% 2.x init/2, in a helper process whose pid is the Req's `pid` (see corral_bridge_req).

init_2x(Module, Gen, Spec = #{req := Info}) ->
    Opts = maps:get(opts, Spec, undefined),
    Req = corral_bridge_req:new_2x(Info, self(), 1),
    try Module:init(Req, Opts) of
        {ok, Req2, State} ->
            Decision = case take_reply_2x() of
                none -> no_reply;
                Reply -> Reply
            end,
            _ = call_terminate(Module, normal, Req2, State),
            {done, Decision};
        {cowboy_websocket, Req2, State} ->
            upgrade_2x(Gen, Req2, State, #{});
        {cowboy_websocket, Req2, State, WsOpts} when is_map(WsOpts) ->
            upgrade_2x(Gen, Req2, State, WsOpts);
        {Other, _Req2, _State} when is_atom(Other) ->
            {done, {crash, error, {unsupported_upgrade, Other}}};
        {Other, _Req2, _State, _} when is_atom(Other) ->
            {done, {crash, error, {unsupported_upgrade, Other}}}
    catch Class:Reason ->
        %% cowboy_handler:execute/2: terminate with the handler options as the state (docs/contract/close.md).
        _ = call_terminate(Module, {crash, Class, Reason}, Req, Opts),
        {done, {crash, Class, Reason}}
    end.

upgrade_2x(Gen, Req, State, WsOpts) ->
    PartialReq = case maps:get(req_filter, WsOpts, undefined) of
        undefined -> corral_bridge_req:partial_2x(Req, Gen);
        Filter -> Filter(Req)
    end,
    {upgrade, {upgrade, corral_bridge_req:resp_headers_2x(Req), ws_opts(Gen, WsOpts)}, PartialReq, State}.

take_reply_2x() ->
    Self = self(),
    receive
        {{Self, 1}, {response, Status, Headers, Body}} -> corral_bridge_req:response_2x(Status, Headers, Body)
    after 0 ->
        none
    end.

helper_reason({Reason, Stacktrace}) when is_list(Stacktrace) -> Reason;
helper_reason(Reason) -> Reason.

%% 1.x init/3 and websocket_init/3, in this process (docs/contract/callbacks.md).

init_1x(D = #data{module = Module, spec = Spec = #{req := Info}}) ->
    Opts = maps:get(opts, Spec, undefined),
    Transport = corral_bridge_req:transport_name(Info),
    Req = corral_bridge_req:new_1x(Info, self()),
    try Module:init({Transport, http}, Req, Opts) of
        {upgrade, protocol, cowboy_websocket} ->
            websocket_init_1x(Transport, Req, Opts, D);
        {upgrade, protocol, cowboy_websocket, Req2, Opts2} ->
            websocket_init_1x(Transport, Req2, Opts2, D);
        {shutdown, _Req2, _State} ->
            refusal_1x();
        Other ->
            {crash, error, {unsupported_init_return, Other}}
    catch Class:Reason:Stacktrace ->
        {raise, Class, Reason, [{reason, Reason}, {mfa, {Module, init, 3}}, {stacktrace, Stacktrace},
                                {req, corral_bridge_req:to_list_1x(Req)}, {opts, Opts}]}
    end.

websocket_init_1x(Transport, Req, Opts, D = #data{module = Module, spec = #{req := Info}}) ->
    Req2 = corral_bridge_req:upgraded_1x(Req, Info),
    try Module:websocket_init(Transport, Req2, Opts) of
        Result ->
            case corral_bridge_result:websocket_init_1x(Result) of
                {ok, Req3, State, Timeout, Hibernate} ->
                    Decision = {upgrade, corral_bridge_req:resp_headers_1x(Req3), ws_opts_1x(Timeout)},
                    {upgrade, Decision, Hibernate, D#data{req = Req3, state = State}};
                {shutdown, _Req3} ->
                    refusal_1x();
                invalid ->
                    {crash, error, {case_clause, Result}}
            end
    catch Class:Reason:Stacktrace ->
        %% Runs before the 101 in 1.x: the client gets a 500 and websocket_terminate/3 is not called.
        {raise, Class, Reason, [{reason, Reason}, {mfa, {Module, websocket_init, 3}}, {stacktrace, Stacktrace},
                                {req, corral_bridge_req:to_list_1x(Req2)}, {opts, Opts}]}
    end.

%% {shutdown, Req}: Cowboy 1.x answers 400 unless the handler replied (cowboy_req:ensure_response/2).
refusal_1x() ->
    case corral_bridge_req:take_reply_1x() of
        none -> no_reply;
        Reply -> Reply
    end.

%% The options Java applies, filled per generation (docs/contract/timeouts.md, frames.md, commands.md).
ws_opts('2.0', WsOpts) ->
    #{idle_timeout => maps:get(idle_timeout, WsOpts, 60000), max_frame_size => infinity,
      compress => maps:get(compress, WsOpts, false), validate_utf8 => true};
ws_opts(_, WsOpts) ->
    #{idle_timeout => maps:get(idle_timeout, WsOpts, 60000),
      max_frame_size => maps:get(max_frame_size, WsOpts, 1000000),
      compress => maps:get(compress, WsOpts, false),
      deflate_opts => maps:get(deflate_opts, WsOpts, #{}),
      validate_utf8 => maps:get(validate_utf8, WsOpts, true)}.

ws_opts_1x(Timeout) ->
    #{idle_timeout => Timeout, max_frame_size => infinity, compress => false, validate_utf8 => true}.

%% The generation comes from the module's exports; the profile only picks between 2.x flavours.
generation(Module, Profile) ->
    case erlang:function_exported(Module, init, 3) andalso not erlang:function_exported(Module, init, 2) of
        true -> '1.x';
        false when Profile =:= '2.0' -> '2.0';
        false -> '2.latest'
    end.
