%% Pure translation of a handler callback's return value into the contract's normalized commands.
%%
%% One function per generation of return shapes, as Cowboy itself keeps its deprecated tuple forms apart:
%%   '1.x'      {ok|reply|shutdown, ...} tuples that carry the Req (docs/contract/callbacks.md, return values)
%%   '2.0'      {ok|reply|stop, ...} tuples without Req (4.2); command lists are unknown to 2.0.0
%%   '2.latest' {Commands, State[, hibernate]} (2.5+) plus every 2.0 tuple (4.3)
%% Anything else is `invalid`: Cowboy does not catch those, the process dies without close frame or terminate (4).
-module(corral_bridge_result).

-export([callback/2, websocket_init_1x/1, frame_out/1, frames_out/1]).

%% A 1.x websocket_init/3 timeout: infinity or milliseconds.
-define(IS_TIMEOUT(T), (T =:= infinity orelse (is_integer(T) andalso T >= 0))).

-export_type([generation/0, command/0, frame/0, outcome/0, init_1x/0]).

-type generation() :: '1.x' | '2.0' | '2.latest'.
-type frame() :: {text | binary | ping | pong, binary()} | close | {close, binary()}
               | {close, non_neg_integer(), binary()}.
-type command() :: frame() | stop | {active, boolean()} | {deflate, boolean()} | {set_options, map()}
                 | {shutdown_reason, term()} | hibernate.

%% commands: what Java must do, in order, already cut after a close frame or stop (section 6);
%% stop: the session ends after these commands (the proxy calls terminate with `stop` itself);
%% hibernate: the handler asked to hibernate (never together with stop);
%% req: only for 1.x, the Req the handler returned.
-type outcome() :: #{commands := [command()], stop := boolean(), hibernate := boolean(),
                     state := term(), req => term()}.

-type init_1x() :: {ok, Req :: term(), State :: term(), timeout(), Hibernate :: boolean()}
                 | {shutdown, Req :: term()}.

%% @doc Normalizes the return of websocket_init (2.x), websocket_handle or websocket_info.
-spec callback(generation(), term()) -> outcome() | invalid.
callback('1.x', Result) -> callback_1x(Result);
callback('2.0', Result) -> callback_tuple(Result);
callback('2.latest', {Cmds, State}) when is_list(Cmds) -> commands(Cmds, State, false);
callback('2.latest', {Cmds, State, hibernate}) when is_list(Cmds) -> commands(Cmds, State, true);
callback('2.latest', Result) -> callback_tuple(Result);
callback(_, _) -> invalid.

%% @doc Normalizes the return of 1.x websocket_init/3 (docs/contract/callbacks.md, return values).
-spec websocket_init_1x(term()) -> init_1x() | invalid.
websocket_init_1x({ok, Req, State}) -> {ok, Req, State, infinity, false};
websocket_init_1x({ok, Req, State, hibernate}) -> {ok, Req, State, infinity, true};
websocket_init_1x({ok, Req, State, Timeout}) when ?IS_TIMEOUT(Timeout) -> {ok, Req, State, Timeout, false};
websocket_init_1x({ok, Req, State, Timeout, hibernate}) when ?IS_TIMEOUT(Timeout) -> {ok, Req, State, Timeout, true};
websocket_init_1x({shutdown, Req}) -> {shutdown, Req};
websocket_init_1x(_) -> invalid.

%% @doc One outgoing frame in its normalized shape, or `invalid` (unknown shape, or a control frame payload over
%% 125 bytes / close reason over 123 bytes, which Cowboy and cowlib assert on and crash: section 5).
-spec frame_out(term()) -> frame() | invalid.
frame_out(close) -> close;
frame_out(ping) -> {ping, <<>>};
frame_out(pong) -> {pong, <<>>};
frame_out({Type, Data}) when Type =:= text; Type =:= binary ->
    case to_binary(Data) of
        invalid -> invalid;
        Bin -> {Type, Bin}
    end;
frame_out({Type, Data}) when Type =:= ping; Type =:= pong; Type =:= close ->
    case to_binary(Data) of
        Bin when is_binary(Bin), byte_size(Bin) =< 125, Type =/= close -> {Type, Bin};
        Bin when is_binary(Bin), byte_size(Bin) =< 123 -> {close, Bin};
        _ -> invalid
    end;
frame_out({close, Code, Data}) when is_integer(Code), Code >= 0, Code =< 65535 ->
    case to_binary(Data) of
        Bin when is_binary(Bin), byte_size(Bin) =< 123 -> {close, Code, Bin};
        _ -> invalid
    end;
