%% The pure step of a listener start: the arguments of cowboy:start_clear/3 (2.x) or cowboy:start_http/4 (1.x)
%% become one listener config, or an error saying what is wrong. No process, no I/O.
-module(corral_opts).

-export([clear/2, http/3]).

-export_type([config/0]).

%% protocol: which start it came from; ip: the address as text for the JVM; port: 0 picks a free one;
%% profile: the Cowboy version whose defaults the routes get (java-node's VersionProfile label);
%% compress: Cowboy 1.x's {compress, true}; listener: the limits Cowboy and ranch take under the same names
%% (request_timeout, max_headers, ..., max_connections) and Corral's allowed_origins, as given (java-node's
%% ListenerSettings reads them; what is absent keeps its default there).
-type config() :: #{protocol := clear | http, ip := binary(), port := inet:port_number(),
                    dispatch := term(), profile := '1.1' | '2.latest', compress := boolean(),
                    listener := #{atom() => term()}}.

-define(PROTOCOL_LIMITS, [request_timeout, max_headers, max_header_name_length, max_header_value_length,
                          max_request_line_length, allowed_origins]).

%% @doc cowboy:start_clear/3's options: transport options as a list of socket options or ranch's map
%% (#{socket_opts => [...], ...}), protocol options a map with env => #{dispatch => Dispatch}.
-spec clear(list() | map(), map()) -> {ok, config()} | {error, term()}.
clear(TransOpts, ProtoOpts) when is_map(ProtoOpts) ->
    Env = maps:get(env, ProtoOpts, #{}),
    case is_map(Env) andalso maps:find(dispatch, Env) of
        {ok, Dispatch} ->
            Limits = maps:with(?PROTOCOL_LIMITS, ProtoOpts),
            socket(TransOpts, #{protocol => clear, dispatch => Dispatch, profile => '2.latest', compress => false,
                                listener => Limits});
        _ -> {error, {no_dispatch, ProtoOpts}}
    end;
clear(_TransOpts, ProtoOpts) ->
    {error, {bad_protocol_options, ProtoOpts}}.

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
            socket(TransOpts, #{protocol => http, dispatch => Dispatch, profile => '1.1', compress => Compress,
                                listener => Limits});
        _ ->
            {error, {no_dispatch, ProtoOpts}}
    end;
http(NbAcceptors, _TransOpts, ProtoOpts) when is_integer(NbAcceptors), NbAcceptors > 0 ->
    {error, {bad_protocol_options, ProtoOpts}};
http(NbAcceptors, _, _) ->
    {error, {bad_nb_acceptors, NbAcceptors}}.

%% ranch's max_connections: a key of the 2.x map, an element of the 1.x list.
socket(TransOpts, Config = #{listener := Limits}) when is_map(TransOpts) ->
    socket(maps:get(socket_opts, TransOpts, []),
           Config#{listener := maps:merge(Limits, maps:with([max_connections], TransOpts))});
socket(SocketOpts, Config = #{listener := Limits}) when is_list(SocketOpts) ->
    MaxConns = [{max_connections, N} || {max_connections, N} <- SocketOpts],
    socket_address(SocketOpts, Config#{listener := maps:merge(Limits, maps:from_list(MaxConns))});
socket(TransOpts, _Config) ->
    {error, {bad_transport_options, TransOpts}}.

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
