%% Test handler (2.x): selects the first offered sub-protocol in init/2, as the Cowboy guide shows.
-module(ws_subproto_h).
-export([init/2, websocket_handle/2, websocket_info/2]).

init(Req, Opts) ->
    case cowboy_req:parse_header(<<"sec-websocket-protocol">>, Req) of
        undefined ->
            {cowboy_websocket, Req, Opts};
        [Proto | _] ->
            Req2 = cowboy_req:set_resp_header(<<"sec-websocket-protocol">>, Proto, Req),
            {cowboy_websocket, Req2, Opts, #{idle_timeout => infinity, compress => true}}
    end.

websocket_handle(Frame, S) -> {[Frame], S}.
websocket_info(_, S) -> {[], S}.
