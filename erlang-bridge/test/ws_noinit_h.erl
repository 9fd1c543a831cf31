%% Test handler (2.x) without websocket_init/1: echoes frames, and websocket_info answers a message with its external
%% form. With #{poke_parent := Msg} its init/2 sends Msg to the process that started it (the proxy), so a message
%% reaches the proxy before its decision.
-module(ws_noinit_h).
-export([init/2, websocket_handle/2, websocket_info/2]).

init(Req, Opts) ->
    case Opts of
        #{poke_parent := Msg} ->
            {parent, Parent} = erlang:process_info(self(), parent),
            Parent ! Msg;
        _ ->
            ok
    end,
    {cowboy_websocket, Req, Opts}.

websocket_handle(Frame, S) -> {[Frame], S}.
websocket_info(Msg, S) -> {[{text, term_to_binary(Msg)}], S}.
