%% The compat handler as a Cowboy 1.x module (cowboy_websocket_handler): init/3, websocket_init/3 before the 101,
%% every callback threads the Req; replies are {reply, Frames, Req, State}, stopping is {shutdown, Req, State}.
-module(compat_ws_v1).
-export([init/3, websocket_init/3, websocket_handle/3, websocket_info/3, websocket_terminate/3]).

init({_Transport, http}, Req, _Opts) ->
    {Qs, Req2} = cowboy_req:qs_vals(Req),
    Id = compat_script:qs(<<"id">>, Qs),
    compat_recorder:record(Id, <<"init">>),
    case compat_script:qs(<<"crash">>, Qs) of
        <<"init">> -> error(crash_in_init);
        _ -> {upgrade, protocol, cowboy_websocket, Req2, []}
    end.

websocket_init(_TransportName, Req, _Opts) ->
    {Qs, Req1} = cowboy_req:qs_vals(Req),
    Id = compat_script:qs(<<"id">>, Qs),
    compat_recorder:record(Id, <<"websocket_init">>),
    %% websocket_init/3 runs in the process that runs every later callback (Cowboy 1.x's connection process).
    compat_recorder:watch(Id),
    case compat_script:qs(<<"crash">>, Qs) of
        <<"websocket_init">> -> error(crash_in_websocket_init);
        _ -> ok
    end,
    {Binding, Req2} = cowboy_req:binding(name, Req1),
    {RawQs, Req3} = cowboy_req:qs(Req2),
    {Header, Req4} = cowboy_req:header(<<"x-compat">>, Req3),
    {Peer, Req5} = cowboy_req:peer(Req4),
    {Version, Req6} = cowboy_req:meta(websocket_version, Req5),
    State = #{id => Id, commands => false,
              req_echo => compat_script:req_echo(Binding, RawQs, Header, Peer, Version)},
    case {compat_script:qs(<<"refuse">>, Qs), compat_script:qs(<<"noreply">>, Qs)} of
        {undefined, undefined} ->
            Req7 = select_protocol(compat_script:qs(<<"protocol">>, Qs), Req6),
            %% 1.x cannot send a frame before the 101: a message to self is handled before any client frame.
            case compat_script:qs(<<"init">>, Qs) of
                <<"frame">> -> self() ! init_frame;
                _ -> ok
            end,
            case compat_script:qs(<<"idle">>, Qs) of
                undefined -> {ok, Req7, State};
                Ms -> {ok, Req7, State, binary_to_integer(Ms)}
            end;
        {undefined, _} ->
            {shutdown, Req6};
        {Status, _} ->
            {ok, Req7} = cowboy_req:reply(binary_to_integer(Status), Req6),
            {shutdown, Req7}
    end.

select_protocol(undefined, Req) -> Req;
select_protocol(P, Req) ->
    case cowboy_req:parse_header(<<"sec-websocket-protocol">>, Req) of
        {ok, Offered, Req2} when is_list(Offered) ->
            case lists:member(P, Offered) of
                true -> cowboy_req:set_resp_header(<<"sec-websocket-protocol">>, P, Req2);
                false -> Req2
            end;
        {ok, undefined, Req2} -> Req2;
        _ -> Req
    end.

websocket_handle(Frame, Req, State = #{id := Id}) ->
    compat_recorder:record(Id, ["handle ", compat_recorder:fmt(Frame)]),
    result(compat_script:decide(Frame, State), Req, State).

websocket_info(Msg, Req, State = #{id := Id}) ->
    compat_recorder:record(Id, ["info ", compat_recorder:fmt(Msg)]),
    result(compat_script:info(Msg), Req, State).

result({reply, []}, Req, State) -> {ok, Req, State};
result({reply, Frames}, Req, State) -> {reply, Frames, Req, State};
result({commands, _}, Req, State) -> {ok, Req, State};   % not produced: 1.x has no commands
result({hibernate, Frames}, Req, State) -> {reply, Frames, Req, State, hibernate};
result(stop, Req, State) -> {shutdown, Req, State};
result(crash, _Req, _State) -> error(crash_in_callback);
result(invalid, _Req, _State) -> not_a_valid_return.

websocket_terminate(Reason, _Req, #{id := Id}) ->
    compat_recorder:record(Id, ["terminate ", compat_recorder:fmt(Reason)]),
    ok.
