%% A Cowboy 2.x application, as it would be written for Cowboy, with one line changed: the listener in the
%% supervisor is corral:child_spec/3 where it was ranch:child_spec/5 (or cowboy:start_clear/3 in start/2).
-module(chat_app).
-behaviour(application).
-behaviour(supervisor).
-export([start/2, stop/1, init/1, dispatch/0]).

start(_Type, _Args) ->
    supervisor:start_link({local, chat_sup}, ?MODULE, []).

stop(_State) ->
    ok.

dispatch() ->
    {ok, Router} = application:get_env(chat, router),
    Router:compile([{'_', [{"/chat/:room", chat_h, []},
                           {"/java/echo", 'io.corral.demo.EchoHandler', []}]}]).

init([]) ->
    {ok, Port} = application:get_env(chat, port),
    {ok, {#{strategy => one_for_one, intensity => 5, period => 10},
          %% The handlers broadcast through pg: its default scope runs in the application's own tree.
          [#{id => pg, start => {pg, start_link, []}},
           corral:child_spec(chat_listener, [{port, Port}, {ip, {127, 0, 0, 1}}],
                             #{env => #{dispatch => dispatch()}})]}}.
