%% Pure translation of the contract's neutral terminate reasons into each generation's terms
%% (docs/contract/close.md), and of incoming frames into each generation's shape (docs/contract/frames.md).
-module(corral_bridge_reason).

-export([terminate_reason/2, frame_in/2, exit_reason/1]).

-export_type([neutral/0]).

-type neutral() :: stop | shutdown | timeout | remote | {remote, non_neg_integer(), binary()}
                 | {error, atom()} | {crash, error | exit | throw, term()}.

%% @doc The reason given to terminate/3 (2.x) or websocket_terminate/3 (1.x).
-spec terminate_reason(corral_bridge_result:generation(), neutral()) -> term().
terminate_reason('1.x', stop) -> {normal, shutdown};
%% The server drains (close 1001): 1.x has no reason of its own for it; {normal, shutdown} is its normal end.
terminate_reason('1.x', shutdown) -> {normal, shutdown};
terminate_reason('1.x', timeout) -> {normal, timeout};
terminate_reason('1.x', remote) -> {remote, closed};
terminate_reason('1.x', {crash, _, _}) -> {error, handler};
terminate_reason(_, Reason) -> Reason.

%% @doc The frame a handler sees: 2.x shows empty ping/pong as bare atoms (cow_ws make_frame/4), 1.x never does.
-spec frame_in(corral_bridge_result:generation(), {text | binary | ping | pong, binary()})
    -> {text | binary | ping | pong, binary()} | ping | pong.
frame_in('1.x', Frame) -> Frame;
frame_in(_, {ping, <<>>}) -> ping;
frame_in(_, {pong, <<>>}) -> pong;
frame_in(_, Frame) -> Frame.

%% @doc The proxy's exit reason after a normal end: `normal`, or `{shutdown, R}` once `{shutdown_reason, R}` was
%% returned (2.7+, section 7). Crashes keep their own reason.
-spec exit_reason(undefined | {ok, term()}) -> normal | {shutdown, term()}.
exit_reason(undefined) -> normal;
exit_reason({ok, R}) -> {shutdown, R}.

-ifdef(TEST).
-include_lib("eunit/include/eunit.hrl").

one_x_reasons_use_the_old_shapes_test() ->
    ?assertEqual({normal, shutdown}, terminate_reason('1.x', stop)),
    ?assertEqual({normal, timeout}, terminate_reason('1.x', timeout)),
    ?assertEqual({normal, shutdown}, terminate_reason('1.x', shutdown)),
    ?assertEqual({remote, closed}, terminate_reason('1.x', remote)),
    ?assertEqual({remote, 1001, <<"x">>}, terminate_reason('1.x', {remote, 1001, <<"x">>})),
    ?assertEqual({error, closed}, terminate_reason('1.x', {error, closed})),
    ?assertEqual({error, badencoding}, terminate_reason('1.x', {error, badencoding})),
    ?assertEqual({error, handler}, terminate_reason('1.x', {crash, error, boom})).

two_x_reasons_are_the_neutral_ones_test() ->
    [?assertEqual(R, terminate_reason(G, R))
     || G <- ['2.0', '2.latest'],
        R <- [stop, shutdown, timeout, remote, {remote, 1000, <<>>}, {error, closed}, {error, badframe}, {error, badsize},
              {crash, throw, x}]].

empty_control_frames_are_atoms_only_in_2x_test() ->
    ?assertEqual(ping, frame_in('2.latest', {ping, <<>>})),
    ?assertEqual(pong, frame_in('2.0', {pong, <<>>})),
    ?assertEqual({ping, <<"a">>}, frame_in('2.latest', {ping, <<"a">>})),
    ?assertEqual({ping, <<>>}, frame_in('1.x', {ping, <<>>})),
    ?assertEqual({text, <<>>}, frame_in('2.latest', {text, <<>>})).

exit_reason_follows_shutdown_reason_test() ->
    ?assertEqual(normal, exit_reason(undefined)),
    ?assertEqual({shutdown, bye}, exit_reason({ok, bye})).
-endif.
