%% A Cowboy 2.x chat handler, unmodified: every connection joins one pg group on the node that runs it; a text is
%% sent to every member. Runs on Cowboy as it is and, through Corral, on the node erlang-bridge serves.
-module(chat_pg).
-export([init/2, websocket_init/1, websocket_handle/2, websocket_info/2]).

-define(SCOPE, chat_pg_scope).

init(Req, Opts) ->
    {cowboy_websocket, Req, Opts}.

websocket_init(State) ->
    %% The scope is started once per node; a second start finds it running.
    case pg:start(?SCOPE) of
        {ok, _} -> ok;
        {error, {already_started, _}} -> ok
    end,
    ok = pg:join(?SCOPE, room, self()),
    {[], State}.

websocket_handle({text, Text}, State) ->
    [Member ! {said, Text} || Member <- pg:get_members(?SCOPE, room)],
    {[], State};
websocket_handle(_Frame, State) ->
    {[], State}.

websocket_info({said, Text}, State) ->
    {[{text, Text}], State};
websocket_info(_Info, State) ->
    {[], State}.
