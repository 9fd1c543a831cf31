%% A Cowboy 2.x handler for the flow-limit tests of a listener started from Erlang: it pushes what the client asks
%% for, and takes a minute over every binary frame (a handler slower than its client). terminate/3 keeps its reason
%% under the connection's name (the :name binding), where the test reads it.
-module(flow_h).
-export([init/2, websocket_init/1, websocket_handle/2, websocket_info/2, terminate/3, last_terminate/1]).

init(Req, _Opts) ->
    {cowboy_websocket, Req, #{name => cowboy_req:binding(name, Req)}}.

websocket_init(State) ->
    {[{text, <<"ready">>}], State}.

websocket_handle({text, <<"burst ", N/binary>>}, State) ->
    %% N frames of 64 KiB in one command list, then nothing more.
    Frame = binary:copy(<<0>>, 65536),
    {[{binary, Frame} || _ <- lists:seq(1, binary_to_integer(N))], State};
websocket_handle({text, <<"push">>}, State) ->
    self() ! push,
    {[], State};
websocket_handle({binary, _}, State) ->
    timer:sleep(60000),
    {[], State};
websocket_handle(_Frame, State) ->
    {[], State}.

websocket_info(push, State) ->
    %% 64 KiB frames for as long as the connection lives.
    self() ! push,
    {[{binary, binary:copy(<<0>>, 65536)}], State};
websocket_info(_Info, State) ->
    {[], State}.

terminate(Reason, _Req, #{name := Name}) ->
    persistent_term:put({?MODULE, Name}, Reason),
    ok.

last_terminate(Name) ->
    persistent_term:get({?MODULE, Name}, none).
