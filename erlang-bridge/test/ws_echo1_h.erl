%% Test handler, Cowboy 1.x: init/3 + websocket_init/3, Req threaded through every callback.
-module(ws_echo1_h).
-export([init/3, websocket_init/3, websocket_handle/3, websocket_info/3, websocket_terminate/3]).

init({tcp, http}, _Req, #{mode := init_crash}) ->
    erlang:exit(init_boom);
init({tcp, http}, Req, Opts = #{test := T}) ->
    T ! {corral_test, init, self()},
    {upgrade, protocol, cowboy_websocket, Req, Opts#{from_init => true}}.

websocket_init(tcp, Req, Opts = #{test := T, mode := Mode}) ->
    {Version, Req1} = cowboy_req:meta(websocket_version, Req),
    T ! {corral_test, websocket_init, {self(), Version, maps:get(from_init, Opts)}},
    case Mode of
        echo ->
            %% Queued before any client frame, as under Cowboy 1.x (docs/contract/callbacks.md).
            self() ! from_websocket_init,
            {ok, Protos, Req2} = cowboy_req:parse_header(<<"sec-websocket-protocol">>, Req1),
            Req3 = case Protos of
                [P | _] -> cowboy_req:set_resp_header(<<"sec-websocket-protocol">>, P, Req2);
                undefined -> Req2
            end,
            {ok, Req3, Opts, 30000};
        hibernate ->
            {ok, Req1, Opts, hibernate};
        refuse ->
            {shutdown, Req1};
        refuse_403 ->
            {ok, Req2} = cowboy_req:reply(403, [{<<"x-why">>, <<"nope">>}], <<"forbidden">>, Req1),
            {shutdown, Req2};
        crash ->
            erlang:error(ws_init_boom);
        terminate_crash ->
            {ok, Req1, Opts#{crash_in_terminate => true}}
    end.

websocket_handle({text, <<"crash">>}, _Req, _S) -> erlang:error(handle_boom);
websocket_handle({text, <<"throw">>}, _Req, _S) -> throw(handle_thrown);
websocket_handle({text, <<"shutdown">>}, Req, S) -> {shutdown, Req, S};
websocket_handle({text, <<"close_then_more">>}, Req, S) -> {reply, [{text, <<"a">>}, close, {text, <<"b">>}], Req, S};
websocket_handle({text, <<"invalid">>}, _Req, S) -> {ok, S};
websocket_handle(Frame, Req, S = #{test := T}) ->
    T ! {corral_test, websocket_handle, Frame},
    {reply, Frame, cowboy_req:compact(Req), S, hibernate}.

websocket_info(crash, _Req, _S) -> erlang:exit(info_boom);
websocket_info(Msg, Req, S = #{test := T}) ->
    T ! {corral_test, websocket_info, Msg},
    {reply, {text, term_to_binary(Msg)}, Req, S}.

websocket_terminate(_Reason, _Req, #{crash_in_terminate := true}) ->
    erlang:error(terminate_boom);
websocket_terminate(Reason, Req, #{test := T}) ->
    T ! {corral_test, terminate, {Reason, element(1, Req)}},
    ok.
