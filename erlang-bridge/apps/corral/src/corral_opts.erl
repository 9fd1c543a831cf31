%% The pure step of a listener start: the arguments of cowboy:start_clear/3 (2.x) or cowboy:start_http/4 (1.x)
%% become one listener config, or an error saying what is wrong. No process, no I/O.
-module(corral_opts).

-export([clear/2, tls/2, http/3, drain_timeout/1]).

-export_type([config/0]).

%% protocol: which start it came from; ip: the address as text for the JVM; port: 0 picks a free one;
%% profile: the Cowboy version whose defaults the routes get (java-node's VersionProfile label);
%% compress: Cowboy 1.x's {compress, true}; listener: the limits Cowboy and ranch take under the same names
%% (request_timeout, max_headers, ..., max_connections) and Corral's allowed_origins, as given (java-node's
%% ListenerSettings reads them; what is absent keeps its default there); drain_timeout: how long a stop waits for
%% clients' close replies (ms), present when ranch's shutdown option was given; tls: start_tls/3's PEM files;
%% cluster: where the Erlang handlers run (docs/cluster.md), present when a protocol option named it:
%% erlang_nodes (absent: this node, named once it is distributed), discovery (also every erlang-bridge node of pg group corral_bridge, default
%% false) and placement (java-node's --placement text).
-type config() :: #{protocol := clear | tls | http, ip := binary(), port := inet:port_number(),
                    dispatch := term(), profile := '1.1' | '2.latest', compress := boolean(),
                    listener := #{atom() => term()},
                    drain_timeout => non_neg_integer(),
                    cluster => #{erlang_nodes => [node()], discovery := boolean(), placement := binary()},
                    tls => #{certfile := binary(), keyfile := binary(), cacertfile := binary() | undefined,
                             password => binary()}}.

-type placement() :: least_connections | round_robin | {hash, header, iodata()} | {hash, binding, atom()}.
-export_type([placement/0]).

-define(CLUSTER_OPTS, [erlang_nodes, discovery, placement]).

