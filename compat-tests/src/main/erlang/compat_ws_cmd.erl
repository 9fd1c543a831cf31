%% The compat handler as a Cowboy 2.5+ module: command lists ({Commands, State}), options map from init/2.
%% Runs unchanged under Cowboy 2.7+ (shutdown_reason) and under Corral.
-module(compat_ws_cmd).
-export([init/2, websocket_init/1, websocket_handle/2, websocket_info/2, terminate/3]).

init(Req, _Opts) ->
    compat_ws_tuple:init_2x(Req, true).

websocket_init(State = #{id := Id, qs := Qs}) ->
    compat_recorder:record(Id, <<"websocket_init">>),
    %% The process's exit reason ({shutdown, R} after a shutdown_reason command, a crash) is only visible to a monitor.
    compat_recorder:watch(Id),
    case compat_script:qs(<<"crash">>, Qs) of
        <<"websocket_init">> -> error(crash_in_websocket_init);
        _ -> ok
    end,
    case compat_script:qs(<<"init">>, Qs) of
        <<"frame">> -> {[{text, <<"hello from websocket_init">>}], State};
        _ -> {[], State}
    end.

websocket_handle(Frame, State = #{id := Id}) ->
    compat_recorder:record(Id, ["handle ", compat_recorder:fmt(Frame)]),
    result(compat_script:decide(Frame, State), State).

websocket_info(Msg, State = #{id := Id}) ->
    compat_recorder:record(Id, ["info ", compat_recorder:fmt(Msg)]),
    result(compat_script:info(Msg), State).

result({reply, Frames}, State) -> {Frames, State};
result({commands, Commands}, State) -> {Commands, State};
result({hibernate, Frames}, State) -> {Frames, State, hibernate};
result(stop, State) -> {stop, State};
result(crash, _State) -> error(crash_in_callback);
result(invalid, _State) -> not_a_valid_return.

terminate(Reason, Req, State) ->
    compat_ws_tuple:terminate(Reason, Req, State).