frame_out(_) -> invalid.

%% @doc A `reply` payload (one frame or a list of frames) cut after the first close frame.
-spec frames_out(term()) -> {[frame()], Closed :: boolean()} | invalid.
frames_out(Frames) when is_list(Frames) -> frames_out(Frames, []);
frames_out(Frame) -> frames_out([Frame], []).

%% Internal.

callback_1x({ok, Req, State}) -> outcome([], false, false, State, Req);
callback_1x({ok, Req, State, hibernate}) -> outcome([], false, true, State, Req);
callback_1x({reply, Frames, Req, State}) -> reply(Frames, false, State, Req);
callback_1x({reply, Frames, Req, State, hibernate}) -> reply(Frames, true, State, Req);
callback_1x({shutdown, Req, State}) -> outcome([stop], true, false, State, Req);
callback_1x(_) -> invalid.

callback_tuple({ok, State}) -> outcome([], false, false, State);
callback_tuple({ok, State, hibernate}) -> outcome([], false, true, State);
callback_tuple({reply, Frames, State}) -> reply(Frames, false, State, none);
callback_tuple({reply, Frames, State, hibernate}) -> reply(Frames, true, State, none);
callback_tuple({stop, State}) -> outcome([stop], true, false, State);
callback_tuple(_) -> invalid.

reply(Frames, Hibernate, State, Req) ->
    case frames_out(Frames) of
        invalid -> invalid;
        {Out, Closed} -> outcome(Out, Closed, Hibernate, State, Req)
    end.

frames_out([], Acc) -> {lists:reverse(Acc), false};
frames_out([Frame | Rest], Acc) ->
    case frame_out(Frame) of
        invalid -> invalid;
        Out ->
            case is_close(Out) of
                true -> {lists:reverse([Out | Acc]), true};
                false -> frames_out(Rest, [Out | Acc])
            end
    end;
frames_out(_, _) -> invalid.

%% The 2.5+ command list (2L/ws commands/3). Unknown elements are handed to cow_ws:frame/2 by Cowboy and crash the
%% process outside the callback's try, so they make the whole return invalid.
commands(Cmds, State, Hibernate) ->
    case commands(Cmds, []) of
        invalid -> invalid;
        {Out, Closed} -> outcome(Out, Closed, Hibernate, State)
    end.

commands([], Acc) -> {lists:reverse(Acc), false};
commands([{active, A} = C | Rest], Acc) when is_boolean(A) -> commands(Rest, [C | Acc]);
commands([{deflate, D} = C | Rest], Acc) when is_boolean(D) -> commands(Rest, [C | Acc]);
commands([{set_options, M} = C | Rest], Acc) when is_map(M) -> commands(Rest, [C | Acc]);
commands([{shutdown_reason, _} = C | Rest], Acc) -> commands(Rest, [C | Acc]);
commands([Frame | Rest], Acc) ->
    case frame_out(Frame) of
        invalid -> invalid;
        Out ->
            case is_close(Out) of
                true -> {lists:reverse([Out | Acc]), true};
                false -> commands(Rest, [Out | Acc])
            end
    end;
commands(_, _) -> invalid.

is_close(close) -> true;
is_close({close, _}) -> true;
is_close({close, _, _}) -> true;
is_close(_) -> false.

outcome(Cmds, Stop, Hibernate, State) ->
    #{commands => Cmds, stop => Stop, hibernate => Hibernate andalso not Stop, state => State}.

outcome(Cmds, Stop, Hibernate, State, none) -> outcome(Cmds, Stop, Hibernate, State);
outcome(Cmds, Stop, Hibernate, State, Req) -> (outcome(Cmds, Stop, Hibernate, State))#{req => Req}.

to_binary(Data) ->
    try iolist_to_binary(Data)
    catch error:badarg -> invalid
    end.

-ifdef(TEST).
-include_lib("eunit/include/eunit.hrl").

