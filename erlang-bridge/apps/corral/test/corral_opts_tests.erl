%% corral_opts: Cowboy's start arguments to one listener config (the pure step of a listener start).
-module(corral_opts_tests).
-include_lib("eunit/include/eunit.hrl").

-define(D, [{'_', [], [{'_', [], h, []}]}]).

a_2x_list_of_socket_options_gives_address_port_and_2x_defaults_test() ->
    ?assertEqual({ok, #{protocol => clear, ip => <<"127.0.0.1">>, port => 8080, dispatch => ?D,
                        profile => '2.latest', compress => false, listener => #{}}},
                 corral_opts:clear([{port, 8080}, {ip, {127, 0, 0, 1}}, {backlog, 10}], #{env => #{dispatch => ?D}})).

ranchs_map_form_reads_socket_opts_test() ->
    ?assertMatch({ok, #{ip := <<"::1">>, port := 0}},
                 corral_opts:clear(#{socket_opts => [{ip, {0, 0, 0, 0, 0, 0, 0, 1}}], num_acceptors => 10},
                                   #{env => #{dispatch => ?D}})).

without_an_ip_every_address_is_bound_as_gen_tcp_does_test() ->
    ?assertMatch({ok, #{ip := <<"0.0.0.0">>, port := 0}}, corral_opts:clear([], #{env => #{dispatch => ?D}})),
    ?assertMatch({ok, #{ip := <<"::">>}}, corral_opts:clear([inet6], #{env => #{dispatch => ?D}})).

a_1x_proplist_gives_1x_defaults_and_compress_test() ->
    ?assertEqual({ok, #{protocol => http, ip => <<"0.0.0.0">>, port => 80, dispatch => ?D,
                        profile => '1.1', compress => true, listener => #{}}},
                 corral_opts:http(100, [{port, 80}], [{env, [{dispatch, ?D}]}, {compress, true}])),
    ?assertMatch({ok, #{compress := false}}, corral_opts:http(1, [], [{env, [{dispatch, ?D}]}])).

what_is_wrong_is_named_test() ->
    ?assertMatch({error, {no_dispatch, _}}, corral_opts:clear([], #{})),
    ?assertMatch({error, {no_dispatch, _}}, corral_opts:clear([], #{env => #{}})),
    ?assertMatch({error, {no_dispatch, _}}, corral_opts:http(1, [], [{env, []}])),
    ?assertEqual({error, {bad_port, 70000}}, corral_opts:clear([{port, 70000}], #{env => #{dispatch => ?D}})),
    ?assertEqual({error, {bad_ip, nowhere}}, corral_opts:clear([{ip, nowhere}], #{env => #{dispatch => ?D}})),
    ?assertEqual({error, {bad_ip, {1, 2, 3}}}, corral_opts:clear([{ip, {1, 2, 3}}], #{env => #{dispatch => ?D}})),
    ?assertEqual({error, {bad_protocol_options, [x]}}, corral_opts:clear([], [x])),
    ?assertEqual({error, {bad_transport_options, x}}, corral_opts:clear(x, #{env => #{dispatch => ?D}})),
    ?assertEqual({error, {bad_nb_acceptors, 0}}, corral_opts:http(0, [], [])).

an_ip_written_as_a_string_is_parsed_test() ->
    ?assertMatch({ok, #{ip := <<"10.0.0.1">>}}, corral_opts:clear([{ip, "10.0.0.1"}], #{env => #{dispatch => ?D}})).

cowboy_and_ranch_limits_travel_under_their_names_test() ->
    ?assertMatch({ok, #{listener := #{request_timeout := 1000, max_headers := 10, max_connections := 5,
                                      allowed_origins := [<<"https://a">>]}}},
                 corral_opts:clear(#{socket_opts => [], max_connections => 5},
                                   #{env => #{dispatch => ?D}, request_timeout => 1000, max_headers => 10,
                                     allowed_origins => [<<"https://a">>], idle_timeout => 1})),
    %% 1.x: `timeout` is the request timeout; max_connections sits in the transport list.
    ?assertMatch({ok, #{listener := #{request_timeout := 7000, max_connections := 3}}},
                 corral_opts:http(1, [{max_connections, 3}], [{env, [{dispatch, ?D}]}, {timeout, 7000}])).

where_the_handlers_run_is_read_from_the_protocol_options_of_either_generation_test() ->
    ?assertMatch({ok, #{cluster := #{erlang_nodes := ['a@h', 'b@h'], discovery := true,
                                     placement := <<"hash:header:x-session">>}}},
                 corral_opts:clear([], #{env => #{dispatch => ?D}, erlang_nodes => ['b@h', 'a@h'],
                                         discovery => true, placement => {hash, header, <<"X-Session">>}})),
    ?assertMatch({ok, #{cluster := #{discovery := false, placement := <<"round-robin">>}}},
                 corral_opts:http(1, [], [{env, [{dispatch, ?D}]}, {placement, round_robin}])),
    %% erlang_nodes left out: the listener names this node once it is distributed.
    ?assertNot(maps:is_key(erlang_nodes, maps:get(cluster, element(2, corral_opts:clear([], #{env => #{dispatch => ?D},
                                                                                            placement => round_robin}))))),
    ?assertMatch({ok, #{cluster := #{placement := <<"hash:binding:room">>}}},
                 corral_opts:clear([], #{env => #{dispatch => ?D}, placement => {hash, binding, room}})),
    ?assertNot(maps:is_key(cluster, element(2, corral_opts:clear([], #{env => #{dispatch => ?D}})))).

bad_cluster_options_are_named_test() ->
    D = #{env => #{dispatch => ?D}},
    ?assertEqual({error, {bad_option, {erlang_nodes, []}}}, corral_opts:clear([], D#{erlang_nodes => []})),
    ?assertEqual({error, {bad_option, {erlang_nodes, [nohost]}}}, corral_opts:clear([], D#{erlang_nodes => [nohost]})),
    ?assertEqual({error, {bad_option, {erlang_nodes, a@h}}}, corral_opts:clear([], D#{erlang_nodes => a@h})),
    ?assertEqual({error, {bad_option, {discovery, yes}}}, corral_opts:clear([], D#{discovery => yes})),
    ?assertEqual({error, {bad_option, {placement, {hash, header, <<>>}}}},
                 corral_opts:clear([], D#{placement => {hash, header, <<>>}})),
    ?assertEqual({error, {bad_option, {placement, random}}},
                 corral_opts:http(1, [], [{env, [{dispatch, ?D}]}, {placement, random}])).

flow_limits_after_the_upgrade_travel_under_their_names_test() ->
    ?assertMatch({ok, #{listener := #{max_in_flight := 65536, send_buffer := 131072, send_timeout := 5000}}},
                 corral_opts:clear([], #{env => #{dispatch => ?D}, max_in_flight => 65536, send_buffer => 131072,
                                        send_timeout => 5000})),
    %% gen_tcp's send_timeout among the socket options (ranch passes them on), as Cowboy users set it.
    ?assertMatch({ok, #{listener := #{send_timeout := 2000}}},
                 corral_opts:clear(#{socket_opts => [{send_timeout, 2000}]}, #{env => #{dispatch => ?D}})),
    ?assertMatch({ok, #{listener := #{send_timeout := 3000}}},
                 corral_opts:clear([{send_timeout, 2000}], #{env => #{dispatch => ?D}, send_timeout => 3000})),
    ?assertMatch({ok, #{listener := #{max_in_flight := 1000}}},
                 corral_opts:http(1, [], [{env, [{dispatch, ?D}]}, {max_in_flight, 1000}])).
