%% Test handler, Cowboy 2.5+ commands interface: echoes frames and reports every callback to the test process
%% given in the route options (#{test := Pid}). Special text frames drive the scenarios.
-module(ws_echo_h).
-export([init/2, websocket_init/1, websocket_handle/2, websocket_info/2, terminate/3]).

init(Req, Opts = #{test := T}) ->
    T ! {corral_test, init, self()},
    %% An init/2 that takes its time, for what happens meanwhile.
    maps:get(mode, Opts, undefined) =:= slow_init andalso timer:sleep(500),
    {cowboy_websocket, Req, Opts, maps:get(ws_opts, Opts, #{})}.

websocket_init(S = #{test := T}) ->
    T ! {corral_test, websocket_init, self()},
    {maps:get(init_commands, S, []), S}.

websocket_handle(Frame, S = #{test := T}) ->
    T ! {corral_test, websocket_handle, Frame},
    handle(Frame, S).

handle(ping, S) -> {[{text, <<"ping-atom">>}], S};
handle({text, <<"close_then_more">>}, S) -> {[{text, <<"before">>}, {close, 4000, <<"bye">>}, {text, <<"lost">>}, {active, false}], S};
handle({text, <<"stop">>}, S) -> {stop, S};
handle({text, <<"crash">>}, _S) -> erlang:error(boom);
handle({text, <<"throw">>}, _S) -> throw(thrown);
handle({text, <<"invalid">>}, S) -> {[{unknown_command}], S};
handle({text, <<"hibernate">>}, S) -> {[{text, <<"zzz">>}], S, hibernate};
handle({text, <<"tuple">>}, S) -> {reply, [{text, <<"old">>}, {binary, <<"style">>}], S};
handle({text, <<"commands">>}, S) -> {[{active, false}, {deflate, false}, {set_options, #{idle_timeout => 1000}}, {text, [<<"io">>, "list"]}], S};
handle(Frame, S) -> {[Frame], S}.

websocket_info({send, Cmds}, S) -> {Cmds, S};
websocket_info({set_shutdown_reason, R}, S) -> {[{shutdown_reason, R}], S};
websocket_info(crash, _S) -> erlang:exit(info_boom);
websocket_info(Msg, S = #{test := T}) ->
    T ! {corral_test, websocket_info, Msg},
    {[{text, term_to_binary(Msg)}], S}.

terminate(Reason, Req, #{test := T}) ->
    T ! {corral_test, terminate, {Reason, Req}},
    ok;
terminate(Reason, Req, Opts) ->
    %% After an init/2 crash, the state argument is the route options (Cowboy's cowboy_handler:terminate/4).
    (maps:get(test, Opts)) ! {corral_test, terminate, {Reason, Req}},
    ok.