two_latest_commands_are_normalized_test() ->
    ?assertEqual(#{commands => [{text, <<"ab">>}, {ping, <<>>}, {active, false}, {deflate, true},
                                {set_options, #{idle_timeout => 5}}, {shutdown_reason, bye}],
                   stop => false, hibernate => true, state => s},
                 callback('2.latest', {[{text, [<<"a">>, "b"]}, ping, {active, false}, {deflate, true},
                                        {set_options, #{idle_timeout => 5}}, {shutdown_reason, bye}], s, hibernate})).

commands_after_a_close_frame_are_dropped_test() ->
    ?assertMatch(#{commands := [{text, <<"x">>}, {close, 1001, <<"bye">>}], stop := true, hibernate := false},
                 callback('2.latest', {[{text, <<"x">>}, {close, 1001, <<"bye">>}, {text, <<"y">>}, {active, false}], s, hibernate})).

empty_command_list_is_valid_test() ->
    ?assertEqual(#{commands => [], stop => false, hibernate => false, state => s}, callback('2.latest', {[], s})).

unknown_command_makes_the_return_invalid_test() ->
    ?assertEqual(invalid, callback('2.latest', {[{foo}], s})),
    ?assertEqual(invalid, callback('2.latest', {[{active, maybe}], s})),
    ?assertEqual(invalid, callback('2.latest', [{text, <<"x">>}])),
    ?assertEqual(invalid, callback('2.latest', ok)).

two_zero_does_not_know_command_lists_test() ->
    ?assertEqual(invalid, callback('2.0', {[{text, <<"x">>}], s})).

two_x_tuples_are_accepted_by_both_2x_generations_test() ->
    [begin
         ?assertMatch(#{commands := [], stop := false, hibernate := false, state := s}, callback(G, {ok, s})),
         ?assertMatch(#{hibernate := true}, callback(G, {ok, s, hibernate})),
         ?assertMatch(#{commands := [{text, <<"a">>}]}, callback(G, {reply, {text, <<"a">>}, s})),
         ?assertMatch(#{commands := [{text, <<"a">>}, {binary, <<"b">>}], hibernate := true},
                      callback(G, {reply, [{text, <<"a">>}, {binary, <<"b">>}], s, hibernate})),
         ?assertMatch(#{commands := [stop], stop := true}, callback(G, {stop, s})),
         ?assertEqual(invalid, callback(G, {reply, {active, true}, s})),
         ?assertEqual(invalid, callback(G, {shutdown, s}))
     end || G <- ['2.0', '2.latest']].

one_x_tuples_carry_the_req_test() ->
    ?assertEqual(#{commands => [], stop => false, hibernate => false, state => s, req => r},
                 callback('1.x', {ok, r, s})),
    ?assertMatch(#{hibernate := true, req := r}, callback('1.x', {ok, r, s, hibernate})),
    ?assertMatch(#{commands := [{text, <<"a">>}, close], stop := true, req := r2},
                 callback('1.x', {reply, [{text, <<"a">>}, close, {text, <<"lost">>}], r2, s})),
    ?assertMatch(#{commands := [{pong, <<"p">>}], hibernate := true}, callback('1.x', {reply, {pong, <<"p">>}, r, s, hibernate})),
    ?assertMatch(#{commands := [stop], stop := true, req := r}, callback('1.x', {shutdown, r, s})),
    ?assertEqual(invalid, callback('1.x', {ok, s})),
    ?assertEqual(invalid, callback('1.x', {stop, s})).

websocket_init_1x_shapes_test() ->
    ?assertEqual({ok, r, s, infinity, false}, websocket_init_1x({ok, r, s})),
    ?assertEqual({ok, r, s, infinity, true}, websocket_init_1x({ok, r, s, hibernate})),
    ?assertEqual({ok, r, s, 5000, false}, websocket_init_1x({ok, r, s, 5000})),
    ?assertEqual({ok, r, s, 5000, true}, websocket_init_1x({ok, r, s, 5000, hibernate})),
    ?assertEqual({shutdown, r}, websocket_init_1x({shutdown, r})),
    ?assertEqual(invalid, websocket_init_1x({ok, r, s, -1})),
    ?assertEqual(invalid, websocket_init_1x({reply, x, r, s})).

frames_are_flattened_and_checked_test() ->
    ?assertEqual({close, <<"r">>}, frame_out({close, [$r]})),
    ?assertEqual({close, 4000, <<>>}, frame_out({close, 4000, ""})),
    ?assertEqual(invalid, frame_out({ping, binary:copy(<<"x">>, 126)})),
    ?assertEqual({ping, binary:copy(<<"x">>, 125)}, frame_out({ping, binary:copy(<<"x">>, 125)})),
    ?assertEqual(invalid, frame_out({close, 1000, binary:copy(<<"x">>, 124)})),
    ?assertEqual(invalid, frame_out({text, [atom]})),
    ?assertEqual(invalid, frame_out({close, 70000, <<>>})),
    ?assertEqual({binary, binary:copy(<<"x">>, 200)}, frame_out({binary, binary:copy(<<"x">>, 200)})).
-endif.
