%% corral_jvm: the JVM's command line (the cookie is never on it) and where java and the engine are found.
-module(corral_jvm_tests).
-include_lib("eunit/include/eunit.hrl").

with_env(Env, Fun) ->
    Old = [{K, application:get_env(corral, K)} || {K, _} <- Env],
    _ = [application:set_env(corral, K, V) || {K, V} <- Env],
    try Fun()
    after
        _ = [case O of undefined -> application:unset_env(corral, K); {ok, V} -> application:set_env(corral, K, V) end
             || {K, O} <- Old]
    end.

the_command_runs_corral_attach_with_node_and_owner_and_nothing_secret_test() ->
    with_env([{java, "/bin/sh"}, {class_path, "/cp/a:/cp/b"}, {jvm_args, ["-Xmx64m"]}], fun() ->
        ?assertEqual({ok, "/bin/sh", ["--enable-native-access=ALL-UNNAMED", "-XX:+ExitOnOutOfMemoryError",
                                      "-Dio.netty.leakDetection.level=disabled", "-Xmx64m", "-cp", "/cp/a:/cp/b",
                                      "io.corral.cli.Main", "attach", "--node", "jvm@h", "--owner", "me@h"]},
                     corral_jvm:command('jvm@h', 'me@h'))
    end).

without_a_heap_option_the_heap_is_fixed_at_a_quarter_of_the_memory_and_at_most_a_gibibyte_test() ->
    with_env([{java, "/bin/sh"}, {class_path, "/cp"}, {jvm_args, ["-Dx=y"]}], fun() ->
        {ok, _, Args} = corral_jvm:command('jvm@h', 'me@h'),
        [Xms] = [A || "-Xms" ++ _ = A <- Args],
        [Xmx] = [A || "-Xmx" ++ _ = A <- Args],
        "-Xms" ++ Size = Xms,
        ?assertEqual("-Xmx" ++ Size, Xmx),
        {match, [Mb]} = re:run(Size, "^(\\d+)m$", [{capture, all_but_first, list}]),
        {ok, Info} = file:read_file("/proc/meminfo"),
        {match, [Kb]} = re:run(Info, "^MemTotal:\\s+(\\d+) kB", [multiline, {capture, all_but_first, list}]),
        ?assert(list_to_integer(Mb) =< min(1024, list_to_integer(Kb) div 4096)),
        ?assert(list_to_integer(Mb) > 0),
        %% The young generation is bounded, as bin/env.sh's corral_heap_flags bounds it.
        [Young] = [Y || "-XX:MaxNewSize=" ++ Y <- Args],
        {match, [YoungMb]} = re:run(Young, "^(\\d+)m$", [{capture, all_but_first, list}]),
        ?assertEqual(min(list_to_integer(Mb) div 3, max(16, list_to_integer(Mb) div 16)), list_to_integer(YoungMb)),
        ?assert(lists:member("-Dx=y", Args))
    end).

a_java_that_is_not_there_is_no_java_test() ->
    with_env([{java, "/nonexistent/java"}], fun() ->
        ?assertEqual({error, {no_java, {not_found, "/nonexistent/java"}}}, corral_jvm:command('j@h', 'o@h'))
    end).

an_engine_that_is_not_built_is_no_java_naming_the_directory_test() ->
    with_env([{java, "/bin/sh"}, {home, "/nonexistent/checkout"}], fun() ->
        ?assertMatch({error, {no_java, {not_built, "/nonexistent/checkout/java-node", _}}},
                     corral_jvm:command('j@h', 'o@h'))
    end).
