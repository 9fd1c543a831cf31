%% Pure construction of the Req terms a handler sees, from the contract's plain ReqInfo map, and extraction of what
%% the handler left in them (response headers for the 101, a reply).
%%
%% 2.x: a map with exactly the keys Cowboy 2.x's HTTP/1.1 stream puts in it (cowboy_http:request/... and
%% cowboy_router: ref, pid, streamid, peer, sock, cert, method, version, scheme, host, port, path, qs, headers,
%% has_body, body_length, bindings, host_info, path_info), so a real cowboy_req works on it. Response headers live
%% where cowboy_req keeps them (`resp_headers`, `resp_cookies`); a reply is the message cowboy_req:reply sends to
%% `pid` (`{{Pid, StreamID}, {response, Status, Headers, Body}}`), so `pid` is the process running init/2.
%%
%% 1.x: the http_req record of Cowboy 1.x (include/corral_req1.hrl). A reply goes through the record's
%% `onresponse` hook, which both real Cowboy 1.x and the compat cowboy_req call; the hook stores it in the process
%% dictionary of the process running the callback instead of writing to a socket.
-module(corral_bridge_req).

-include("corral_req1.hrl").

-export([new_2x/3, partial_2x/2, resp_headers_2x/1, response_2x/3,
         new_1x/2, upgraded_1x/2, resp_headers_1x/1, take_reply_1x/0, to_list_1x/1,
         transport_name/1, header_list/1]).

-export_type([req_info/0, reply/0]).

-type req_info() :: #{method := binary(), version := atom(), scheme := binary(), host := binary(),
                      port := inet:port_number(), path := binary(), qs := binary(),
                      headers := #{binary() => binary()}, peer := {inet:ip_address(), inet:port_number()},
                      sock => {inet:ip_address(), inet:port_number()}, bindings => #{atom() => binary()},
                      path_info => undefined | [binary()], host_info => undefined | [binary()],
                      websocket_version => 7 | 8 | 13, websocket_compress => boolean(), atom() => term()}.

-type reply() :: {reply, Status :: non_neg_integer(), [{binary(), binary()}], binary()}.

-define(REPLY_KEY, '$corral_reply').

