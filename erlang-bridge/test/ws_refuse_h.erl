%% Test handler (2.x): refuses the upgrade, with a 403 reply or (no_reply option) without any reply.
-module(ws_refuse_h).
-export([init/2, websocket_handle/2, websocket_info/2, terminate/3]).

init(Req, Opts = #{no_reply := true}) ->
    {ok, Req, Opts};
init(Req, Opts) ->
    Req2 = cowboy_req:reply(403, #{<<"content-type">> => <<"text/plain">>}, <<"go away">>, Req),
    {ok, Req2, Opts}.

websocket_handle(_, S) -> {[], S}.
websocket_info(_, S) -> {[], S}.

terminate(Reason, _Req, #{test := T}) ->
    T ! {corral_test, terminate, Reason},
    ok.
