%% A Cowboy 1.x application with one line changed: corral:start_http/4 where it called cowboy:start_http/4.
-module(chat1_app).
-behaviour(application).
-behaviour(supervisor).
-export([start/2, stop/1, init/1, dispatch/0]).

dispatch() ->
    {ok, Router} = application:get_env(chat1, router),
    Router:compile([{'_', [{"/chat/:room", chat1_h, []},
                           {"/java/echo", 'io.corral.demo.EchoHandler', []}]}]).

start(_Type, _Args) ->
    {ok, Port} = application:get_env(chat1, port),
    {ok, _} = corral:start_http(chat1_listener, 100, [{port, Port}, {ip, {127, 0, 0, 1}}],
                                [{env, [{dispatch, dispatch()}]}, {compress, true}]),
    supervisor:start_link({local, chat1_sup}, ?MODULE, []).

stop(_State) ->
    corral:stop_listener(chat1_listener).

init([]) ->
    {ok, {#{strategy => one_for_one, intensity => 5, period => 10},
          [#{id => pg, start => {pg, start_link, []}}]}}.
