%% A Cowboy 2.5+ handler (command lists) driven by the client, the Erlang twin of the engine tests' ScriptHandler.
%% It would run unchanged under Cowboy: it only calls cowboy_req in init/2 and records to corral_test_recorder.
-module(ws_script).
-export([init/2, websocket_init/1, websocket_handle/2, websocket_info/2, terminate/3]).

init(Req, _Opts) ->
    Qs = maps:from_list(cowboy_req:parse_qs(Req)),
    Id = maps:get(<<"id">>, Qs, undefined),
    corral_test_recorder:record(Id, {init, self()}),
    case Qs of
        #{<<"crash">> := <<"init">>} -> error(crash_in_init);
        #{<<"refuse">> := Status} ->
            Req2 = cowboy_req:reply(binary_to_integer(Status), #{}, <<"refused">>, Req),
            {ok, Req2, Id};
        _ ->
            Req2 = case {maps:get(<<"protocol">>, Qs, undefined),
                         cowboy_req:parse_header(<<"sec-websocket-protocol">>, Req)} of
                {undefined, _} -> Req;
                {_, undefined} -> Req;
                {P, Offered} ->
                    case lists:member(P, Offered) of
                        true -> cowboy_req:set_resp_header(<<"sec-websocket-protocol">>, P, Req);
                        false -> Req
                    end
            end,
            Opts = case Qs of
                #{<<"idle">> := I} -> #{idle_timeout => binary_to_integer(I)};
                _ -> #{}
            end,
            {cowboy_websocket, Req2, #{id => Id, qs => Qs}, Opts}
    end.

websocket_init(State = #{id := Id, qs := Qs}) ->
    corral_test_recorder:record(Id, {websocket_init, self()}),
    corral_test_recorder:register_conn(Id, self()),
    case Qs of
        #{<<"crash">> := <<"websocket_init">>} -> error(crash_in_websocket_init);
        #{<<"timer">> := T} ->
            erlang:start_timer(binary_to_integer(T), self(), timer_from_init),
            {[], State};
        _ -> {[{text, <<"hello from websocket_init">>}], State}
    end.

websocket_handle(Frame = {text, <<"stop">>}, State = #{id := Id}) ->
    corral_test_recorder:record(Id, {handle, Frame}),
    {stop, State};
websocket_handle(Frame = {text, <<"crash">>}, #{id := Id}) ->
    corral_test_recorder:record(Id, {handle, Frame}),
    error(crash_in_handle);
websocket_handle(Frame = {text, <<"many-then-close">>}, State = #{id := Id}) ->
    corral_test_recorder:record(Id, {handle, Frame}),
    {[{text, <<"one">>}, {text, <<"two">>}, {close, 1000, <<"bye">>}, {text, <<"after close">>}], State};
websocket_handle(Frame = {text, <<"shutdown-reason">>}, State = #{id := Id}) ->
    corral_test_recorder:record(Id, {handle, Frame}),
    {[{shutdown_reason, custom}, close], State};
websocket_handle(Frame = {text, <<"hibernate">>}, State = #{id := Id}) ->
    corral_test_recorder:record(Id, {handle, Frame}),
    {[{text, <<"hibernating">>}], State, hibernate};
websocket_handle(Frame = {text, <<"invalid">>}, State = #{id := Id}) ->
    corral_test_recorder:record(Id, {handle, Frame}),
    {[{not_a_command}], State};
websocket_handle(Frame = {text, <<"flood">>}, State = #{id := Id}) ->
    %% Pushes 64 KiB frames for as long as the connection lives, as fast as the process runs.
    corral_test_recorder:record(Id, {handle, Frame}),
    self() ! flood,
    {[], State};
websocket_handle(Frame = {text, <<"slow ", Ms/binary>>}, State = #{id := Id}) ->
    %% From now on every binary frame takes Ms before it is answered.
    corral_test_recorder:record(Id, {handle, Frame}),
    {[{text, <<"slow">>}], State#{slow => binary_to_integer(Ms)}};
websocket_handle({binary, B}, State = #{slow := Ms}) ->
    timer:sleep(Ms),
    {[{binary, integer_to_binary(byte_size(B))}], State};
websocket_handle(Frame = {text, <<"block">>}, #{id := Id}) ->
    %% A handler that never answers.
    corral_test_recorder:record(Id, {handle, Frame}),
    receive after infinity -> ok end;
websocket_handle({text, <<"memory">>}, State) ->
    %% The node's memory after a collection of every process, as a flood test compares it over time from outside
    %% the cluster (a server the test starts as a child process keeps its node's cookie to itself).
    {[{text, integer_to_binary(corral_test_recorder:memory())}], State};
websocket_handle({text, <<"os_pid">>}, State) ->
    %% The node's OS process, whose RSS a test reads from /proc.
    {[{text, list_to_binary(os:getpid())}], State};
websocket_handle({text, <<"log ", Text/binary>>}, State) ->
    %% A line in the node's own log output (logger's default handler writes it to erl's standard output).
    logger:warning("~ts", [Text]),
    {[{text, <<"logged">>}], State};
websocket_handle(Frame = {text, <<"self">>}, State = #{id := Id}) ->
    corral_test_recorder:record(Id, {handle, Frame}),
    self() ! to_self,
    {[], State};
websocket_handle(Frame = {text, <<"answer-twice">>}, State = #{id := Id}) ->
    %% Breaks the bridge's contract: a replies message with two answers for this one event, sent to the connection's
    %% pid before the proxy sends this callback's own answer. Each answer is a large binary (one the connection gets
    %% in a buffer of its own).
    corral_test_recorder:record(Id, {handle, Frame}),
    conn_pid() ! {'$corral', 3, replies, self(), [[{binary, binary:copy(<<1>>, 4096)}],
                                                  [{binary, binary:copy(<<2>>, 4096)}]]},
    {[{binary, binary:copy(<<3>>, 4096)}], State};
websocket_handle(Frame, State = #{id := Id}) ->
    corral_test_recorder:record(Id, {handle, Frame}),
    case Frame of
        {text, T} -> {[{text, T}], State};
        {binary, B} -> {[{binary, B}], State};
        _ -> {[], State}
    end.

websocket_info(flood, State) ->
    self() ! flood,
    {[{binary, binary:copy(<<0>>, 65536)}], State};
websocket_info(Msg = {crash, info}, #{id := Id}) ->
    corral_test_recorder:record(Id, {info, Msg}),
    error(crash_in_info);
websocket_info(Msg, State = #{id := Id}) ->
    corral_test_recorder:record(Id, {info, Msg}),
    Text = iolist_to_binary(io_lib:format("info ~p", [Msg])),
    {[{text, Text}], State}.

%% The connection's pid: nothing links it to the proxy (self()); the proxy keeps it in its process dictionary, where
%% a restarted corral_bridge finds it (erlang-bridge/CONTRACT.md, section 5).
conn_pid() ->
    get('$corral_conn').

terminate(Reason, _PartialReq, #{id := Id}) ->
    corral_test_recorder:record(Id, {terminate, Reason}),
    ok;
terminate(Reason, _PartialReq, Id) ->
    corral_test_recorder:record(Id, {terminate, Reason}),
    ok.