%% @doc The 2.x Req given to init/2. Pid must be the process that will read the replies (see module doc).
-spec new_2x(req_info(), pid(), term()) -> map().
new_2x(Info, Pid, StreamID) ->
    #{ref => maps:get(ref, Info, corral),
      pid => Pid,
      streamid => StreamID,
      peer => maps:get(peer, Info),
      sock => maps:get(sock, Info, undefined),
      cert => undefined,
      method => maps:get(method, Info),
      version => maps:get(version, Info, 'HTTP/1.1'),
      scheme => maps:get(scheme, Info),
      host => maps:get(host, Info),
      port => maps:get(port, Info),
      path => maps:get(path, Info),
      qs => maps:get(qs, Info, <<>>),
      headers => maps:get(headers, Info, #{}),
      has_body => false,
      body_length => 0,
      bindings => maps:get(bindings, Info, #{}),
      host_info => maps:get(host_info, Info, undefined),
      path_info => maps:get(path_info, Info, undefined)}.

%% @doc The Req given to terminate/3 after an upgrade: `req_filter` from the handler options if set, else the keys
%% Cowboy keeps (2.0.0 did not keep `streamid`), docs/contract/close.md.
-spec partial_2x(map(), corral_bridge_result:generation()) -> term().
partial_2x(Req, Gen) ->
    Keys = [method, version, scheme, host, port, path, qs, peer],
    case Gen of
        '2.0' -> maps:with(Keys, Req);
        _ -> maps:with([streamid | Keys], Req)
    end.

%% @doc Headers and cookies set on a 2.x Req with set_resp_header/set_resp_cookie, for the 101 response.
-spec resp_headers_2x(map()) -> [{binary(), binary()}].
resp_headers_2x(Req) ->
    Headers = header_list(maps:get(resp_headers, Req, #{})),
    Cookies = [{<<"set-cookie">>, iolist_to_binary(V)} || V <- maps:values(maps:get(resp_cookies, Req, #{}))],
    Headers ++ Cookies.

%% @doc The decision for a reply that cowboy_req:reply sent as `{response, Status, Headers, Body}`.
-spec response_2x(cowboy_status(), map() | list(), term()) -> reply().
response_2x(Status, Headers, Body) ->
    {reply, status(Status), header_list(Headers), body(Body)}.

-type cowboy_status() :: non_neg_integer() | binary().

%% @doc The 1.x Req given to init/3, for the process that runs the callbacks (its pid is Cowboy's connection pid).
-spec new_1x(req_info(), pid()) -> #http_req{}.
new_1x(Info, Pid) ->
    #http_req{
        transport = case maps:get(scheme, Info) of <<"https">> -> ranch_ssl; _ -> ranch_tcp end,
        pid = Pid,
        method = maps:get(method, Info),
        version = maps:get(version, Info, 'HTTP/1.1'),
        peer = maps:get(peer, Info),
        host = maps:get(host, Info),
        host_info = maps:get(host_info, Info, undefined),
        port = maps:get(port, Info),
        path = maps:get(path, Info),
        path_info = maps:get(path_info, Info, undefined),
        qs = maps:get(qs, Info, <<>>),
        bindings = maps:to_list(maps:get(bindings, Info, #{})),
        headers = maps:to_list(maps:get(headers, Info, #{})),
        onresponse = fun record_reply_1x/4}.

%% @doc The upgrade metadata 1.x cowboy_websocket puts in the Req before websocket_init/3 (docs/contract/req.md).
-spec upgraded_1x(#http_req{}, req_info()) -> #http_req{}.
upgraded_1x(Req = #http_req{meta = Meta}, Info) ->
    Req#http_req{meta = [{websocket_version, maps:get(websocket_version, Info, 13)},
                         {websocket_compress, false} | Meta]}.

%% @doc A 1.x Req as a property list, field name by field name, as Cowboy 1.x's cowboy_req:to_list/1 gives it for
%% the exit reasons of crashing callbacks (cowboy_websocket:handler_call/7, cowboy_handler:handler_init/4).
-spec to_list_1x(term()) -> [{atom(), term()}] | term().
to_list_1x(Req = #http_req{}) -> lists:zip(record_info(fields, http_req), tl(tuple_to_list(Req)));
to_list_1x(Other) -> Other.

%% @doc Headers set on a 1.x Req with set_resp_header/set_resp_cookie, for the 101 response.
-spec resp_headers_1x(term()) -> [{binary(), binary()}].
resp_headers_1x(#http_req{resp_headers = Headers}) -> header_list(Headers);
resp_headers_1x(_) -> [].

%% @doc The reply a 1.x callback made in this process, if any (taken: a second call returns none).
-spec take_reply_1x() -> reply() | none.
take_reply_1x() ->
    case erase(?REPLY_KEY) of
        undefined -> none;
        Reply -> Reply
    end.

%% @doc The TransportName 1.x init/3 receives: `tcp` or `ssl` (ranch_tcp:name/0, ranch_ssl:name/0).
-spec transport_name(req_info()) -> tcp | ssl.
transport_name(#{scheme := <<"https">>}) -> ssl;
transport_name(_) -> tcp.

%% @doc Headers as a list of binary pairs, from a map or list whose values are iodata (or, for set-cookie in a
%% 2.x reply, a list of iodata values: one header each).
-spec header_list(map() | list()) -> [{binary(), binary()}].
header_list(Headers) when is_map(Headers) -> header_list(maps:to_list(Headers));
header_list(Headers) when is_list(Headers) ->
    lists:append([header_pairs(iolist_to_binary(N), V) || {N, V} <- Headers]).

%% Internal.

header_pairs(<<"set-cookie">> = N, [First | _] = Values) when not is_integer(First) ->
    [{N, iolist_to_binary(V)} || V <- Values];
header_pairs(N, V) -> [{N, iolist_to_binary(V)}].

%% Called by cowboy_req 1.x (real or compat) instead of writing the response to the socket. Returning a Req whose
%% resp_state is no longer `waiting` tells it the hook sent the response (cowboy_req 1.x response/6).
record_reply_1x(Status, Headers, Body, Req) ->
    put(?REPLY_KEY, {reply, status(Status), header_list(Headers), body(Body)}),
    Req#http_req{resp_state = done}.

status(Status) when is_integer(Status) -> Status;
status(<<A, B, C, _/binary>>) -> list_to_integer([A, B, C]).

body(Body) ->
    try iolist_to_binary(Body)
    catch error:badarg -> <<>>
    end.

-ifdef(TEST).
-include_lib("eunit/include/eunit.hrl").

info() ->
    #{method => <<"GET">>, version => 'HTTP/1.1', scheme => <<"http">>, host => <<"localhost">>, port => 8080,
      path => <<"/ws/alice">>, qs => <<"a=1">>, headers => #{<<"x-test">> => <<"yes">>},
      peer => {{127, 0, 0, 1}, 5555}, sock => {{127, 0, 0, 1}, 8080}, bindings => #{name => <<"alice">>},
      path_info => undefined, host_info => undefined, websocket_version => 13, websocket_compress => true}.

two_x_req_has_cowboys_keys_test() ->
    Req = new_2x(info(), self(), 1),
    ?assertEqual(lists:sort([ref, pid, streamid, peer, sock, cert, method, version, scheme, host, port, path, qs,
                             headers, has_body, body_length, bindings, host_info, path_info]),
                 lists:sort(maps:keys(Req))),
    ?assertEqual(#{name => <<"alice">>}, maps:get(bindings, Req)),
    ?assertEqual(self(), maps:get(pid, Req)).

partial_req_keeps_cowboys_keys_test() ->
    Req = new_2x(info(), self(), 1),
    ?assertEqual(lists:sort([method, version, scheme, host, port, path, qs, peer, streamid]),
                 lists:sort(maps:keys(partial_2x(Req, '2.latest')))),
    ?assertNot(maps:is_key(streamid, partial_2x(Req, '2.0'))).

resp_headers_include_cookies_test() ->
    Req = #{resp_headers => #{<<"sec-websocket-protocol">> => [<<"mq">>, "tt"]},
            resp_cookies => #{<<"c">> => <<"c=1">>}},
    ?assertEqual([{<<"sec-websocket-protocol">>, <<"mqtt">>}, {<<"set-cookie">>, <<"c=1">>}], resp_headers_2x(Req)),
    ?assertEqual([], resp_headers_2x(#{})).

response_is_flattened_test() ->
    ?assertEqual({reply, 403, [{<<"content-length">>, <<"2">>}, {<<"set-cookie">>, <<"a=1">>},
                               {<<"set-cookie">>, <<"b=2">>}], <<"no">>},
                 response_2x(<<"403 Forbidden">>, #{<<"content-length">> => <<"2">>,
                                                    <<"set-cookie">> => [<<"a=1">>, "b=2"]}, [$n, <<"o">>])).

one_x_req_is_the_record_test() ->
    Req = new_1x(info(), self()),
    ?assertEqual(28, tuple_size(Req)),
    ?assertEqual(http_req, element(1, Req)),
    ?assertEqual([{name, <<"alice">>}], Req#http_req.bindings),
    ?assertEqual([{<<"x-test">>, <<"yes">>}], Req#http_req.headers),
    ?assertEqual([], Req#http_req.meta),
    Up = upgraded_1x(Req, info()),
    ?assertEqual(13, proplists:get_value(websocket_version, Up#http_req.meta)),
    ?assertEqual(tcp, transport_name(info())),
    ?assertEqual(ssl, transport_name((info())#{scheme => <<"https">>})).

one_x_reply_goes_through_the_hook_test() ->
    Req = new_1x(info(), self()),
    Hook = Req#http_req.onresponse,
    Req2 = Hook(403, [{<<"content-length">>, <<"0">>}], <<>>, Req),
    ?assertEqual(done, Req2#http_req.resp_state),
    ?assertEqual({reply, 403, [{<<"content-length">>, <<"0">>}], <<>>}, take_reply_1x()),
    ?assertEqual(none, take_reply_1x()).
-endif.
