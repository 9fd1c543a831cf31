-module(room_v2).
-export([init/2, websocket_init/1, websocket_handle/2, websocket_info/2]).

init(Req, _Opts) ->
    Room = cowboy_req:binding(room, Req),
    Req2 = case cowboy_req:parse_header(<<"sec-websocket-protocol">>, Req) of
        undefined -> Req;
        Protocols ->
            case lists:member(<<"chat">>, Protocols) of
                true -> cowboy_req:set_resp_header(<<"sec-websocket-protocol">>, <<"chat">>, Req);
                false -> Req
            end
    end,
    {cowboy_websocket, Req2, Room, #{idle_timeout => 60000}}.

websocket_init(Room) ->
    ok = pg:join({room, Room}, self()),
    {[{text, <<"joined ", Room/binary>>}], Room}.

websocket_handle({text, <<"bye">>}, Room) ->
    {[{close, 1000, <<"bye">>}], Room};
websocket_handle({text, Text}, Room) ->
    Said = <<Room/binary, ": ", Text/binary>>,
    _ = [Pid ! {said, Said} || Pid <- pg:get_members({room, Room})],
    {[], Room};
websocket_handle(_Frame, Room) ->
    {[], Room}.

websocket_info({said, Said}, Room) ->
    {[{text, Said}], Room};
websocket_info(_Info, Room) ->
    {[], Room}.
