%% Test peer for io.corral.erlang tests: evaluates expressions sent by the Java side.
-module(corral_peer).
-behaviour(gen_server).
-export([start/0, eval/3, blast/3, sink/2, e2e/1]).
-export([init/1, handle_call/3, handle_cast/2, handle_info/2]).

start() ->
    spawn(fun() -> register(ctl, self()), loop() end),
    {ok, _} = gen_server:start({local, echo_server}, ?MODULE, [], []),
    ok.

loop() ->
    receive
        {eval, From, Ref, Src, Args} ->
            spawn(fun() -> From ! {Ref, eval(Src, From, Args)} end),
            loop();
        _ ->
            loop()
    end.

%% Only Args is bound. The asking pid used to be bound as 'From' too, and a pre-bound variable silently turns
%% every later use of that name in the expression into a match: `receive {'EXIT', From, R} -> ...' in a spawned fun
%% then waits for an exit from the asking pid only and ignores the one the test is about (this made
%% aLinkFromJavaCarriesTheBindingsExitReasonToErlang fail although the EXIT arrived). Pass pids in Args.
eval(Src, _From, Args) ->
    try
        {ok, Toks, _} = erl_scan:string(binary_to_list(Src)),
        {ok, Exprs} = erl_parse:parse_exprs(Toks),
        B = erl_eval:add_binding('Args', Args, erl_eval:new_bindings()),
        {value, V, _} = erl_eval:exprs(Exprs, B),
        {ok, V}
    catch C:E -> {error, {C, E}}
    end.

init([]) -> {ok, #{}}.
handle_call({echo, X}, _From, S) -> {reply, {echoed, X}, S};
handle_call({sleep, Ms}, _From, S) -> timer:sleep(Ms), {reply, slept, S};
handle_call(crash, _From, _S) -> exit(boom).
handle_cast(_, S) -> {noreply, S}.
handle_info(_, S) -> {noreply, S}.

%% Benchmark helpers: blast N messages at Pid and report the elapsed microseconds to ReportTo.
blast(Pid, N, ReportTo) ->
    T0 = erlang:monotonic_time(microsecond),
    [Pid ! {n, I} || I <- lists:seq(1, N)],
    Pid ! {done, T0, ReportTo}, ok.
%% Counts N messages then tells ReportTo the elapsed microseconds since the first.
sink(N, ReportTo) ->
    receive _ -> T0 = erlang:monotonic_time(microsecond), sink(N - 1, ReportTo, T0) end.
sink(0, ReportTo, T0) -> ReportTo ! {elapsed, erlang:monotonic_time(microsecond) - T0};
sink(N, ReportTo, T0) -> receive _ -> sink(N - 1, ReportTo, T0) end.
%% Erlang -> Erlang baseline across two nodes: returns microseconds for N messages.
e2e(N) ->
    Dir = filename:dirname(code:which(?MODULE)),
    {ok, Peer, Node} = peer:start_link(#{name => peer:random_name(),
        args => ["-pa", Dir, "-setcookie", atom_to_list(erlang:get_cookie())]}),
    Self = self(),
    S = erpc:call(Node, erlang, spawn, [?MODULE, sink, [N, Self]]),
    T0 = erlang:monotonic_time(microsecond),
    [S ! {n, I} || I <- lists:seq(1, N)],
    receive {elapsed, _} -> ok end,
    T = erlang:monotonic_time(microsecond) - T0,
    peer:stop(Peer), T.
