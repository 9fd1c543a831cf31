%% A cowboy_req for erlang-bridge nodes that have no Cowboy installed. java-node puts compat-ebin/ on the code path
%% only when code:which(cowboy_req) is non_existing, so a real Cowboy always wins.
%%
%% It covers what Websocket handlers call during init, in both generations (docs/contract/req.md):
%%   2.x Req (a map, see corral_bridge_req): functions return the value; set_resp_* and reply return a new Req.
%%   1.x Req (the http_req record): functions return {Value, Req}; parse_header returns {ok, Value, Req};
%%   reply returns {ok, Req}.
%% Replies are delivered the way real Cowboy delivers them, so erlang-bridge reads them the same way with or without
%% Cowboy: 2.x sends {{Pid, StreamID}, {response, Status, Headers, Body}} to the Req's pid; 1.x calls the record's
%% onresponse hook.
-module(cowboy_req).

-include("corral_req1.hrl").

%% Both generations (with each generation's shape).
-export([method/1, version/1, host/1, port/1, path/1, qs/1, peer/1, host_info/1, path_info/1,
         header/2, header/3, headers/1, parse_header/2, parse_header/3, binding/2, binding/3, bindings/1,
         has_body/1, body_length/1, set_resp_header/3, has_resp_header/2, delete_resp_header/2,
         set_resp_cookie/4, set_resp_body/2, reply/2, reply/3, reply/4]).
%% 2.x only (Cowboy 1.x has no such function: a 1.x Req gets function_clause, as an undefined function would fail).
-export([scheme/1, sock/1, cert/1, uri/1, uri/2, read_body/1, read_body/2, parse_qs/1, match_qs/2,
         parse_cookies/1, match_cookies/2, set_resp_headers/2, resp_header/2, resp_header/3, resp_headers/1,
         set_resp_cookie/3]).
%% 1.x only.
-export([qs_val/2, qs_val/3, qs_vals/1, cookie/2, cookie/3, cookies/1, meta/2, meta/3, set_meta/3, compact/1,
         host_url/1, url/1]).

-type req() :: map() | #http_req{}.
-export_type([req/0]).

%% Plain accessors.

-spec method(req()) -> binary() | {binary(), req()}.
method(Req) -> get(method, Req).
-spec version(req()) -> atom() | {atom(), req()}.
version(Req) -> get(version, Req).
-spec scheme(map()) -> binary().
scheme(#{scheme := Scheme}) -> Scheme.
-spec host(req()) -> binary() | {binary(), req()}.
host(Req) -> get(host, Req).
-spec port(req()) -> inet:port_number() | {inet:port_number(), req()}.
port(Req) -> get(port, Req).
-spec path(req()) -> binary() | {binary(), req()}.
path(Req) -> get(path, Req).
-spec qs(req()) -> binary() | {binary(), req()}.
qs(Req) -> get(qs, Req).
-spec peer(req()) -> {inet:ip_address(), inet:port_number()} | {{inet:ip_address(), inet:port_number()}, req()}.
peer(Req) -> get(peer, Req).
-spec host_info(req()) -> undefined | [binary()] | {undefined | [binary()], req()}.
host_info(Req) -> get(host_info, Req).
-spec path_info(req()) -> undefined | [binary()] | {undefined | [binary()], req()}.
path_info(Req) -> get(path_info, Req).

-spec sock(map()) -> {inet:ip_address(), inet:port_number()}.
sock(#{sock := Sock}) -> Sock.
-spec cert(map()) -> binary() | undefined.
cert(#{cert := Cert}) -> Cert.

%% The upgrade request has no body as erlang-bridge sees it (java-node does not pass one on).
-spec has_body(req()) -> boolean().
has_body(#{has_body := HasBody}) -> HasBody;
has_body(#http_req{}) -> false.

-spec body_length(req()) -> non_neg_integer() | undefined | {non_neg_integer() | undefined, req()}.
body_length(#{body_length := Length}) -> Length;
body_length(Req = #http_req{}) -> {0, Req}.

-spec read_body(map()) -> {ok, binary(), map()}.
read_body(Req) -> read_body(Req, #{}).

-spec read_body(map(), map()) -> {ok, binary(), map()}.
read_body(Req = #{has_body := false}, _Opts) -> {ok, <<>>, Req}.

get(Key, Req) when is_map(Req) -> maps:get(Key, Req);
get(Key, Req = #http_req{}) -> {element(field(Key), Req), Req}.

field(method) -> #http_req.method;
field(version) -> #http_req.version;
field(host) -> #http_req.host;
field(port) -> #http_req.port;
field(path) -> #http_req.path;
field(qs) -> #http_req.qs;
field(peer) -> #http_req.peer;
field(host_info) -> #http_req.host_info;
field(path_info) -> #http_req.path_info.

%% Headers.

-spec header(binary(), req()) -> term().
header(Name, Req) -> header(Name, Req, undefined).

-spec header(binary(), req(), Default) -> binary() | Default | {binary() | Default, req()}.
header(Name, #{headers := Headers}, Default) -> maps:get(Name, Headers, Default);
header(Name, Req = #http_req{headers = Headers}, Default) ->
    case lists:keyfind(Name, 1, Headers) of
        {_, Value} -> {Value, Req};
        false -> {Default, Req}
    end.

-spec headers(req()) -> #{binary() => binary()} | {[{binary(), binary()}], req()}.
headers(#{headers := Headers}) -> Headers;
headers(Req = #http_req{headers = Headers}) -> {Headers, Req}.

%% @doc 2.x: the parsed value, `undefined` when absent, an exception when unparsable (Cowboy answers 400).
%% 1.x: {ok, Value, Req}; {undefined, RawValue, Req} for headers 1.x does not parse; {error, badarg} when unparsable.
-spec parse_header(binary(), req()) -> term().
parse_header(Name = <<"content-length">>, Req) when is_map(Req) -> parse_header(Name, Req, 0);
parse_header(Name = <<"cookie">>, Req) when is_map(Req) -> parse_header(Name, Req, []);
parse_header(Name, Req) -> parse_header(Name, Req, undefined).

-spec parse_header(binary(), req(), term()) -> term().
parse_header(Name, Req, Default) when is_map(Req) ->
    %% Cowboy 2.x answers 400 for what it cannot parse: it exits with a request_error, as here, for a malformed
    %% value and for a header name it has no parser for (present or not).
    try
        true = known_2x(Name),
        case header(Name, Req) of
            undefined -> Default;
            Value -> parse(Name, Value, '2.x')
        end
    catch _:_ ->
        exit({request_error, {header, Name}, 'The header could not be parsed.'})
    end;
parse_header(Name, Req = #http_req{}, Default) ->
    case header(Name, Req) of
        {undefined, _} -> {ok, Default, Req};
        {Value, _} ->
            case parses_1x(Name) of
                false -> {undefined, Value, Req};
                true ->
                    try parse(Name, Value, '1.x') of
                        Parsed -> {ok, Parsed, Req}
                    catch _:_ -> {error, badarg}
                    end
            end
    end.

%% The headers Cowboy 1.x parses; any other comes back raw as {undefined, Value, Req}.
parses_1x(Name) ->
    lists:member(Name, [<<"accept">>, <<"accept-charset">>, <<"accept-encoding">>, <<"accept-language">>,
                        <<"authorization">>, <<"content-length">>, <<"content-type">>, <<"cookie">>,
                        <<"expect">>, <<"if-match">>, <<"if-modified-since">>, <<"if-none-match">>,
                        <<"if-unmodified-since">>, <<"range">>, <<"sec-websocket-protocol">>,
                        <<"sec-websocket-extensions">>, <<"transfer-encoding">>, <<"upgrade">>,
                        <<"x-forwarded-for">>]).

%% The header names Cowboy 2.x has a parser for.
known_2x(Name) ->
    lists:member(Name, [<<"accept">>, <<"accept-charset">>, <<"accept-encoding">>, <<"accept-language">>,
                        <<"access-control-request-headers">>, <<"access-control-request-method">>,
                        <<"authorization">>, <<"connection">>, <<"content-encoding">>, <<"content-language">>,
                        <<"content-length">>, <<"content-type">>, <<"cookie">>, <<"expect">>, <<"if-match">>,
                        <<"if-modified-since">>, <<"if-none-match">>, <<"if-range">>, <<"if-unmodified-since">>,
                        <<"max-forwards">>, <<"origin">>, <<"proxy-authorization">>, <<"range">>,
                        <<"sec-websocket-extensions">>, <<"sec-websocket-protocol">>, <<"sec-websocket-version">>,
                        <<"trailer">>, <<"upgrade">>, <<"wt-available-protocols">>, <<"x-forwarded-for">>]).

%% Token lists keep the case the client sent (cow_http_hd, docs/contract/upgrade.md).
parse(<<"sec-websocket-protocol">>, Value, _) -> nonempty(tokens(Value));
parse(<<"sec-websocket-version">>, Value, _) -> binary_to_integer(trim(Value));
parse(<<"sec-websocket-extensions">>, Value, _) ->
    [case [trim(P) || P <- binary:split(Ext, <<";">>, [global])] of
         [ExtName | Params] -> {ExtName, [param(P) || P <- Params, P =/= <<>>]}
     end || Ext <- tokens(Value)];
parse(<<"connection">>, Value, _) -> [string:lowercase(T) || T <- nonempty(tokens(Value))];
parse(<<"upgrade">>, Value, _) -> [string:lowercase(T) || T <- nonempty(tokens(Value))];
parse(<<"content-length">>, Value, _) -> binary_to_integer(trim(Value));
parse(<<"cookie">>, Value, _) -> cookies_of(Value);
parse(<<"origin">>, Value, _) -> [origin(O) || O <- binary:split(Value, <<" ">>, [global, trim_all])];
parse(<<"accept-language">>, Value, _) ->
    [case [trim(P) || P <- binary:split(Range, <<";">>, [global])] of
         [Tag] -> {string:lowercase(Tag), 1000};
         [Tag, <<"q=", Q/binary>>] -> {string:lowercase(Tag), qvalue(Q)}
     end || Range <- nonempty(tokens(Value))];
parse(<<"x-forwarded-for">>, Value, _) -> nonempty(tokens(Value));
%% Present but beyond what this stand-in parses: fails, which parse_header/3 turns into Cowboy's request_error.
parse(Name, _, _) -> erlang:error({unsupported_header, Name}).

%% RFC 6454 serialized origin: {Scheme, Host, Port}, the port filled from the scheme when absent.
origin(O) ->
    [Scheme0, Authority] = binary:split(O, <<"://">>),
    Scheme = string:lowercase(Scheme0),
    case binary:split(Authority, <<":">>) of
        [Host] -> {Scheme, string:lowercase(Host), default_port(Scheme)};
        [Host, Port] -> {Scheme, string:lowercase(Host), binary_to_integer(Port)}
    end.

default_port(<<"https">>) -> 443;
default_port(_) -> 80.

%% A qvalue (RFC 9110 section 12.4.2) as an integer in thousandths: "0.5" -> 500, "1" -> 1000.
qvalue(<<"1">>) -> 1000;
qvalue(<<"1.", Zeros/binary>>) -> <<>> = << <<Z>> || <<Z>> <= Zeros, Z =/= $0 >>, 1000;
qvalue(<<"0">>) -> 0;
qvalue(<<"0.", Digits/binary>>) when byte_size(Digits) =< 3 ->
    Padded = <<Digits/binary, (binary:copy(<<"0">>, 3 - byte_size(Digits)))/binary>>,
    binary_to_integer(Padded).

param(P) ->
    case binary:split(P, <<"=">>) of
        [K, V] -> {trim(K), trim(V)};
        [K] -> trim(K)
    end.

tokens(Value) -> [T || T <- [trim(T0) || T0 <- binary:split(Value, <<",">>, [global])], T =/= <<>>].

nonempty([]) -> erlang:error(badarg);
nonempty(L) -> L.

trim(Bin) -> string:trim(Bin, both, " \t").

%% Bindings.

-spec binding(atom(), req()) -> term().
binding(Name, Req) -> binding(Name, Req, undefined).

-spec binding(atom(), req(), Default) -> binary() | Default | {binary() | Default, req()}.
binding(Name, #{bindings := Bindings}, Default) -> maps:get(Name, Bindings, Default);
binding(Name, Req = #http_req{bindings = Bindings}, Default) ->
    case lists:keyfind(Name, 1, bindings_list(Bindings)) of
        {_, Value} -> {Value, Req};
        false -> {Default, Req}
    end.

%% @doc 2.x: a map; 1.x: {[{Name, Value}], Req} (docs/contract/req.md: list vs map).
-spec bindings(req()) -> map() | {[{atom(), binary()}], req()}.
bindings(#{bindings := Bindings}) -> Bindings;
bindings(Req) when is_map(Req) -> #{};
bindings(Req = #http_req{bindings = Bindings}) -> {bindings_list(Bindings), Req}.

bindings_list(undefined) -> [];
bindings_list(L) -> L.

%% Query string.

-spec parse_qs(map()) -> [{binary(), binary() | true}].
parse_qs(#{qs := Qs}) -> parse_qs_bin(Qs).

%% Like Cowboy, a missing field or a failed constraint exits with a request_error (Cowboy answers 400).
-spec match_qs(list(), map()) -> map().
match_qs(Fields, Req) when is_map(Req) -> request_error(match_qs, fun() -> match(Fields, parse_qs(Req)) end).

request_error(What, Fun) ->
    try Fun()
    catch error:Reason -> exit({request_error, {What, Reason}, 'The request does not match the fields asked for.'})
    end.

-spec qs_val(binary(), #http_req{}) -> {binary() | true | undefined, #http_req{}}.
qs_val(Name, Req) -> qs_val(Name, Req, undefined).

-spec qs_val(binary(), #http_req{}, Default) -> {binary() | true | Default, #http_req{}}.
qs_val(Name, Req, Default) ->
    {Vals, Req2} = qs_vals(Req),
    case lists:keyfind(Name, 1, Vals) of
        {_, Value} -> {Value, Req2};
        false -> {Default, Req2}
    end.

-spec qs_vals(#http_req{}) -> {[{binary(), binary() | true}], #http_req{}}.
qs_vals(Req = #http_req{qs_vals = undefined, qs = Qs}) ->
    Vals = parse_qs_bin(Qs),
    {Vals, Req#http_req{qs_vals = Vals}};
qs_vals(Req = #http_req{qs_vals = Vals}) -> {Vals, Req}.

parse_qs_bin(undefined) -> [];
parse_qs_bin(Qs) ->
    [case binary:split(Pair, <<"=">>) of
         [K, V] -> {urldecode(K), urldecode(V)};
         [K] -> {urldecode(K), true}
     end || Pair <- binary:split(Qs, <<"&">>, [global, trim_all])].

urldecode(Bin) -> urldecode(Bin, <<>>).
urldecode(<<$+, Rest/binary>>, Acc) -> urldecode(Rest, <<Acc/binary, $\s>>);
urldecode(<<$%, H, L, Rest/binary>>, Acc) -> urldecode(Rest, <<Acc/binary, (list_to_integer([H, L], 16))>>);
urldecode(<<C, Rest/binary>>, Acc) -> urldecode(Rest, <<Acc/binary, C>>);
urldecode(<<>>, Acc) -> Acc.

%% Cookies.

-spec parse_cookies(map()) -> [{binary(), binary()}].
parse_cookies(Req) when is_map(Req) ->
    case header(<<"cookie">>, Req) of
        undefined -> [];
        Value -> cookies_of(Value)
    end.

-spec match_cookies(list(), map()) -> map().
match_cookies(Fields, Req) when is_map(Req) -> request_error(match_cookies, fun() -> match(Fields, parse_cookies(Req)) end).

-spec cookies(#http_req{}) -> {[{binary(), binary()}], #http_req{}}.
cookies(Req = #http_req{cookies = undefined}) ->
    Cookies = case header(<<"cookie">>, Req) of
        {undefined, _} -> [];
        {Value, _} -> cookies_of(Value)
    end,
    {Cookies, Req#http_req{cookies = Cookies}};
cookies(Req = #http_req{cookies = Cookies}) -> {Cookies, Req}.

-spec cookie(binary(), #http_req{}) -> {binary() | undefined, #http_req{}}.
cookie(Name, Req) -> cookie(Name, Req, undefined).

-spec cookie(binary(), #http_req{}, Default) -> {binary() | Default, #http_req{}}.
cookie(Name, Req, Default) ->
    {Cookies, Req2} = cookies(Req),
    case lists:keyfind(Name, 1, Cookies) of
        {_, Value} -> {Value, Req2};
        false -> {Default, Req2}
    end.

cookies_of(Value) ->
    [case binary:split(trim(C), <<"=">>) of
         [K, V] -> {trim(K), trim(V)};
         [V] -> {<<>>, V}
     end || C <- binary:split(Value, <<";">>, [global, trim_all]), trim(C) =/= <<>>].

%% match_qs/match_cookies fields: Name | {Name, Constraints} | {Name, Constraints, Default}.
match(Fields, KVs) ->
    lists:foldl(fun(Field, Acc) -> match_field(Field, KVs, Acc) end, #{}, Fields).

match_field(Name, KVs, Acc) when is_atom(Name) -> match_field({Name, [], no_default}, KVs, Acc);
match_field({Name, Constraints}, KVs, Acc) -> match_field({Name, Constraints, no_default}, KVs, Acc);
match_field({Name, Constraints, Default}, KVs, Acc) ->
    case lists:keyfind(atom_to_binary(Name, utf8), 1, KVs) of
        {_, Value} -> Acc#{Name => constrain(Name, as_list(Constraints), Value)};
        false when Default =:= no_default -> erlang:error({badkey, Name});
        false -> Acc#{Name => Default}
    end.

as_list(L) when is_list(L) -> L;
as_list(C) -> [C].

constrain(_, [], Value) -> Value;
constrain(Name, [int | Rest], Value) ->
    try binary_to_integer(Value) of
        Int -> constrain(Name, Rest, Int)
    catch error:badarg -> erlang:error({validation_failed, Name, int})
    end;
constrain(Name, [nonempty | Rest], Value) when Value =/= <<>> -> constrain(Name, Rest, Value);
constrain(Name, [Fun | Rest], Value) when is_function(Fun, 2) ->
    case Fun(forward, Value) of
        {ok, Value2} -> constrain(Name, Rest, Value2);
        {error, Reason} -> erlang:error({validation_failed, Name, Reason})
    end;
constrain(Name, [C | _], _) -> erlang:error({validation_failed, Name, C}).

%% URI.

-spec uri(map()) -> iodata().
uri(Req) -> uri(Req, #{}).

-spec uri(map(), map()) -> iodata().
uri(Req = #{scheme := Scheme0, host := Host0, port := Port0, path := Path0, qs := Qs0}, Opts) ->
    Scheme = maps:get(scheme, Opts, Scheme0),
    Host = maps:get(host, Opts, Host0),
    Port = maps:get(port, Opts, Port0),
    Path = maps:get(path, Opts, Path0),
    Qs = maps:get(qs, Opts, Qs0),
    _ = Req,
    SchemePart = case Scheme of undefined -> <<"//">>; _ -> [Scheme, <<"://">>] end,
    PortPart = case {Scheme, Port} of
        {_, undefined} -> <<>>;
        {<<"http">>, 80} -> <<>>;
        {<<"https">>, 443} -> <<>>;
        _ -> [$:, integer_to_binary(Port)]
    end,
    PathPart = case Path of undefined -> <<>>; _ -> Path end,
    QsPart = case Qs of undefined -> <<>>; <<>> -> <<>>; _ -> [$?, Qs] end,
    [SchemePart, Host, PortPart, PathPart, QsPart].

-spec host_url(#http_req{}) -> {binary(), #http_req{}}.
host_url(Req = #http_req{transport = Transport, host = Host, port = Port}) ->
    Scheme = case Transport of ranch_ssl -> <<"https">>; _ -> <<"http">> end,
    {iolist_to_binary(uri(#{scheme => Scheme, host => Host, port => Port, path => <<>>, qs => <<>>})), Req}.

-spec url(#http_req{}) -> {binary(), #http_req{}}.
url(Req = #http_req{path = Path, qs = Qs}) ->
    {HostURL, _} = host_url(Req),
    QsPart = case Qs of <<>> -> <<>>; _ -> <<"?", Qs/binary>> end,
    {<<HostURL/binary, Path/binary, QsPart/binary>>, Req}.

%% 1.x metadata and compaction.

-spec meta(atom(), #http_req{}) -> {term(), #http_req{}}.
meta(Name, Req) -> meta(Name, Req, undefined).

-spec meta(atom(), #http_req{}, Default) -> {term() | Default, #http_req{}}.
meta(Name, Req = #http_req{meta = Meta}, Default) ->
    case lists:keyfind(Name, 1, Meta) of
        {_, Value} -> {Value, Req};
        false -> {Default, Req}
    end.

-spec set_meta(atom(), term(), #http_req{}) -> #http_req{}.
set_meta(Name, Value, Req = #http_req{meta = Meta}) ->
    Req#http_req{meta = lists:keystore(Name, 1, Meta, {Name, Value})}.

%% @doc What Cowboy 1.x drops to save memory in long-lived processes (cowboy_req:compact/1).
-spec compact(#http_req{}) -> #http_req{}.
compact(Req) ->
    Req#http_req{host_info = undefined, path_info = undefined, qs_vals = undefined, bindings = undefined,
                 headers = [], p_headers = [], cookies = []}.

%% Response headers.

-spec set_resp_header(binary(), iodata(), Req) -> Req when Req :: req().
set_resp_header(Name, Value, Req) when is_map(Req) ->
    Req#{resp_headers => (maps:get(resp_headers, Req, #{}))#{Name => Value}};
set_resp_header(Name, Value, Req = #http_req{resp_headers = Headers}) ->
    Req#http_req{resp_headers = lists:keystore(Name, 1, Headers, {Name, Value})}.

-spec set_resp_headers(map() | [{binary(), iodata()}], Req) -> Req when Req :: req().
set_resp_headers(Headers, Req) when is_map(Headers) -> set_resp_headers(maps:to_list(Headers), Req);
set_resp_headers(Headers, Req) when is_map(Req) ->
    lists:foldl(fun({N, V}, R) -> set_resp_header(N, V, R) end, Req, Headers).

-spec resp_header(binary(), req()) -> term().
resp_header(Name, Req) -> resp_header(Name, Req, undefined).

-spec resp_header(binary(), req(), Default) -> iodata() | Default.
resp_header(Name, Req, Default) when is_map(Req) -> maps:get(Name, maps:get(resp_headers, Req, #{}), Default).

-spec resp_headers(map()) -> map().
resp_headers(Req) when is_map(Req) -> maps:get(resp_headers, Req, #{}).

-spec has_resp_header(binary(), req()) -> boolean().
has_resp_header(Name, Req) when is_map(Req) -> resp_header(Name, Req, '$none') =/= '$none';
has_resp_header(Name, #http_req{resp_headers = Headers}) -> lists:keymember(Name, 1, Headers).

-spec delete_resp_header(binary(), Req) -> Req when Req :: req().
delete_resp_header(Name, Req) when is_map(Req) ->
    Req#{resp_headers => maps:remove(Name, maps:get(resp_headers, Req, #{}))};
delete_resp_header(Name, Req = #http_req{resp_headers = Headers}) ->
    Req#http_req{resp_headers = lists:keydelete(Name, 1, Headers)}.

-spec set_resp_cookie(iodata(), iodata(), map()) -> map().
set_resp_cookie(Name, Value, Req) when is_map(Req) -> set_resp_cookie(Name, Value, Req, #{}).

%% @doc 2.x: set_resp_cookie(Name, Value, Req, Opts :: map()); 1.x: set_resp_cookie(Name, Value, Opts :: list(),
%% Req). The options are domain, path, max_age, secure, http_only (and same_site in 2.x). 2.x writes the attributes
%% in the order of their option names; 1.x writes Version=1, then max-age, domain, path, secure, http-only.
-spec set_resp_cookie(iodata(), iodata(), map(), map()) -> map();
                     (iodata(), iodata(), list(), #http_req{}) -> #http_req{}.
set_resp_cookie(Name, Value, Opts, Req = #http_req{resp_headers = Headers}) when is_list(Opts) ->
    Attrs = [max_age(proplists:get_value(max_age, Opts)),
             attr(<<"; Domain=">>, proplists:get_value(domain, Opts)),
             attr(<<"; Path=">>, proplists:get_value(path, Opts)),
             flag(<<"; Secure">>, proplists:get_value(secure, Opts)),
             flag(<<"; HttpOnly">>, proplists:get_value(http_only, Opts))],
    Cookie = iolist_to_binary([Name, $=, Value, <<"; Version=1">> | Attrs]),
    Req#http_req{resp_headers = Headers ++ [{<<"set-cookie">>, Cookie}]};
set_resp_cookie(Name, Value, Req, Opts) when is_map(Req), is_map(Opts) ->
    Attrs = [cookie_attr(Opt) || Opt <- lists:sort(maps:to_list(Opts))],
    Cookie = iolist_to_binary([Name, $=, Value | Attrs]),
    Req#{resp_cookies => (maps:get(resp_cookies, Req, #{}))#{iolist_to_binary(Name) => Cookie}}.

cookie_attr({domain, D}) -> attr(<<"; Domain=">>, D);
cookie_attr({path, P}) -> attr(<<"; Path=">>, P);
cookie_attr({max_age, A}) -> max_age(A);
cookie_attr({secure, B}) -> flag(<<"; Secure">>, B);
cookie_attr({http_only, B}) -> flag(<<"; HttpOnly">>, B);
cookie_attr({same_site, none}) -> <<"; SameSite=None">>;
cookie_attr({same_site, lax}) -> <<"; SameSite=Lax">>;
cookie_attr({same_site, strict}) -> <<"; SameSite=Strict">>;
cookie_attr(_) -> <<>>.

attr(_, undefined) -> <<>>;
attr(Prefix, V) -> [Prefix, V].

flag(F, true) -> F;
flag(_, _) -> <<>>.

%% Max-Age with the matching Expires (RFC 6265 section 4.1.1); 0 expires in the past, so old browsers delete it.
max_age(undefined) -> <<>>;
max_age(0) -> <<"; Expires=Thu, 01-Jan-1970 00:00:01 GMT; Max-Age=0">>;
max_age(Secs) when is_integer(Secs), Secs > 0 ->
    Now = calendar:datetime_to_gregorian_seconds(calendar:universal_time()),
    [<<"; Expires=">>, cookie_date(calendar:gregorian_seconds_to_datetime(Now + Secs)),
     <<"; Max-Age=">>, integer_to_binary(Secs)].

%% The cookie date form of RFC 2109 (dashes between day, month and year).
cookie_date({{Y, Mo, D}, {H, Mi, S}}) ->
    io_lib:format("~s, ~2..0b-~s-~4..0b ~2..0b:~2..0b:~2..0b GMT",
                  [weekday(calendar:day_of_the_week(Y, Mo, D)), D, month(Mo), Y, H, Mi, S]).

%% IMF-fixdate (RFC 9110 section 5.6.7), the date Cowboy puts on its responses.
http_date() ->
    {{Y, Mo, D}, {H, Mi, S}} = calendar:universal_time(),
    iolist_to_binary(io_lib:format("~s, ~2..0b ~s ~4..0b ~2..0b:~2..0b:~2..0b GMT",
                                   [weekday(calendar:day_of_the_week(Y, Mo, D)), D, month(Mo), Y, H, Mi, S])).

weekday(N) -> element(N, {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}).
month(N) -> element(N, {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}).

-spec set_resp_body(iodata(), Req) -> Req when Req :: req().
set_resp_body(Body, Req) when is_map(Req) -> Req#{resp_body => Body};
set_resp_body(Body, Req = #http_req{}) -> Req#http_req{resp_body = Body}.

%% Replies.

-spec reply(cowboy_status(), Req) -> Req | {ok, Req} when Req :: req().
reply(Status, Req) when is_map(Req) -> reply(Status, #{}, Req);
reply(Status, Req) -> reply(Status, [], Req).

-spec reply(cowboy_status(), map() | list(), Req) -> Req | {ok, Req} when Req :: req().
reply(Status, Headers, Req) when is_map(Req) -> reply(Status, Headers, maps:get(resp_body, Req, <<>>), Req);
reply(Status, Headers, Req = #http_req{resp_body = Body}) -> reply(Status, Headers, Body, Req).

-type cowboy_status() :: non_neg_integer() | binary().

%% @doc 2.x: sends the response message to the Req's pid and marks the Req (`has_sent_resp`), returning it.
%% 1.x: calls the onresponse hook with the full headers and returns {ok, Req}.
-spec reply(cowboy_status(), map() | list(), iodata(), Req) -> Req | {ok, Req} when Req :: req().
reply(_, _, _, #{has_sent_resp := _}) ->
    erlang:error(function_clause);
reply(Status, Headers, Body, Req = #{pid := Pid, streamid := StreamID}) ->
    %% Cowboy adds date and server under what the handler set (cowboy_req's response headers); java-node
    %% writes its own date and server over them.
    Full0 = maps:merge(#{<<"date">> => http_date(), <<"server">> => <<"Cowboy">>},
                       maps:merge(maps:get(resp_headers, Req, #{}), Headers)),
    Full1 = Full0#{<<"content-length">> => integer_to_binary(iolist_size(Body))},
    Full = case maps:get(resp_cookies, Req, #{}) of
        Cookies when map_size(Cookies) =:= 0 -> Full1;
        Cookies -> Full1#{<<"set-cookie">> => maps:values(Cookies)}
    end,
    Pid ! {{Pid, StreamID}, {response, Status, Full, Body}},
    maps:without([resp_headers, resp_cookies, resp_body], Req#{has_sent_resp => true});
reply(Status, Headers, Body, Req = #http_req{resp_headers = RespHeaders, onresponse = Hook}) ->
    Base = [{<<"server">>, <<"Cowboy">>}, {<<"date">>, http_date()},
            {<<"content-length">>, integer_to_binary(iolist_size(Body))}],
    Full = merge_headers(merge_headers(Base, RespHeaders), Headers),
    Req2 = case is_function(Hook, 4) of
        true -> Hook(Status, Full, Body, Req#http_req{onresponse = already_called});
        false -> Req
    end,
    {ok, Req2#http_req{resp_state = done, resp_headers = [], resp_body = <<>>}}.

merge_headers(Base, Extra) when is_map(Extra) -> merge_headers(Base, maps:to_list(Extra));
merge_headers(Base, Extra) ->
    lists:foldl(fun({N, V}, Acc) -> lists:keystore(N, 1, Acc, {N, V}) end, Base, Extra).

-ifdef(TEST).
-include_lib("eunit/include/eunit.hrl").

info() ->
    #{method => <<"GET">>, version => 'HTTP/1.1', scheme => <<"http">>, host => <<"localhost">>, port => 8080,
      path => <<"/req/alice">>, qs => <<"a=1&b=two&b=three&c&d=x%20y+z">>,
      headers => #{<<"x-test">> => <<"yes">>, <<"sec-websocket-protocol">> => <<"foo, Bar">>,
                   <<"sec-websocket-version">> => <<"13">>, <<"cookie">> => <<"c1=v1; c2=v2">>},
      peer => {{127, 0, 0, 1}, 5555}, sock => {{127, 0, 0, 1}, 8080}, bindings => #{name => <<"alice">>},
      path_info => undefined, host_info => undefined, websocket_version => 13, websocket_compress => false}.

req2() -> corral_bridge_req:new_2x(info(), self(), 1).
req1() -> corral_bridge_req:new_1x(info(), self()).

two_x_accessors_return_values_test() ->
    R = req2(),
    ?assertEqual(<<"GET">>, method(R)),
    ?assertEqual(<<"/req/alice">>, path(R)),
    ?assertEqual({{127, 0, 0, 1}, 5555}, peer(R)),
    ?assertEqual(<<"yes">>, header(<<"x-test">>, R)),
    ?assertEqual(undefined, header(<<"nope">>, R)),
    ?assertEqual(dflt, header(<<"nope">>, R, dflt)),
    ?assertEqual(<<"alice">>, binding(name, R)),
    ?assertEqual(default, binding(nope, R, default)),
    ?assertEqual(#{name => <<"alice">>}, bindings(R)),
    ?assertEqual(<<"http://localhost:8080/req/alice?a=1&b=two&b=three&c&d=x%20y+z">>, iolist_to_binary(uri(R))).

two_x_parse_header_test() ->
    R = req2(),
    ?assertEqual([<<"foo">>, <<"Bar">>], parse_header(<<"sec-websocket-protocol">>, R)),
    ?assertEqual(13, parse_header(<<"sec-websocket-version">>, R)),
    ?assertEqual(undefined, parse_header(<<"upgrade">>, R)),
    ?assertEqual([{<<"c1">>, <<"v1">>}, {<<"c2">>, <<"v2">>}], parse_cookies(R)),
    ?assertEqual(#{c1 => <<"v1">>}, match_cookies([c1], R)).

two_x_qs_test() ->
    R = req2(),
    ?assertEqual([{<<"a">>, <<"1">>}, {<<"b">>, <<"two">>}, {<<"b">>, <<"three">>}, {<<"c">>, true},
                  {<<"d">>, <<"x y z">>}], parse_qs(R)),
    ?assertEqual(#{a => 1, z => none}, match_qs([{a, int}, {z, [], none}], R)),
    ?assertExit({request_error, {match_qs, {validation_failed, b, int}}, _}, match_qs([{b, int}], R)),
    ?assertExit({request_error, {match_qs, {badkey, z}}, _}, match_qs([z], R)).

two_x_resp_headers_and_reply_test() ->
    R = set_resp_header(<<"sec-websocket-protocol">>, <<"foo">>, req2()),
    ?assertEqual(<<"foo">>, resp_header(<<"sec-websocket-protocol">>, R)),
    R2 = set_resp_headers(#{<<"x-a">> => <<"1">>}, R),
    ?assertEqual(#{<<"sec-websocket-protocol">> => <<"foo">>, <<"x-a">> => <<"1">>}, resp_headers(R2)),
    R3 = reply(403, #{<<"x-b">> => <<"2">>}, <<"no">>, R2),
    ?assert(maps:get(has_sent_resp, R3)),
    Self = self(),
    receive {{Self, 1}, {response, 403, H, <<"no">>}} ->
        ?assertEqual(#{<<"sec-websocket-protocol">> => <<"foo">>, <<"x-a">> => <<"1">>, <<"x-b">> => <<"2">>,
                       <<"content-length">> => <<"2">>, <<"server">> => <<"Cowboy">>},
                     maps:remove(<<"date">>, H))
    after 0 -> ?assert(false)
    end,
    ?assertError(function_clause, reply(500, R3)).

one_x_accessors_return_pairs_test() ->
    R = req1(),
    ?assertEqual({<<"GET">>, R}, method(R)),
    ?assertEqual({<<"yes">>, R}, header(<<"x-test">>, R)),
    ?assertEqual({undefined, R}, header(<<"nope">>, R)),
    ?assertEqual({[{name, <<"alice">>}], R}, bindings(R)),
    ?assertEqual({<<"alice">>, R}, binding(name, R)),
    ?assertEqual({default, R}, binding(nope, R, default)),
    ?assertEqual({{{127, 0, 0, 1}, 5555}, R}, peer(R)),
    ?assertEqual({ok, [<<"foo">>, <<"Bar">>], R}, parse_header(<<"sec-websocket-protocol">>, R)),
    ?assertEqual({ok, undefined, R}, parse_header(<<"upgrade">>, R)),
    ?assertEqual({undefined, <<"13">>, R}, parse_header(<<"sec-websocket-version">>, R)),
    {<<"1">>, R2} = qs_val(<<"a">>, R),
    ?assertEqual({<<"two">>, R2}, qs_val(<<"b">>, R2)),
    ?assertMatch({[{<<"a">>, <<"1">>} | _], _}, qs_vals(R2)),
    ?assertMatch({<<"v1">>, _}, cookie(<<"c1">>, R)),
    ?assertMatch({[{<<"c1">>, <<"v1">>}, {<<"c2">>, <<"v2">>}], _}, cookies(R)),
    Up = corral_bridge_req:upgraded_1x(R, info()),
    ?assertMatch({13, _}, meta(websocket_version, Up)),
    ?assertMatch({false, _}, meta(websocket_compress, Up)),
    ?assertEqual([], (compact(R))#http_req.headers),
    ?assertEqual({<<"http://localhost:8080/req/alice?a=1&b=two&b=three&c&d=x%20y+z">>, R}, url(R)).

one_x_reply_calls_the_hook_test() ->
    R = set_resp_header(<<"x-a">>, <<"1">>, req1()),
    ?assert(has_resp_header(<<"x-a">>, R)),
    {ok, R2} = reply(403, [{<<"x-b">>, <<"2">>}], R),
    ?assertEqual(done, R2#http_req.resp_state),
    {reply, 403, Headers, <<>>} = corral_bridge_req:take_reply_1x(),
    ?assertEqual([{<<"content-length">>, <<"0">>}, {<<"server">>, <<"Cowboy">>}, {<<"x-a">>, <<"1">>},
                  {<<"x-b">>, <<"2">>}], lists:sort(lists:keydelete(<<"date">>, 1, Headers))).
-endif.
