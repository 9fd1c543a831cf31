%% How a listener runs its JVM: which java, which class path, which arguments, and the distribution the JVM
%% needs on this node. The cookie never goes on the command line: the listener writes it to the JVM's standard
%% input (java-node's `corral attach` reads it from there).
%%
%% Application environment of `corral` (all optional):
%%   java       the java executable (default: $JAVA_HOME/bin/java, a JDK 25+ under /usr/lib/jvm, java on PATH)
%%   home       the Corral checkout whose java-node/target holds the built engine (default: found from this ebin,
%%              erlang-bridge/apps/corral/ebin)
%%   class_path the JVM's class path, replacing what home gives
%%   jvm_args   extra arguments before the main class, e.g. ["-Xmx512m"]
-module(corral_jvm).

-export([command/2, ensure_distribution/0, jvm_node/0]).

-define(MAIN, "io.corral.cli.Main").
%% The flags bin/env.sh's corral_exec gives every launched JVM, besides the heap's (heap_flags/1): an
%% OutOfMemoryError ends the JVM (so this listener exits and its supervisor restarts it) instead of leaving it half
%% alive, and Netty's leak detector is off, as in production (at its default level it keeps the JIT from inlining
%% the frame unmask loop).
-define(JVM_FLAGS, ["--enable-native-access=ALL-UNNAMED", "-XX:+ExitOnOutOfMemoryError",
                    "-Dio.netty.leakDetection.level=disabled"]).

%% @doc The executable and its arguments for the JVM that joins as JvmNode and serves Owner's listener.
-spec command(node(), node()) -> {ok, file:filename(), [string()]} | {error, {no_java, term()}}.
command(JvmNode, Owner) ->
    case java() of
        {ok, Java} ->
            case class_path() of
                {ok, ClassPath} ->
                    Extra = application:get_env(corral, jvm_args, []),
                    {ok, Java, ?JVM_FLAGS ++ heap_flags(Extra) ++ Extra
                               ++ ["-cp", ClassPath, ?MAIN, "attach", "--node", atom_to_list(JvmNode),
                                   "--owner", atom_to_list(Owner)]};
                {error, Why} ->
                    {error, {no_java, Why}}
            end;
        {error, Why} ->
            {error, {no_java, Why}}
    end.

%% The heap corral_heap_flags in bin/env.sh gives: fixed (-Xms = -Xmx), a quarter of the memory (the machine's, or
%% the cgroup's limit when lower), at most 1 GiB; nothing when jvm_args size the heap themselves. Left to the JVM,
%% G1 grows a small heap under a flood's garbage a hundred MB at a time, and the RSS with it (README, "Logs and
%% memory"). The young generation is at most a sixteenth of the heap, as there: garbage bursts (a wave of upgrades)
%% then reuse the same pages instead of touching a third of the heap for the first time.
heap_flags(Extra) ->
    Sizes = fun(Arg) -> lists:any(fun(P) -> string:find(Arg, P) =/= nomatch end,
                                  ["-Xmx", "-Xms", "MaxHeapSize", "InitialHeapSize", "RAMPercentage"]) end,
    case lists:any(Sizes, Extra) orelse memory_mb() of
        true -> [];
        undefined -> [];
        Mb ->
            HeapMb = min(1024, Mb div 4),
            Heap = integer_to_list(HeapMb),
            Young = integer_to_list(min(HeapMb div 3, max(16, HeapMb div 16))),
            ["-Xms" ++ Heap ++ "m", "-Xmx" ++ Heap ++ "m", "-XX:MaxNewSize=" ++ Young ++ "m"]
    end.

memory_mb() ->
    case file:read_file("/proc/meminfo") of
        {ok, Info} ->
            case re:run(Info, "^MemTotal:\\s+(\\d+) kB", [multiline, {capture, all_but_first, list}]) of
                {match, [Kb]} -> min(list_to_integer(Kb) div 1024, cgroup_limit_mb());
                nomatch -> undefined
            end;
        {error, _} ->
            undefined
    end.

%% cgroup v2's memory.max: a number of bytes, or "max" (no limit).
cgroup_limit_mb() ->
    case file:read_file("/sys/fs/cgroup/memory.max") of
        {ok, Limit} ->
            case string:to_integer(string:trim(Limit)) of
                {N, <<>>} when is_integer(N) -> N div 1048576;
                _ -> infinity
            end;
        {error, _} ->
            infinity
    end.

java() ->
    case application:get_env(corral, java) of
        {ok, Java} -> executable(Java);
        undefined ->
            Home = [filename:join([H, "bin", "java"]) || H <- [os:getenv("JAVA_HOME")], is_list(H), H =/= ""],
            %% java-node is built for JDK 25 (maven.compiler.release); an older default java could not load it.
            Jdks = lists:reverse(lists:sort(filelib:wildcard("/usr/lib/jvm/temurin-2[5-9]*/bin/java")
                                            ++ filelib:wildcard("/usr/lib/jvm/*-2[5-9]-*/bin/java"))),
            OnPath = [J || J <- [os:find_executable("java")], is_list(J)],
            case [J || J <- Home ++ Jdks ++ OnPath, filelib:is_regular(J)] of
                [Java | _] -> {ok, Java};
                [] -> {error, "no java executable: set JAVA_HOME or the corral application's java env"}
            end
    end.

executable(Java) ->
    case filelib:is_regular(Java) of
        true -> {ok, Java};
        false -> {error, {not_found, Java}}
    end.

class_path() ->
    case application:get_env(corral, class_path) of
        {ok, ClassPath} -> {ok, ClassPath};
        undefined -> built_class_path(home())
    end.

%% What ./corral puts on its java command line: java-node's classes, its dependencies (target/classpath.txt, written
%% by the Maven build) and the installed OTP's JInterface, so jar and node versions always match.
built_class_path(Home) ->
    Classes = filename:join([Home, "java-node", "target", "classes"]),
    Deps = filename:join([Home, "java-node", "target", "classpath.txt"]),
    case {filelib:is_dir(Classes), file:read_file(Deps)} of
        {true, {ok, DepsText}} ->
            case jinterface() of
                {ok, Jar} -> {ok, lists:flatten(lists:join(":", [Classes, string:trim(binary_to_list(DepsText)), Jar]))};
                Error -> Error
            end;
        _ ->
            {error, {not_built, filename:join(Home, "java-node"), "run ./corral build"}}
    end.

