%% Test handler, Cowboy 2.0 tuple interface (no commands): echoes with {reply, ...}.
-module(ws_tuple_h).
-export([init/2, websocket_init/1, websocket_handle/2, websocket_info/2, terminate/3]).

init(Req, Opts) ->
    {cowboy_websocket, Req, Opts, #{idle_timeout => 5000, max_frame_size => 10}}.

websocket_init(S = #{test := T}) ->
    T ! {corral_test, websocket_init, process_info(self(), trap_exit)},
    {ok, S}.

websocket_handle({text, <<"stop">>}, S) -> {stop, S};
websocket_handle({text, <<"commands">>}, S) -> {[{text, <<"not in 2.0">>}], S};
websocket_handle({text, <<"hibernate">>}, S) -> {ok, S, hibernate};
websocket_handle(Frame, S = #{test := T}) ->
    T ! {corral_test, websocket_handle, Frame},
    {reply, Frame, S}.

websocket_info(Msg, S = #{test := T}) ->
    T ! {corral_test, websocket_info, Msg},
    {reply, [{text, <<"info">>}], S, hibernate}.

terminate(Reason, Req, #{test := T}) ->
    T ! {corral_test, terminate, {Reason, Req}},
    ok.