%% After the upgrade, per connection (java-node's FlowLimits): bytes handed to an Erlang handler and not yet
%% answered before reading stops (max_in_flight), bytes queued towards the client (send_buffer), and how long a
%% client may take nothing (send_timeout, ranch's and gen_tcp's name, also taken from the socket options).
-define(FLOW_LIMITS, [max_in_flight, send_buffer, send_timeout]).
-define(PROTOCOL_LIMITS, [request_timeout, max_headers, max_header_name_length, max_header_value_length,
                          max_request_line_length, allowed_origins | ?FLOW_LIMITS]).

%% How long a stopping listener waits for its clients' close replies after the 1001, unless ranch's `shutdown`
%% transport option says otherwise: java-node's Settings.DEFAULT_DRAIN_TIMEOUT, 10 s.
-define(DEFAULT_DRAIN_TIMEOUT, 10000).

%% @doc cowboy:start_clear/3's options: transport options as a list of socket options or ranch's map
%% (#{socket_opts => [...], ...}), protocol options a map with env => #{dispatch => Dispatch}.
-spec clear(list() | map(), map()) -> {ok, config()} | {error, term()}.
clear(TransOpts, ProtoOpts) when is_map(ProtoOpts) ->
    Env = maps:get(env, ProtoOpts, #{}),
    case is_map(Env) andalso maps:find(dispatch, Env) of
        {ok, Dispatch} ->
            Limits = maps:with(?PROTOCOL_LIMITS, ProtoOpts),
            cluster(maps:with(?CLUSTER_OPTS, ProtoOpts),
                    socket(TransOpts, #{protocol => clear, dispatch => Dispatch, profile => '2.latest',
                                        compress => false, listener => Limits}));
        _ -> {error, {no_dispatch, ProtoOpts}}
    end;
clear(_TransOpts, ProtoOpts) ->
    {error, {bad_protocol_options, ProtoOpts}}.

%% @doc cowboy:start_tls/3's options: start_clear/3's, and in the socket options ssl's certfile and keyfile (PEM,
%% required) and cacertfile (PEM: client certificates must chain to it, as with {verify, verify_peer} and
%% {fail_if_no_peer_cert, true}), and ssl's password for an encrypted keyfile. TLS 1.3 and 1.2 only, ALPN http/1.1
%% (java-node's TlsSettings).
-spec tls(list() | map(), map()) -> {ok, config()} | {error, term()}.
tls(TransOpts, ProtoOpts) ->
    case clear(TransOpts, ProtoOpts) of
        {ok, Config} ->
            SocketOpts = socket_opts(TransOpts),
            case {file_opt(certfile, SocketOpts), file_opt(keyfile, SocketOpts), file_opt(cacertfile, SocketOpts)} of
                {undefined, _, _} -> {error, {missing_option, certfile}};
                {_, undefined, _} -> {error, {missing_option, keyfile}};
                {{error, Bad}, _, _} -> {error, Bad};
                {_, {error, Bad}, _} -> {error, Bad};
                {_, _, {error, Bad}} -> {error, Bad};
                {Cert, Key, Ca} ->
                    Tls = #{certfile => Cert, keyfile => Key, cacertfile => Ca},
                    case proplists:get_value(password, SocketOpts) of
                        undefined ->
                            {ok, Config#{protocol := tls, tls => Tls}};
                        P when is_list(P); is_binary(P) ->
                            {ok, Config#{protocol := tls, tls => Tls#{password => unicode:characters_to_binary(P)}}};
                        P ->
                            {error, {bad_option, {password, P}}}
                    end
            end;
        Error ->
            Error
    end.

socket_opts(TransOpts) when is_map(TransOpts) -> maps:get(socket_opts, TransOpts, []);
socket_opts(TransOpts) -> TransOpts.

file_opt(Key, SocketOpts) ->
    case proplists:get_value(Key, SocketOpts) of
        undefined -> undefined;
        F when is_list(F); is_binary(F) -> unicode:characters_to_binary(filename:absname(F));
        F -> {error, {bad_option, {Key, F}}}
    end.

%% @doc The drain timeout of a listener (ms): ranch's `shutdown` transport option (in the map, or as
%% {shutdown, T} in the list form), which is the time ranch gives connections when a listener stops.
-spec drain_timeout(list() | map()) -> non_neg_integer().
drain_timeout(TransOpts) when is_map(TransOpts) ->
    timeout(maps:get(shutdown, TransOpts, ?DEFAULT_DRAIN_TIMEOUT));
drain_timeout(TransOpts) when is_list(TransOpts) ->
    timeout(proplists:get_value(shutdown, TransOpts, ?DEFAULT_DRAIN_TIMEOUT));
drain_timeout(_) ->
    ?DEFAULT_DRAIN_TIMEOUT.

timeout(T) when is_integer(T), T >= 0 -> T;
timeout(_) -> ?DEFAULT_DRAIN_TIMEOUT. % brutal_kill and infinity: the default still bounds the stop

%% @doc cowboy:start_http/4's options (Cowboy 1.x): NbAcceptors (accepted, the JVM sizes its own event loops),
%% transport options as a list, protocol options a proplist with {env, [{dispatch, Dispatch}]} and
%% optionally {compress, Bool}.
-spec http(pos_integer(), list(), list()) -> {ok, config()} | {error, term()}.
http(NbAcceptors, TransOpts, ProtoOpts) when is_integer(NbAcceptors), NbAcceptors > 0, is_list(ProtoOpts) ->
    Env = proplists:get_value(env, ProtoOpts, []),
    case is_list(Env) andalso lists:keyfind(dispatch, 1, Env) of
        {dispatch, Dispatch} ->
            Compress = proplists:get_value(compress, ProtoOpts, false) =:= true,
            %% Cowboy 1.x calls the request timeout `timeout` (cowboy_protocol); 2.x `request_timeout`.
            Limits = maps:from_list([{K, V} || {K, V} <- [{case K0 of timeout -> request_timeout; _ -> K0 end, V0}
                                                          || {K0, V0} <- ProtoOpts, is_atom(K0)],
                                              lists:member(K, ?PROTOCOL_LIMITS)]),
            Cluster = maps:from_list([{K, V} || {K, V} <- ProtoOpts, lists:member(K, ?CLUSTER_OPTS)]),
            cluster(Cluster, socket(TransOpts, #{protocol => http, dispatch => Dispatch, profile => '1.1',
                                                 compress => Compress, listener => Limits}));
        _ ->
            {error, {no_dispatch, ProtoOpts}}
    end;
http(NbAcceptors, _TransOpts, ProtoOpts) when is_integer(NbAcceptors), NbAcceptors > 0 ->
    {error, {bad_protocol_options, ProtoOpts}};
http(NbAcceptors, _, _) ->
    {error, {bad_nb_acceptors, NbAcceptors}}.

%% Where the handlers run, from the protocol options (the map of 2.x, the proplist of 1.x): erlang_nodes, a
%% non-empty list of node names (default [node()]: the handlers run beside the application, as under Cowboy);
%% discovery => true also uses every erlang-bridge node in pg group corral_bridge of scope corral_cluster, as the
%% JVM learns of them (docs/cluster.md); placement picks among them per upgrade (default least_connections;
%% {hash, header, Name} and {hash, binding, Name} keep a key on one node: sticky sessions).
cluster(Opts, {ok, Config}) when map_size(Opts) =:= 0 ->
    {ok, Config};
cluster(Opts, {ok, Config}) ->
    Discovery = maps:get(discovery, Opts, false),
    case {handler_nodes(Opts), is_boolean(Discovery), placement(maps:get(placement, Opts, least_connections))} of
        {error, _, _} -> {error, {bad_option, {erlang_nodes, maps:get(erlang_nodes, Opts)}}};
        {_, false, _} -> {error, {bad_option, {discovery, Discovery}}};
        {_, _, error} -> {error, {bad_option, {placement, maps:get(placement, Opts)}}};
        {Nodes, true, Placement} ->
            {ok, Config#{cluster => maps:merge(Nodes, #{discovery => Discovery, placement => Placement})}}
    end;
cluster(_, Error) ->
    Error.

handler_nodes(#{erlang_nodes := Nodes}) ->
    case is_list(Nodes) andalso Nodes =/= [] andalso
         lists:all(fun(N) -> is_atom(N) andalso lists:member($@, atom_to_list(N)) end, Nodes) of
        true -> #{erlang_nodes => lists:usort(Nodes)};
        false -> error
    end;
handler_nodes(_) ->
    #{}.

%% java-node's Placement.parse text.
placement(least_connections) -> <<"least-connections">>;
placement(round_robin) -> <<"round-robin">>;
placement({hash, header, Name}) when is_binary(Name); is_list(Name) ->
    case unicode:characters_to_binary(Name) of
        B when is_binary(B), B =/= <<>> -> <<"hash:header:", (string:lowercase(B))/binary>>;
        _ -> error
    end;
placement({hash, binding, Name}) when is_atom(Name) -> <<"hash:binding:", (atom_to_binary(Name))/binary>>;
placement(_) -> error.

%% ranch's max_connections: a key of the 2.x map, an element of the 1.x list. ranch's shutdown becomes
%% drain_timeout when it is given; without it the JVM's default applies.
socket(TransOpts, Config = #{listener := Limits}) when is_map(TransOpts) ->
    socket(maps:get(socket_opts, TransOpts, []),
           drain(maps:is_key(shutdown, TransOpts), TransOpts,
                 Config#{listener := maps:merge(Limits, maps:with([max_connections], TransOpts))}));
socket(SocketOpts, Config = #{listener := Limits}) when is_list(SocketOpts) ->
    MaxConns = [{max_connections, N} || {max_connections, N} <- SocketOpts],
    %% gen_tcp's send_timeout in the socket options counts unless the protocol options give one.
    SendTimeout = [{send_timeout, T} || {send_timeout, T} <- SocketOpts],
    Listener = maps:merge(maps:from_list(SendTimeout), maps:merge(Limits, maps:from_list(MaxConns))),
    socket_address(SocketOpts, drain(lists:keymember(shutdown, 1, SocketOpts), SocketOpts,
                                     Config#{listener := Listener}));
socket(TransOpts, _Config) ->
    {error, {bad_transport_options, TransOpts}}.

drain(true, TransOpts, Config) -> Config#{drain_timeout => drain_timeout(TransOpts)};
drain(false, _, Config) -> Config.

socket_address(SocketOpts, Config) ->
    case port(proplists:get_value(port, SocketOpts, 0)) of
        {ok, Port} ->
            %% No ip: every address, as gen_tcp:listen (and so ranch and Cowboy) binds by default.
            Default = case lists:member(inet6, SocketOpts) of true -> {0, 0, 0, 0, 0, 0, 0, 0}; false -> {0, 0, 0, 0} end,
            case ip(proplists:get_value(ip, SocketOpts, Default)) of
                {ok, Ip} -> {ok, Config#{ip => Ip, port => Port}};
                error -> {error, {bad_ip, proplists:get_value(ip, SocketOpts)}}
            end;
        error ->
            {error, {bad_port, proplists:get_value(port, SocketOpts)}}
    end.

port(P) when is_integer(P), P >= 0, P =< 65535 -> {ok, P};
port(_) -> error.

ip(Ip) when is_tuple(Ip) ->
    case inet:ntoa(Ip) of
        {error, _} -> error;
        Text -> {ok, list_to_binary(Text)}
    end;
ip(Text) when is_list(Text) ->
    case inet:parse_address(Text) of
        {ok, Ip} -> ip(Ip);
        {error, _} -> error
    end;
ip(_) ->
    error.