jinterface() ->
    case code:priv_dir(jinterface) of
        {error, _} -> {error, "JInterface is not installed (Debian: erlang-jinterface)"};
        Priv ->
            Jar = filename:join(Priv, "OtpErlang.jar"),
            case filelib:is_regular(Jar) of
                true -> {ok, Jar};
                false -> {error, {not_found, Jar}}
            end
    end.

home() ->
    case application:get_env(corral, home) of
        {ok, Home} -> Home;
        undefined ->
            %% .../erlang-bridge/apps/corral/ebin/corral_jvm.beam: the checkout is four levels up from ebin.
            Ebin = filename:dirname(code:which(?MODULE)),
            filename:join(lists:sublist(filename:split(filename:absname(Ebin)),
                                        length(filename:split(filename:absname(Ebin))) - 4))
    end.

%% @doc A fresh name for a listener's JVM, on this node's host (short or long names alike, as the host part is).
-spec jvm_node() -> node().
jvm_node() ->
    [_, Host] = string:split(atom_to_list(node()), "@"),
    list_to_atom("corral_jvm_" ++ random_hex(6) ++ "@" ++ Host).

%% @doc Makes this node distributed if it is not: a random name, distribution on loopback only, a random cookie
%% (nothing else can reach a node nobody told the cookie). A node that already is distributed keeps its name,
%% interface and cookie; its JVM gets that cookie.
-spec ensure_distribution() -> ok | {error, {distribution, term()}}.
ensure_distribution() ->
    case node() of
        nonode@nohost ->
            _ = start_epmd(),
            ok = application:set_env(kernel, inet_dist_use_interface, {127, 0, 0, 1}),
            Name = list_to_atom("corral_" ++ random_hex(6)),
            case net_kernel:start([Name, shortnames]) of
                {ok, _} ->
                    true = erlang:set_cookie(node(), list_to_atom(random_hex(16))),
                    ok;
                {error, Reason} ->
                    {error, {distribution, Reason}}
            end;
        _ ->
            ok
    end.

%% `erl -sname` starts epmd itself; net_kernel:start/1 on a running node does not.
start_epmd() ->
    Epmd = case os:find_executable("epmd") of
        false -> filename:join([code:root_dir(), "erts-" ++ erlang:system_info(version), "bin", "epmd"]);
        Path -> Path
    end,
    os:cmd(Epmd ++ " -daemon").

random_hex(Bytes) ->
    string:lowercase(binary_to_list(binary:encode_hex(random_bytes(Bytes)))).

%% crypto's strong random bytes where the crypto application is installed; a node without it (crypto needs
%% OpenSSL) falls back to rand, still only for a node that listens on loopback.
random_bytes(Bytes) ->
    try crypto:strong_rand_bytes(Bytes)
    catch error:_ -> list_to_binary([rand:uniform(256) - 1 || _ <- lists:seq(1, Bytes)])
    end.
