%% A Cowboy 1.x chat handler: the Req is threaded through every callback, the room is the :room binding.
-module(chat1_h).
-export([init/3, websocket_init/3, websocket_handle/3, websocket_info/3, websocket_terminate/3]).

init(_Transport, _Req, _Opts) ->
    {upgrade, protocol, cowboy_websocket}.

websocket_init(_Transport, Req, _Opts) ->
    {Room, Req2} = cowboy_req:binding(room, Req),
    ok = pg:join({chat1, Room}, self()),
    self() ! {chat, <<"joined ", Room/binary>>},
    {ok, Req2, Room}.

websocket_handle({text, Msg}, Req, Room) ->
    _ = [P ! {chat, Msg} || P <- pg:get_members({chat1, Room})],
    {ok, Req, Room};
websocket_handle(_Frame, Req, Room) ->
    {ok, Req, Room}.

websocket_info({chat, Msg}, Req, Room) ->
    {reply, {text, Msg}, Req, Room};
websocket_info(_Info, Req, Room) ->
    {ok, Req, Room}.

websocket_terminate(_Reason, _Req, _Room) ->
    ok.
