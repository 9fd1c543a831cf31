%% corral_router:compile/1 gives what cowboy_router:compile/1 gives (the expected terms are real Cowboy 2.17's
%% output for the same routes; the JVM-side tests compare the two compilers on a node that has Cowboy), and
%% routes/1 turns either back into routes-file terms.
-module(corral_router_tests).
-include_lib("eunit/include/eunit.hrl").

c(Routes) -> corral_router:compile(Routes).

any_host_and_path_stay_wildcards_test() ->
    ?assertEqual([{'_', [], [{'_', [], h, []}]}], c([{'_', [{'_', h, []}]}])).

a_host_is_split_on_dots_in_reverse_and_loses_a_trailing_dot_test() ->
    ?assertEqual([{[<<"com">>, <<"EXAMPLE">>, <<"www">>], [], [{[], [], h, []}]}],
                 c([{"www.EXAMPLE.com.", [{"/", h, []}]}])).

a_string_underscore_host_is_a_literal_label_not_the_wildcard_test() ->
    ?assertEqual([{[<<"_">>], [], [{[<<"x">>], [], h, o}]}], c([{"_", [{"/x", h, o}]}])).

bindings_rest_and_anonymous_bindings_become_atoms_test() ->
    ?assertEqual([{'_', [], [{[<<"chat">>, room, '...'], [{room, nonempty}], chat_h, #{a => 1}},
                             {['_', <<"x">>], [], h, []},
                             {[<<"a:b">>, c], [], h, []}]}],
                 c([{'_', [{"/chat/:room/[...]", [{room, nonempty}], chat_h, #{a => 1}},
                           {"/:_/x", h, []},
                           {"/a:b/:c", h, []}]}])).

optional_parts_compile_without_then_with_the_rest_varying_fastest_test() ->
    ?assertEqual([{'_', [], [{[<<"x">>], [], h, []}, {[<<"x">>, b], [], h, []},
                             {[<<"x">>, a], [], h, []}, {[<<"x">>, a, b], [], h, []}]}],
                 c([{'_', [{"/x/[:a]/[:b]", h, []}]}])),
    ?assertEqual([{'_', [], [{[<<"a">>], [], h, []}, {[<<"a">>, <<"b">>], [], h, []},
                             {[<<"a">>, <<"b">>, <<"c">>], [], h, []}]}],
                 c([{'_', [{"/a[/b[/c]]", h, []}]}])),
    ?assertEqual([{[<<"com">>, <<"example">>], [], [{[], [], h, []}]},
                  {[<<"com">>, <<"example">>, <<"www">>], [], [{[], [], h, []}]}],
                 c([{"[www.]example.com", [{"/", h, []}]}])).

host_rest_asterisk_and_empty_segments_test() ->
    ?assertEqual([{[<<"com">>, <<"example">>, '...'], [], [{<<"*">>, [], h, []}, {[<<"a">>, <<"b">>], [], h, []}]}],
                 c([{"[...].example.com", [{"*", h, []}, {"/a//b/", h, []}]}])).

binaries_iolists_and_constraints_on_hosts_are_accepted_test() ->
    ?assertEqual([{[<<"org">>, sub], [{sub, int}], [{[<<"y">>], [], h, []}]}],
                 c([{[<<":sub">>, ".org"], [{sub, int}], [{<<"/y">>, h, []}]}])).

malformed_routes_raise_badarg_naming_the_problem_test() ->
    ?assertError({badarg, {path_must_begin_with_a_slash, <<"a">>}}, c([{'_', [{"a", h, []}]}])),
    ?assertError({badarg, {unclosed_bracket, _}}, c([{'_', [{"/a[/b", h, []}]}])),
    ?assertError({badarg, {unbalanced_bracket, _}}, c([{'_', [{"/a]/b", h, []}]}])),
    ?assertError({badarg, {bad_path_rule, {"/x", h}}}, c([{'_', [{"/x", h}]}])),
    ?assertError({badarg, {bad_host_rule, nope}}, c([nope])),
    ?assertError({badarg, {expected_a_list_of_host_rules, bad}}, c(bad)).

routes_turn_a_dispatch_back_into_routes_file_terms_test() ->
    D = c([{"[www.]example.com", [{"/chat/:room/[...]", [{room, nonempty}], chat_h, [a]},
                                   {"/", h, []}, {"*", star, x}]},
           {'_', [{'_', any, []}, {"/:_/n/[:id]", [{id, int, 0}], 'io.corral.demo.EchoHandler', #{}}]}]),
    ?assertEqual({ok, [{<<"example.com">>, [],
                        [{<<"/chat/:room/[...]">>, [{room, nonempty}], chat_h, [a]},
                         {<<"/">>, [], h, []}, {<<"*">>, [], star, x}]},
                       {<<"www.example.com">>, [],
                        [{<<"/chat/:room/[...]">>, [{room, nonempty}], chat_h, [a]},
                         {<<"/">>, [], h, []}, {<<"*">>, [], star, x}]},
                       {'_', [], [{'_', [], any, []},
                                  {<<"/:_/n">>, [{id, int, 0}], 'io.corral.demo.EchoHandler', #{}},
                                  {<<"/:_/n/:id">>, [{id, int, 0}], 'io.corral.demo.EchoHandler', #{}}]}]},
                 corral_router:routes(D)).

routes_compile_back_to_the_same_dispatch_test() ->
    D = c([{"[...].example.com", [{"/a/[:b]/[...]", h, []}]}, {'_', [{"/", [x, {y, [int, nonempty]}], h, o}]}]),
    {ok, R} = corral_router:routes(D),
    ?assertEqual(D, c(R)).

fun_constraints_are_refused_because_the_jvm_matches_routes_test() ->
    F = fun(_, V) -> {ok, V} end,
    ?assertEqual({error, {unsupported_constraint, {id, F}}},
                 corral_router:routes(c([{'_', [{"/:id", [{id, F}], h, []}]}]))),
    %% Cowboy 1.x's form of the same.
    ?assertEqual({error, {unsupported_constraint, {id, function}}},
                 corral_router:routes([{'_', [], [{[id], [{id, function, F}], h, []}]}])).

a_term_that_is_no_dispatch_is_an_error_not_a_crash_test() ->
    ?assertEqual({error, {bad_dispatch, nope}}, corral_router:routes(nope)),
    ?assertMatch({error, {bad_dispatch, _}}, corral_router:routes([{'_', [], [bad]}])).
