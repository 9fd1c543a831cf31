%% End-to-end tests of the bridge: the test process plays java-node's connection (it is ConnPid), talks to the
%% registered corral_bridge with the contract messages only, and the handlers report their callbacks to it.
-module(corral_bridge_proxy_tests).

-include_lib("eunit/include/eunit.hrl").
-compile([export_all, nowarn_export_all]).
-include("corral_contract.hrl").

%% How long a test waits for what must arrive. Only a failing test waits it out, so it is generous: with 2 s a loaded
%% machine (eunit at 57 s instead of 2) timed out the missing-module open, whose answer then reached the next test's
%% open, which failed on it. Each test may take up to ?TEST_TIMEOUT seconds (eunit's default is 5).
-define(T, 10000).
-define(TEST_TIMEOUT, 60).

bridge_test_() ->
    {setup,
     fun() ->
         %% Crashing handlers log crash reports as under Cowboy; keep the test output readable.
         #{level := Level} = logger:get_primary_config(),
         ok = logger:set_primary_config(level, critical),
         {ok, Apps} = application:ensure_all_started(corral_bridge),
         {Level, Apps}
     end,
     fun({Level, Apps}) ->
         [application:stop(A) || A <- lists:reverse(Apps)],
         logger:set_primary_config(level, Level)
     end,
     [{atom_to_list(Name), {timeout, ?TEST_TIMEOUT, fun() -> run(Name) end}} || Name <- tests()]}.

tests() ->
    [ping_answers_the_contract_version,
     check_modules_names_missing_modules,
     open_with_missing_module_answers_a_crash_naming_it,
     upgrade_decision_has_2_latest_defaults,
     init_2_runs_outside_the_proxy_process,
     frames_are_echoed_in_one_batch_with_empty_ping_as_atom,
     websocket_init_commands_are_sent,
     commands_are_normalized,
     old_tuples_still_work_in_2_latest,
     close_in_list_drops_later_commands_and_terminates_with_stop,
     stop_uses_shutdown_reason_as_exit_reason,
     crash_in_websocket_handle_sends_crash_and_terminates,
     throw_in_websocket_info_sends_crash_and_terminates,
     crash_in_websocket_init_sends_crash_and_terminates,
     crash_in_init_2_is_a_crash_decision_and_terminate_gets_the_options,
     refusal_with_403_is_a_reply_decision_and_terminate_normal,
     refusal_without_reply_is_no_reply,
     subprotocol_chosen_in_init_is_in_the_upgrade_headers,
     timer_started_in_websocket_init_reaches_websocket_info,
     message_to_the_proxy_pid_reaches_websocket_info,
     messages_before_websocket_init_come_after_it,
     remote_close_terminates_with_partial_req,
     events_before_terminate_are_answered_before_terminate_runs,
     terminate_reasons_are_passed_through_for_2x,
     invalid_return_kills_the_proxy_without_terminate,
     hibernate_really_hibernates,
     no_link_and_only_abnormal_exits_are_reported,
     an_idle_proxy_hibernates_and_still_answers,
     down_terminates_with_error_closed,
     down_before_the_decision_stops_the_proxy,
     supervisor_calls_are_answered_in_2_latest,
     two_zero_tuples_echo_and_trap_exits,
     two_zero_rejects_command_lists,
     two_zero_stop_terminates_with_stop,
     one_x_runs_init_in_the_proxy_and_echoes,
     one_x_self_message_from_websocket_init_comes_before_frames,
     one_x_terminate_reasons_use_old_shapes,
     one_x_shutdown_in_websocket_init_is_no_reply_without_terminate,
     one_x_reply_then_shutdown_is_a_reply_decision,
     one_x_crash_in_websocket_init_is_a_crash_decision,
     one_x_crash_in_handle_terminates_with_error_handler,
     one_x_throw_in_handle_exits_nocatch_with_the_crash_described,
     one_x_exit_in_info_exits_with_the_crash_described,
     one_x_crash_in_init_exits_with_opts,
     one_x_crash_in_websocket_init_exits_with_opts,
     one_x_crash_in_websocket_terminate_exits_with_the_terminate_reason,
     one_x_shutdown_and_close_in_reply_terminate_with_normal_shutdown,
     one_x_websocket_init_hibernate,
     at_once_runs_websocket_init_after_the_decision_without_an_event,
     at_once_answer_holds_websocket_init_commands_then_frames_are_answered,
     at_once_crash_in_websocket_init_is_its_answer,
     at_once_in_one_x_keeps_the_hibernate_of_websocket_init,
     at_once_without_websocket_init_sends_no_answer,
     at_once_without_websocket_init_answers_a_message_that_came_first,
     at_once_refusal_sends_no_answer,
     at_once_proxy_hibernates_after_its_first_idle_period,
     idle_check_shaped_message_reaches_the_handler].

run(Name) ->
    process_flag(trap_exit, true),
    try ?MODULE:Name()
    after
        flush()
    end.

%% Harness.

req_info() ->
    #{method => <<"GET">>, version => 'HTTP/1.1', scheme => <<"http">>, host => <<"localhost">>, port => 8080,
      path => <<"/ws">>, qs => <<"a=1">>,
      headers => #{<<"sec-websocket-protocol">> => <<"MQTT, v2">>, <<"sec-websocket-version">> => <<"13">>},
      peer => {{127, 0, 0, 1}, 40000}, sock => {{127, 0, 0, 1}, 8080}, bindings => #{}, path_info => undefined,
      host_info => undefined, websocket_version => 13, websocket_compress => false}.

