%% A Cowboy 2.x chat handler: every text frame goes to everyone in the room (the :room binding), through pg.
-module(chat_h).
-export([init/2, websocket_init/1, websocket_handle/2, websocket_info/2]).

init(Req, _Opts) ->
    {cowboy_websocket, Req, cowboy_req:binding(room, Req)}.

websocket_init(Room) ->
    ok = pg:join({chat, Room}, self()),
    {[{text, <<"joined ", Room/binary>>}], Room}.

websocket_handle({text, Msg}, Room) ->
    _ = [P ! {chat, Msg} || P <- pg:get_members({chat, Room})],
    {[], Room};
websocket_handle(_Frame, Room) ->
    {[], Room}.

websocket_info({chat, Msg}, Room) ->
    {[{text, Msg}], Room};
websocket_info(_Info, Room) ->
    {[], Room}.
