-module(room_v1).
-export([init/3, websocket_init/3, websocket_handle/3, websocket_info/3, websocket_terminate/3]).

init({_Transport, http}, _Req, _Opts) ->
    {upgrade, protocol, cowboy_websocket}.

websocket_init(_Transport, Req, _Opts) ->
    {Room, Req2} = cowboy_req:binding(room, Req),
    Req3 = case cowboy_req:parse_header(<<"sec-websocket-protocol">>, Req2) of
        {ok, undefined, R} -> R;
        {ok, Protocols, R} ->
            case lists:member(<<"chat">>, Protocols) of
                true -> cowboy_req:set_resp_header(<<"sec-websocket-protocol">>, <<"chat">>, R);
                false -> R
            end
    end,
    ok = pg:join({room, Room}, self()),
    self() ! joined,
    {ok, Req3, Room, 60000}.

websocket_handle({text, <<"bye">>}, Req, Room) ->
    {reply, {close, 1000, <<"bye">>}, Req, Room};
websocket_handle({text, Text}, Req, Room) ->
    Said = <<Room/binary, ": ", Text/binary>>,
    _ = [Pid ! {said, Said} || Pid <- pg:get_members({room, Room})],
    {ok, Req, Room};
websocket_handle(_Frame, Req, Room) ->
    {ok, Req, Room}.

websocket_info(joined, Req, Room) ->
    {reply, {text, <<"joined ", Room/binary>>}, Req, Room};
websocket_info({said, Said}, Req, Room) ->
    {reply, {text, Said}, Req, Room};
websocket_info(_Info, Req, Room) ->
    {ok, Req, Room}.

websocket_terminate(_Reason, _Req, _Room) ->
    ok.