open(Module, Opts) -> open(Module, Opts, '2.latest').

open(Module, Opts, Profile) ->
    corral_bridge ! ?CORRAL_OPEN(self(), #{module => Module, opts => Opts, req => req_info(), profile => Profile}),
    receive ?CORRAL_INIT_RESULT(Proxy, Decision) -> {Proxy, Decision}
    after ?T -> error(no_init_result)
    end.

%% Opens and upgrades; returns the proxy pid, monitored.
upgrade(Module, Opts) -> upgrade(Module, Opts, '2.latest').

upgrade(Module, Opts, Profile) ->
    {Proxy, {upgrade, _, _}} = open(Module, Opts, Profile),
    erlang:monitor(process, Proxy),
    Proxy.

events(Proxy, Events) ->
    Proxy ! ?CORRAL_EVENTS(Events),
    ok.

%% The commands of a callback that answered no event from Java (a message or timer to the proxy itself).
commands(Proxy) ->
    receive ?CORRAL_COMMANDS(Proxy, Cmds) -> Cmds
    after ?T -> error(no_commands)
    end.

%% The answers to one events batch: one command list per event, in event order.
replies(Proxy) ->
    receive ?CORRAL_REPLIES(Proxy, Replies) -> Replies
    after ?T -> error(no_replies)
    end.

no_commands(Proxy) ->
    receive
        ?CORRAL_COMMANDS(Proxy, Cmds) -> error({unexpected_commands, Cmds});
        ?CORRAL_REPLIES(Proxy, Replies) -> error({unexpected_replies, Replies})
    after 100 -> ok
    end.

recorded(What) ->
    receive {corral_test, What, Detail} -> Detail
    after ?T -> error({not_recorded, What})
    end.

not_recorded(What) ->
    receive {corral_test, What, Detail} -> error({unexpected, What, Detail})
    after 100 -> ok
    end.

%% The exit reason corral_bridge reports to ConnPid (the test process) when its proxy exits other than normally.
%% Reports of earlier tests' proxies may still arrive: take the one that names Mfa.
exit_report(Mfa) ->
    receive
        ?CORRAL_EXIT(_Proxy, Reason) ->
            case lists:member({mfa, Mfa}, crash_info(Reason)) of
                true -> Reason;
                false -> exit_report(Mfa)
            end
    after ?T -> error(no_exit_report)
    end.

crash_info({Info, Stack}) when is_list(Info), is_list(Stack) -> Info;
crash_info(Info) when is_list(Info) -> Info;
crash_info(_) -> [].

down(Proxy) ->
    receive {'DOWN', _, process, Proxy, Reason} -> Reason
    after ?T -> error(proxy_still_alive)
    end.

flush() ->
    receive _ -> flush()
    after 0 -> ok
    end.

opts() -> #{test => self()}.

%% Bridge server.

ping_answers_the_contract_version() ->
    ?assertEqual({pong, 3}, gen_server:call(corral_bridge, ping)).

check_modules_names_missing_modules() ->
    ?assertEqual(ok, gen_server:call(corral_bridge, {check_modules, [ws_echo_h, ws_echo1_h]})),
    ?assertEqual({error, [{no_such_handler, nofile}, {lists, no_init}]},
                 gen_server:call(corral_bridge, {check_modules, [ws_echo_h, no_such_handler, lists]})).

open_with_missing_module_answers_a_crash_naming_it() ->
    ?assertMatch({_, {crash, error, {module_not_available, no_such_handler, nofile}}}, open(no_such_handler, #{})).

%% 2.latest.

upgrade_decision_has_2_latest_defaults() ->
    {Proxy, Decision} = open(ws_echo_h, opts()),
    ?assertEqual({upgrade, [], #{idle_timeout => 60000, max_frame_size => 1000000, compress => false,
                                 deflate_opts => #{}, validate_utf8 => true}}, Decision),
    ?assert(is_pid(Proxy)),
    %% Cowboy 2.6+'s deflate_opts reach Java as the handler gave them.
    {_, {upgrade, [], WithDeflate}} =
        open(ws_echo_h, (opts())#{ws_opts => #{compress => true, deflate_opts => #{level => best_speed}}}),
    ?assertEqual(#{level => best_speed}, maps:get(deflate_opts, WithDeflate)).

init_2_runs_outside_the_proxy_process() ->
    Proxy = upgrade(ws_echo_h, opts()),
    InitPid = recorded(init),
    events(Proxy, [websocket_init]),
    ?assertEqual(Proxy, recorded(websocket_init)),
    ?assertNotEqual(Proxy, InitPid, "Cowboy never runs init/2 in the ws process over HTTP/1.1").

frames_are_echoed_in_one_batch_with_empty_ping_as_atom() ->
    Proxy = upgrade(ws_echo_h, opts()),
    events(Proxy, [websocket_init, {frame, {text, <<"a">>}}, {frame, {binary, <<1, 2>>}}, {frame, {ping, <<>>}},
                   {frame, {ping, <<"p">>}}, {frame, {pong, <<>>}}]),
    ?assertEqual([[], [{text, <<"a">>}], [{binary, <<1, 2>>}], [{text, <<"ping-atom">>}], [{ping, <<"p">>}],
                  [{pong, <<>>}]],
                 replies(Proxy), "one answer per event, in event order, websocket_init's (empty) first"),
    _ = recorded(websocket_handle), _ = recorded(websocket_handle),
    ?assertEqual(ping, recorded(websocket_handle)),
    ?assertEqual({ping, <<"p">>}, recorded(websocket_handle)),
    ?assertEqual(pong, recorded(websocket_handle)).

websocket_init_commands_are_sent() ->
    Proxy = upgrade(ws_echo_h, (opts())#{init_commands => [{active, false}, {text, <<"hello">>}]}),
    events(Proxy, [websocket_init]),
    ?assertEqual([[{active, false}, {text, <<"hello">>}]], replies(Proxy)).

commands_are_normalized() ->
    Proxy = upgrade(ws_echo_h, opts()),
    events(Proxy, [websocket_init, {frame, {text, <<"commands">>}}]),
    ?assertEqual([[], [{active, false}, {deflate, false}, {set_options, #{idle_timeout => 1000}}, {text, <<"iolist">>}]],
                 replies(Proxy)).

old_tuples_still_work_in_2_latest() ->
    Proxy = upgrade(ws_echo_h, opts()),
    events(Proxy, [websocket_init, {frame, {text, <<"tuple">>}}]),
    ?assertEqual([[], [{text, <<"old">>}, {binary, <<"style">>}]], replies(Proxy)).

close_in_list_drops_later_commands_and_terminates_with_stop() ->
    Proxy = upgrade(ws_echo_h, opts()),
    events(Proxy, [websocket_init, {frame, {text, <<"close_then_more">>}}, {frame, {text, <<"never">>}}]),
    ?assertEqual([[], [{text, <<"before">>}, {close, 4000, <<"bye">>}]], replies(Proxy),
                 "the event after the close is not answered: the session ended"),
    ?assertMatch({stop, _}, recorded(terminate)),
    ?assertEqual(normal, down(Proxy)),
    no_commands(Proxy).

stop_uses_shutdown_reason_as_exit_reason() ->
    Proxy = upgrade(ws_echo_h, opts()),
    events(Proxy, [websocket_init]),
    ?assertEqual([[]], replies(Proxy)), % the websocket_init batch is always answered
    Proxy ! {set_shutdown_reason, bye},
    ?assertEqual([{shutdown_reason, bye}], commands(Proxy)),
    events(Proxy, [{frame, {text, <<"stop">>}}]),
    ?assertEqual([[stop]], replies(Proxy)),
    ?assertMatch({stop, _}, recorded(terminate)),
    ?assertEqual({shutdown, bye}, down(Proxy)).

crash_in_websocket_handle_sends_crash_and_terminates() ->
    Proxy = upgrade(ws_echo_h, opts()),
    events(Proxy, [websocket_init, {frame, {text, <<"ok">>}}, {frame, {text, <<"crash">>}}, {frame, {text, <<"x">>}}]),
    ?assertEqual([[], [{text, <<"ok">>}], [{crash, error, boom}]], replies(Proxy)),
    ?assertMatch({{crash, error, boom}, _}, recorded(terminate)),
    ?assertMatch({boom, [_ | _]}, down(Proxy)).

throw_in_websocket_info_sends_crash_and_terminates() ->
    Proxy = upgrade(ws_crash_h, #{test => self(), crash_in => websocket_info}),
    events(Proxy, [websocket_init]),
    ?assertEqual([[]], replies(Proxy)), % the websocket_init batch is always answered
    Proxy ! hello,
    ?assertEqual([{crash, throw, info_boom}], commands(Proxy)),
    ?assertEqual({crash, throw, info_boom}, recorded(terminate)),
    ?assertMatch({{nocatch, info_boom}, _}, down(Proxy)).

crash_in_websocket_init_sends_crash_and_terminates() ->
    Proxy = upgrade(ws_crash_h, #{test => self(), crash_in => websocket_init}),
    events(Proxy, [websocket_init]),
    ?assertEqual([[{crash, exit, websocket_init_boom}]], replies(Proxy)),
    ?assertEqual({crash, exit, websocket_init_boom}, recorded(terminate)),
    ?assertEqual(websocket_init_boom, down(Proxy)).

crash_in_init_2_is_a_crash_decision_and_terminate_gets_the_options() ->
    {_, Decision} = open(ws_crash_h, #{test => self(), crash_in => init}),
    ?assertEqual({crash, error, init_boom}, Decision),
    ?assertEqual({crash, error, init_boom}, recorded(terminate)).

refusal_with_403_is_a_reply_decision_and_terminate_normal() ->
    {_, Decision} = open(ws_refuse_h, opts()),
    ?assertMatch({reply, 403, _, <<"go away">>}, Decision),
    {reply, _, Headers, _} = Decision,
    ?assertEqual(<<"text/plain">>, proplists:get_value(<<"content-type">>, Headers)),
    ?assertEqual(normal, recorded(terminate)).

refusal_without_reply_is_no_reply() ->
    ?assertMatch({_, no_reply}, open(ws_refuse_h, (opts())#{no_reply => true})),
    ?assertEqual(normal, recorded(terminate)).

subprotocol_chosen_in_init_is_in_the_upgrade_headers() ->
    ?assertMatch({_, {upgrade, [{<<"sec-websocket-protocol">>, <<"MQTT">>}],
                      #{idle_timeout := infinity, compress := true}}},
                 open(ws_subproto_h, #{})).

timer_started_in_websocket_init_reaches_websocket_info() ->
    Proxy = upgrade(ws_timer_h, #{}),
    events(Proxy, [websocket_init]),
    ?assertEqual([[]], replies(Proxy)), % the websocket_init batch is always answered
    ?assertEqual([{text, <<"tick">>}], commands(Proxy)).

message_to_the_proxy_pid_reaches_websocket_info() ->
    Proxy = upgrade(ws_echo_h, opts()),
    events(Proxy, [websocket_init, {info, via_java}]),
    ?assertEqual([[], [{text, term_to_binary(via_java)}]], replies(Proxy)),
    Proxy ! direct,
    ?assertEqual([{text, term_to_binary(direct)}], commands(Proxy)),
    ?assertEqual(via_java, recorded(websocket_info)),
    ?assertEqual(direct, recorded(websocket_info)).

messages_before_websocket_init_come_after_it() ->
    Proxy = upgrade(ws_echo_h, opts()),
    Proxy ! early,
    events(Proxy, [websocket_init, {frame, {text, <<"late">>}}]),
    ?assertEqual([[{text, term_to_binary(early)}], [{text, <<"late">>}]], replies(Proxy),
                 "a message that reached the proxy first is part of websocket_init's answer"),
    ?assertEqual(Proxy, recorded(websocket_init)).

remote_close_terminates_with_partial_req() ->
    Proxy = upgrade(ws_echo_h, opts()),
    events(Proxy, [websocket_init, {terminate, remote}]),
    {Reason, PartialReq} = recorded(terminate),
    ?assertEqual(remote, Reason),
    ?assertEqual(lists:sort([method, version, scheme, host, port, path, qs, peer, streamid]),
                 lists:sort(maps:keys(PartialReq))),
    ?assertEqual(normal, down(Proxy)).

events_before_terminate_are_answered_before_terminate_runs() ->
    Proxy = upgrade(ws_echo_h, opts()),
    events(Proxy, [websocket_init, {frame, {text, <<"a">>}}, {frame, {ping, <<"p">>}}, {terminate, remote}]),
    ?assertEqual([[], [{text, <<"a">>}], [{ping, <<"p">>}]], replies(Proxy)),
    ?assertEqual({text, <<"a">>}, recorded(websocket_handle)),
    ?assertEqual({ping, <<"p">>}, recorded(websocket_handle)),
    ?assertMatch({remote, _}, recorded(terminate)),
    ?assertEqual(normal, down(Proxy)).

terminate_reasons_are_passed_through_for_2x() ->
    [begin
         Proxy = upgrade(ws_echo_h, opts()),
         events(Proxy, [websocket_init, {terminate, R}]),
         ?assertMatch({R, _}, recorded(terminate)),
         ?assertEqual(normal, down(Proxy))
     end || R <- [timeout, {remote, 1001, <<"away">>}, {error, badencoding}, {error, badsize}, stop]].

invalid_return_kills_the_proxy_without_terminate() ->
    Proxy = upgrade(ws_echo_h, opts()),
    events(Proxy, [websocket_init, {frame, {text, <<"a">>}}, {frame, {text, <<"invalid">>}}]),
    ?assertEqual([[], [{text, <<"a">>}]], replies(Proxy), "the invalid event is left unanswered"),
    ?assertMatch({{try_clause, _}, _}, down(Proxy)),
    not_recorded(terminate),
    receive ?CORRAL_EXIT(Proxy, {{try_clause, _}, _}) -> ok
    after ?T -> error("ConnPid must hear of the proxy's exit")
    end.

%% Nothing links ConnPid and the proxy: a link would cost the distribution connection messages per connection. A
%% normal exit is not reported; one that is not, is, once.
no_link_and_only_abnormal_exits_are_reported() ->
    Proxy = upgrade(ws_echo_h, opts()),
    ?assertEqual({links, [whereis(corral_bridge_proxy_sup)]}, process_info(Proxy, links)),
    events(Proxy, [websocket_init, {terminate, remote}]),
    ?assertEqual(normal, down(Proxy)),
    receive ?CORRAL_EXIT(Proxy, R) -> error({normal_exit_reported, R}) after 200 -> ok end,
    Killed = upgrade(ws_echo_h, opts()),
    events(Killed, [websocket_init]),
    _ = replies(Killed),
    exit(Killed, kill),
    receive ?CORRAL_EXIT(Killed, Why) -> ?assertEqual(killed, Why) after ?T -> error(no_exit_report) end,
    receive ?CORRAL_EXIT(Killed, _) -> error(reported_twice) after 200 -> ok end.

hibernate_really_hibernates() ->
    Proxy = upgrade(ws_echo_h, opts()),
    events(Proxy, [websocket_init, {frame, {text, <<"hibernate">>}}]),
    ?assertEqual([[], [{text, <<"zzz">>}, hibernate]], replies(Proxy)),
    timer:sleep(50),
    ?assertEqual({current_function, {erlang, hibernate, 3}}, process_info(Proxy, current_function)),
    events(Proxy, [{frame, {text, <<"awake">>}}]),
    ?assertEqual([[{text, <<"awake">>}]], replies(Proxy)).

%% Not the handler's hibernate: a proxy hibernates after a whole proxy_hibernate_after period (15 s by default,
%% 300 ms here) without an event or a message, the first one starting once websocket_init is answered. An idle
%% connection's process then holds only its live data; nothing changes for the handler or on the wire.
an_idle_proxy_hibernates_and_still_answers() ->
    application:set_env(corral_bridge, proxy_hibernate_after, 300),
    Proxy = try upgrade(ws_echo_h, opts()) after application:unset_env(corral_bridge, proxy_hibernate_after) end,
    events(Proxy, [websocket_init]),
    ?assertEqual([[]], replies(Proxy)),
    Hibernated = fun(P) -> process_info(P, current_function) =:= {current_function, {erlang, hibernate, 3}} end,
    wait_until(fun() -> Hibernated(Proxy) end, 5000),
    {total_heap_size, Words} = process_info(Proxy, total_heap_size),
    ?assert(Words < 233, "the hibernated heap holds the live data only, not the open request: "
                         ++ integer_to_list(Words) ++ " words"),
    events(Proxy, [{frame, {text, <<"after">>}}]),
    ?assertEqual([[{text, <<"after">>}]], replies(Proxy)),
    %% Woken by that event, it hibernates again once a period passed without another.
    wait_until(fun() -> Hibernated(Proxy) end, 5000),
    events(Proxy, [{frame, {text, <<"again">>}}]),
    ?assertEqual([[{text, <<"again">>}]], replies(Proxy)).

wait_until(Fun, Ms) when Ms =< 0 -> ?assert(Fun());
wait_until(Fun, Ms) ->
    case Fun() of
        true -> ok;
        false -> timer:sleep(50), wait_until(Fun, Ms - 50)
    end.

%% java-node sends `down` to corral_bridge when a connection ends without a terminate event (the client went away
%% before the decision, or the decision came too late to be used).
down_terminates_with_error_closed() ->
    Proxy = upgrade(ws_echo_h, opts()),
    events(Proxy, [websocket_init]),
    _ = replies(Proxy),
    corral_bridge ! ?CORRAL_DOWN(self()),
    ?assertMatch({{error, closed}, _}, recorded(terminate)),
    ?assertEqual(normal, down(Proxy)).

%% A `down` before the decision: the proxy stops without a session, so nothing is terminated.
down_before_the_decision_stops_the_proxy() ->
    Test = self(),
    corral_bridge ! ?CORRAL_OPEN(self(), #{module => ws_echo_h, opts => #{test => Test, mode => slow_init},
                                           req => req_info(), profile => '2.latest'}),
    %% init/2 runs in a helper the proxy started (and sleeps there): its parent is the proxy.
    Helper = recorded(init),
    {parent, Proxy} = process_info(Helper, parent),
    erlang:monitor(process, Proxy),
    corral_bridge ! ?CORRAL_DOWN(self()),
    ?assertEqual(normal, down(Proxy)),
    receive ?CORRAL_INIT_RESULT(Proxy, D) -> error({decision_after_down, D}) after 700 -> ok end,
    not_recorded(terminate).


supervisor_calls_are_answered_in_2_latest() ->
    Proxy = upgrade(ws_echo_h, opts()),
    events(Proxy, [websocket_init]),
    ?assertEqual([], supervisor:which_children(Proxy)),
    ?assertEqual({error, not_found}, gen_server:call(Proxy, anything)),
    not_recorded(websocket_info).

%% 2.0 tuples.

two_zero_tuples_echo_and_trap_exits() ->
    {Proxy, Decision} = open(ws_tuple_h, opts(), '2.0'),
    ?assertEqual({upgrade, [], #{idle_timeout => 5000, max_frame_size => infinity, compress => false,
                                 validate_utf8 => true}}, Decision),
    events(Proxy, [websocket_init, {frame, {text, <<"a">>}}, {frame, {ping, <<>>}}]),
    ?assertEqual({trap_exit, true}, recorded(websocket_init)),
    ?assertEqual([[], [{text, <<"a">>}], [{ping, <<>>}]], replies(Proxy)),
    ?assertEqual({text, <<"a">>}, recorded(websocket_handle)),
    ?assertEqual(ping, recorded(websocket_handle)),
    Proxy ! hi,
    ?assertEqual([{text, <<"info">>}, hibernate], commands(Proxy)).

two_zero_rejects_command_lists() ->
    {Proxy, _} = open(ws_tuple_h, opts(), '2.0'),
    erlang:monitor(process, Proxy),
    events(Proxy, [websocket_init, {frame, {text, <<"commands">>}}]),
    ?assertMatch({{try_clause, _}, _}, down(Proxy)),
    not_recorded(terminate).

two_zero_stop_terminates_with_stop() ->
    {Proxy, _} = open(ws_tuple_h, opts(), '2.0'),
    erlang:monitor(process, Proxy),
    events(Proxy, [websocket_init, {frame, {text, <<"stop">>}}]),
    ?assertEqual([[], [stop]], replies(Proxy)),
    {stop, PartialReq} = recorded(terminate),
    ?assertNot(maps:is_key(streamid, PartialReq), "2.0.0 did not keep streamid"),
    ?assertEqual(normal, down(Proxy)).

%% 1.x.

open1(Mode) -> open(ws_echo1_h, #{test => self(), mode => Mode}, '1.1').

one_x_runs_init_in_the_proxy_and_echoes() ->
    {Proxy, Decision} = open1(echo),
    ?assertEqual({upgrade, [{<<"sec-websocket-protocol">>, <<"MQTT">>}],
                  #{idle_timeout => 30000, max_frame_size => infinity, compress => false, validate_utf8 => true}},
                 Decision),
    ?assertEqual(Proxy, recorded(init)),
    ?assertEqual({Proxy, 13, true}, recorded(websocket_init)),
    events(Proxy, [websocket_init, {frame, {ping, <<>>}}]),
    ?assertEqual([[{text, term_to_binary(from_websocket_init)}], [{ping, <<>>}, hibernate]], replies(Proxy)),
    ?assertEqual({ping, <<>>}, recorded(websocket_handle)).

one_x_self_message_from_websocket_init_comes_before_frames() ->
    {Proxy, _} = open1(echo),
    events(Proxy, [websocket_init]),
    events(Proxy, [{frame, {text, <<"x">>}}]),
    ?assertEqual([[{text, term_to_binary(from_websocket_init)}]], replies(Proxy)),
    ?assertEqual([[{text, <<"x">>}, hibernate]], replies(Proxy)),
    ?assertEqual(from_websocket_init, recorded(websocket_info)).

one_x_terminate_reasons_use_old_shapes() ->
    [begin
         {Proxy, _} = open1(echo),
         erlang:monitor(process, Proxy),
         events(Proxy, [websocket_init, {terminate, Neutral}]),
         ?assertEqual({Old, http_req}, recorded(terminate)),
         ?assertEqual(normal, down(Proxy))
     end || {Neutral, Old} <- [{remote, {remote, closed}}, {timeout, {normal, timeout}},
                               {{remote, 1000, <<>>}, {remote, 1000, <<>>}}, {{error, closed}, {error, closed}}]].

one_x_shutdown_in_websocket_init_is_no_reply_without_terminate() ->
    ?assertMatch({_, no_reply}, open1(refuse)),
    not_recorded(terminate).

one_x_reply_then_shutdown_is_a_reply_decision() ->
    {_, Decision} = open1(refuse_403),
    ?assertMatch({reply, 403, _, <<"forbidden">>}, Decision),
    {reply, _, Headers, _} = Decision,
    ?assertEqual(<<"nope">>, proplists:get_value(<<"x-why">>, Headers)),
    not_recorded(terminate).

one_x_crash_in_websocket_init_is_a_crash_decision() ->
    ?assertMatch({_, {crash, error, ws_init_boom}}, open1(crash)),
    not_recorded(terminate).

one_x_crash_in_handle_terminates_with_error_handler() ->
    {Proxy, _} = open1(echo),
    erlang:monitor(process, Proxy),
    events(Proxy, [websocket_init, {frame, {text, <<"crash">>}}]),
    ?assertEqual([[{text, term_to_binary(from_websocket_init)}], [{crash, error, handle_boom}]], replies(Proxy)),
    ?assertEqual({{error, handler}, http_req}, recorded(terminate)),
    {Info, Stack} = down(Proxy),
    ?assertMatch([{reason, handle_boom}, {mfa, {ws_echo1_h, websocket_handle, 3}}, {stacktrace, [_ | _]},
                  {msg, {text, <<"crash">>}}, {req, [{socket, _} | _]}, {state, #{mode := echo}}], Info,
                 "Cowboy 1.x's exit reason shape (cowboy_websocket:handler_call/7)"),
    ?assertEqual(<<"/ws">>, proplists:get_value(path, proplists:get_value(req, Info)), "the Req as a property list"),
    ?assertMatch([_ | _], Stack).

one_x_throw_in_handle_exits_nocatch_with_the_crash_described() ->
    {Proxy, _} = open1(echo),
    erlang:monitor(process, Proxy),
    events(Proxy, [websocket_init, {frame, {text, <<"throw">>}}]),
    _ = replies(Proxy),
    ?assertMatch({{nocatch, [{reason, handle_thrown}, {mfa, {ws_echo1_h, websocket_handle, 3}} | _]}, [_ | _]},
                 down(Proxy)).

one_x_exit_in_info_exits_with_the_crash_described() ->
    {Proxy, _} = open1(echo),
    erlang:monitor(process, Proxy),
    events(Proxy, [websocket_init]),
    _ = replies(Proxy),
    Proxy ! crash,
    ?assertEqual([{crash, exit, info_boom}], commands(Proxy)),
    ?assertMatch([{reason, info_boom}, {mfa, {ws_echo1_h, websocket_info, 3}}, {stacktrace, _}, {msg, crash},
                  {req, _}, {state, _}], down(Proxy), "an exit is raised as an exit: the list itself, no stack").

one_x_crash_in_init_exits_with_opts() ->
    Test = self(),
    corral_bridge ! ?CORRAL_OPEN(self(), #{module => ws_echo1_h, opts => #{test => Test, mode => init_crash},
                                           req => req_info(), profile => '1.1'}),
    receive ?CORRAL_INIT_RESULT(_Proxy, Decision) ->
        ?assertEqual({crash, exit, init_boom}, Decision),
        %% The proxy may be gone before a monitor is set: corral_bridge, which watched it before it ran init/3,
        %% reports the same reason.
        ?assertMatch([{reason, init_boom}, {mfa, {ws_echo1_h, init, 3}}, {stacktrace, _}, {req, [_ | _]},
                      {opts, #{mode := init_crash}}], exit_report({ws_echo1_h, init, 3}), "cowboy_handler:handler_init/4's shape")
    after ?T -> error(no_init_result)
    end.

one_x_crash_in_websocket_init_exits_with_opts() ->
    {_Proxy, Decision} = open1(crash),
    ?assertEqual({crash, error, ws_init_boom}, Decision),
    ?assertMatch({[{reason, ws_init_boom}, {mfa, {ws_echo1_h, websocket_init, 3}}, {stacktrace, _}, {req, [_ | _]},
                   {opts, #{from_init := true}}], [_ | _]}, exit_report({ws_echo1_h, websocket_init, 3})).

one_x_crash_in_websocket_terminate_exits_with_the_terminate_reason() ->
    {Proxy, _} = open1(terminate_crash),
    erlang:monitor(process, Proxy),
    events(Proxy, [websocket_init, {terminate, remote}]),
    ?assertMatch({[{reason, terminate_boom}, {mfa, {ws_echo1_h, websocket_terminate, 3}}, {stacktrace, _},
                   {req, [_ | _]}, {state, _}, {terminate_reason, {remote, closed}}], [_ | _]}, down(Proxy)).

one_x_shutdown_and_close_in_reply_terminate_with_normal_shutdown() ->
    {P1, _} = open1(echo),
    erlang:monitor(process, P1),
    events(P1, [websocket_init, {frame, {text, <<"shutdown">>}}]),
    ?assertEqual([[{text, term_to_binary(from_websocket_init)}], [stop]], replies(P1)),
    ?assertEqual({{normal, shutdown}, http_req}, recorded(terminate)),
    ?assertEqual(normal, down(P1)),
    {P2, _} = open1(echo),
    erlang:monitor(process, P2),
    events(P2, [websocket_init, {frame, {text, <<"close_then_more">>}}]),
    ?assertEqual([[{text, term_to_binary(from_websocket_init)}], [{text, <<"a">>}, close]], replies(P2)),
    ?assertEqual({{normal, shutdown}, http_req}, recorded(terminate)),
    ?assertEqual(normal, down(P2)).

one_x_websocket_init_hibernate() ->
    {Proxy, {upgrade, [], #{idle_timeout := infinity}}} = open1(hibernate),
    timer:sleep(50),
    ?assertEqual({current_function, {erlang, hibernate, 3}}, process_info(Proxy, current_function)).

%% `websocket_init => at_once` in the open spec (what java-node sends): websocket_init runs right after the decision
%% and its answer follows it as one `replies` message, without a `websocket_init` event (CONTRACT.md section 2).

open_at_once(Module, Opts, Profile) ->
    corral_bridge ! ?CORRAL_OPEN(self(), #{module => Module, opts => Opts, req => req_info(), profile => Profile,
                                           websocket_init => at_once}),
    receive ?CORRAL_INIT_RESULT(Proxy, Decision) -> {Proxy, Decision}
    after ?T -> error(no_init_result)
    end.

at_once_runs_websocket_init_after_the_decision_without_an_event() ->
    {Proxy, {upgrade, [], Opts}} = open_at_once(ws_echo_h, opts(), '2.latest'),
    erlang:monitor(process, Proxy),
    ?assertEqual(ran, maps:get(websocket_init, Opts), "the decision says websocket_init ran, so Java sends no event"),
    ?assertEqual(Proxy, recorded(websocket_init)),
    ?assertEqual([[]], replies(Proxy), "websocket_init's answer is sent even when empty"),
    no_commands(Proxy).

%% As after the websocket_init event: an idle connection's proxy does not keep its full heap until its first event.
at_once_proxy_hibernates_after_its_first_idle_period() ->
    application:set_env(corral_bridge, proxy_hibernate_after, 300),
    {Proxy, {upgrade, [], _}} =
        try open_at_once(ws_echo_h, opts(), '2.latest') after application:unset_env(corral_bridge, proxy_hibernate_after) end,
    ?assertEqual([[]], replies(Proxy)),
    %% Not at once (that cost every upgrade a full sweep and a new heap), but once a period passed.
    ?assertNotEqual({current_function, {erlang, hibernate, 3}}, process_info(Proxy, current_function)),
    wait_until(fun() -> process_info(Proxy, current_function) =:= {current_function, {erlang, hibernate, 3}} end, 5000),
    {total_heap_size, Words} = process_info(Proxy, total_heap_size),
    ?assert(Words < 233, "the hibernated heap holds the live data only, not the open request: "
                         ++ integer_to_list(Words) ++ " words"),
    events(Proxy, [{frame, {text, <<"woken">>}}]),
    ?assertEqual([[{text, <<"woken">>}]], replies(Proxy)).

%% The idle check's timer message is the proxy's own, told by its reference: a handler's message of the same shape
%% still reaches websocket_info.
idle_check_shaped_message_reaches_the_handler() ->
    {Proxy, {upgrade, [], _}} = open_at_once(ws_echo_h, opts(), '2.latest'),
    ?assertEqual([[]], replies(Proxy)),
    Msg = {timeout, make_ref(), '$corral_idle_check'},
    Proxy ! Msg,
    ?assertEqual(Msg, recorded(websocket_info)),
    ?assertEqual([{text, term_to_binary(Msg)}], commands(Proxy)).

at_once_answer_holds_websocket_init_commands_then_frames_are_answered() ->
    {Proxy, {upgrade, _, _}} =
        open_at_once(ws_echo_h, (opts())#{init_commands => [{active, false}, {text, <<"hello">>}]}, '2.latest'),
    ?assertEqual([[{active, false}, {text, <<"hello">>}]], replies(Proxy)),
    events(Proxy, [{frame, {text, <<"a">>}}, {terminate, remote}]),
    ?assertEqual([[{text, <<"a">>}]], replies(Proxy)),
    ?assertMatch({remote, _}, recorded(terminate)).

at_once_crash_in_websocket_init_is_its_answer() ->
    {Proxy, {upgrade, _, _}} = open_at_once(ws_crash_h, #{test => self(), crash_in => websocket_init}, '2.latest'),
    erlang:monitor(process, Proxy),
    ?assertEqual([[{crash, exit, websocket_init_boom}]], replies(Proxy)),
    ?assertEqual({crash, exit, websocket_init_boom}, recorded(terminate)),
    %% It may be gone before the monitor was set (noproc): websocket_init ran before the decision reached us.
    ?assert(lists:member(down(Proxy), [websocket_init_boom, noproc])).

at_once_in_one_x_keeps_the_hibernate_of_websocket_init() ->
    {Proxy, {upgrade, [], #{websocket_init := empty}}} =
        open_at_once(ws_echo1_h, #{test => self(), mode => hibernate}, '1.1'),
    no_commands(Proxy), % 1.x ran websocket_init/3 before the decision: nothing is left to answer
    timer:sleep(50),
    ?assertEqual({current_function, {erlang, hibernate, 3}}, process_info(Proxy, current_function)).

%% Cowboy 2 calls websocket_init/1 only if exported (cowboy_websocket:takeover/7): with no message waiting either,
%% the decision says so and no answer follows; the session's first event is answered as usual.
at_once_without_websocket_init_sends_no_answer() ->
    {Proxy, {upgrade, [], Opts}} = open_at_once(ws_noinit_h, #{}, '2.latest'),
    ?assertEqual(empty, maps:get(websocket_init, Opts), "nothing ran: Java waits for no answer and sends no event"),
    no_commands(Proxy),
    events(Proxy, [{frame, {text, <<"first">>}}]),
    ?assertEqual([[{text, <<"first">>}]], replies(Proxy)),
    Proxy ! later,
    ?assertEqual([{text, term_to_binary(later)}], commands(Proxy)).

%% A message that reached the proxy before its decision goes to websocket_info first; its commands are the answer
%% that follows the decision, as websocket_init's would be.
at_once_without_websocket_init_answers_a_message_that_came_first() ->
    {Proxy, {upgrade, [], Opts}} = open_at_once(ws_noinit_h, #{poke_parent => early}, '2.latest'),
    ?assertEqual(ran, maps:get(websocket_init, Opts)),
    ?assertEqual([[{text, term_to_binary(early)}]], replies(Proxy)),
    no_commands(Proxy).

at_once_refusal_sends_no_answer() ->
    {Proxy, Decision} = open_at_once(ws_refuse_h, opts(), '2.latest'),
    ?assertMatch({reply, 403, _, _}, Decision),
    ?assertEqual(normal, recorded(terminate)),
    no_commands(Proxy).
