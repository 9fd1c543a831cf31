%% The compat handler as a Cowboy 2.0 module: tuple returns only (ok / reply / stop, with hibernate), which every
%% 2.x keeps accepting. init_2x/2 and terminate/3 are shared with compat_ws_cmd.
-module(compat_ws_tuple).
-export([init/2, websocket_init/1, websocket_handle/2, websocket_info/2, terminate/3]).
-export([init_2x/2]).

init(Req, _Opts) ->
    init_2x(Req, false).

init_2x(Req, Commands) ->
    Qs = cowboy_req:parse_qs(Req),
    Id = compat_script:qs(<<"id">>, Qs),
    compat_recorder:record(Id, <<"init">>),
    case compat_script:qs(<<"crash">>, Qs) of
        <<"init">> -> error(crash_in_init);
        _ -> ok
    end,
    State = #{id => Id, qs => Qs, commands => Commands,
              req_echo => compat_script:req_echo(cowboy_req:binding(name, Req), cowboy_req:qs(Req),
                                                 cowboy_req:header(<<"x-compat">>, Req), cowboy_req:peer(Req),
                                                 undefined)},
    case {compat_script:qs(<<"refuse">>, Qs), compat_script:qs(<<"noreply">>, Qs)} of
        {undefined, undefined} ->
            Req2 = select_protocol(compat_script:qs(<<"protocol">>, Qs), Req),
            {cowboy_websocket, Req2, State, options(Qs)};
        {undefined, _} ->
            {ok, Req, State};
        {Status, _} ->
            {ok, cowboy_req:reply(binary_to_integer(Status), Req), State}
    end.

select_protocol(undefined, Req) -> Req;
select_protocol(P, Req) ->
    case cowboy_req:parse_header(<<"sec-websocket-protocol">>, Req) of
        undefined -> Req;
        Offered ->
            case lists:member(P, Offered) of
                true -> cowboy_req:set_resp_header(<<"sec-websocket-protocol">>, P, Req);
                false -> Req
            end
    end.

options(Qs) ->
    O1 = case compat_script:qs(<<"idle">>, Qs) of undefined -> #{}; I -> #{idle_timeout => binary_to_integer(I)} end,
    O2 = case compat_script:qs(<<"max">>, Qs) of undefined -> O1; M -> O1#{max_frame_size => binary_to_integer(M)} end,
    case compat_script:qs(<<"compress">>, Qs) of undefined -> O2; _ -> O2#{compress => true} end.

websocket_init(State = #{id := Id, qs := Qs}) ->
    compat_recorder:record(Id, <<"websocket_init">>),
    compat_recorder:watch(Id),
    case compat_script:qs(<<"crash">>, Qs) of
        <<"websocket_init">> -> error(crash_in_websocket_init);
        _ -> ok
    end,
    case compat_script:qs(<<"init">>, Qs) of
        <<"frame">> -> {reply, {text, <<"hello from websocket_init">>}, State};
        _ -> {ok, State}
    end.

websocket_handle(Frame, State = #{id := Id}) ->
    compat_recorder:record(Id, ["handle ", compat_recorder:fmt(Frame)]),
    result(compat_script:decide(Frame, State), State).

websocket_info(Msg, State = #{id := Id}) ->
    compat_recorder:record(Id, ["info ", compat_recorder:fmt(Msg)]),
    result(compat_script:info(Msg), State).

result({reply, []}, State) -> {ok, State};
result({reply, Frames}, State) -> {reply, Frames, State};
result({commands, _}, State) -> {ok, State};   % not produced: commands is false for this module
result({hibernate, Frames}, State) -> {reply, Frames, State, hibernate};
result(stop, State) -> {stop, State};
result(crash, _State) -> error(crash_in_callback);
result(invalid, _State) -> not_a_valid_return.

%% After an init/2 crash the state is the route options: the id comes from the (Partial)Req's query string.
terminate(Reason, _Req, #{id := Id}) ->
    compat_recorder:record(Id, ["terminate ", compat_recorder:fmt(Reason)]);
terminate(Reason, Req, _Opts) ->
    compat_recorder:record(compat_recorder:qs_id(maps:get(qs, Req, <<>>)), ["terminate ", compat_recorder:fmt(Reason)]).
