%% Calls every function the bundled cowboy_req stand-in (erlang-bridge/compat/cowboy_req.erl) exports on the Req
%% erlang-bridge builds, and writes one line per call: what it returned (or that it raised) and what it sent. The
%% test runs it twice, in two erl processes: once where cowboy_req is real Cowboy's and once where it is the
%% stand-in, and compares the lines. The list of functions comes from the stand-in's beam, so a function added to
%% the stand-in without a case here shows up as `no_case` and fails the test.
-module(cowboy_req_probe).
-export([main/1]).

-include("corral_req1.hrl").

%% main([Generation ("2.x" | "1.x"), StandInBeam, OutFile])
main([Gen, StandInBeam, Out]) ->
    {ok, {cowboy_req, [{exports, Exports}]}} = beam_lib:chunks(StandInBeam, [exports]),
    %% Where Cowboy is on the path its application runs, as on a Cowboy node (cowboy_clock dates 1.x replies).
    _ = application:ensure_all_started(cowboy),
    Req = req(Gen),
    ReqH = cowboy_req:set_resp_header(<<"x-resp">>, <<"1">>, Req),
    Lines = [io_lib:format("which ~s~n", [code:which(cowboy_req)])]
        ++ [line(F, A, N, Args, Req, ReqH)
            || {F, A} <- lists:sort(Exports), F =/= module_info,
               {N, Args} <- numbered(cases(Gen, F, A))],
    ok = file:write_file(Out, Lines),
    halt(0).

numbered(no_case) -> [{1, no_case}];
numbered(L) -> lists:zip(lists:seq(1, length(L)), L).

line(F, A, N, no_case, _, _) ->
    io_lib:format("~s/~b#~b no_case~n", [F, A, N]);
line(F, A, N, Args0, Req, ReqH) ->
    Args = [case X of 'REQ' -> Req; 'REQ_H' -> ReqH; _ -> X end || X <- Args0],
    Outcome = try apply(cowboy_req, F, Args) of
        R -> {returned, norm(F, R)}
    catch
        Class:_ -> {raised, Class}
    end,
    Sent = norm(F, flush()),
    Reply1x = norm(F, corral_bridge_req:take_reply_1x()),
    io_lib:format("~s/~b#~b ~0p~n", [F, A, N, {Outcome, Sent, Reply1x}]).

flush() ->
    receive M -> [M | flush()] after 0 -> [] end.

%% The same request in both generations: GET /req/alice?a=1&b=two&b=three with the headers of a browser upgrade.
info() ->
    #{method => <<"GET">>, version => 'HTTP/1.1', scheme => <<"http">>, host => <<"example.org">>, port => 8080,
      path => <<"/req/alice">>, qs => <<"a=1&b=two&b=three">>,
      headers => #{<<"host">> => <<"example.org:8080">>, <<"connection">> => <<"keep-alive, Upgrade">>,
                   <<"upgrade">> => <<"websocket">>, <<"sec-websocket-key">> => <<"dGhlIHNhbXBsZSBub25jZQ==">>,
                   <<"sec-websocket-version">> => <<"13">>, <<"sec-websocket-protocol">> => <<"foo, Bar">>,
                   <<"sec-websocket-extensions">> => <<"permessage-deflate; client_max_window_bits">>,
                   <<"cookie">> => <<"c1=v1; c2=v2">>, <<"origin">> => <<"http://example.org">>,
                   <<"accept-language">> => <<"en-GB, fr;q=0.5">>, <<"x-test">> => <<"yes">>},
      peer => {{127,0,0,1}, 40000}, sock => {{127,0,0,1}, 8080},
      bindings => #{name => <<"alice">>}, path_info => undefined, host_info => undefined,
      websocket_version => 13, websocket_compress => false}.

req("2.x") -> corral_bridge_req:new_2x(info(), self(), 1);
req("1.x") -> corral_bridge_req:upgraded_1x(corral_bridge_req:new_1x(info(), self()), info()).

%% The argument lists per function ('REQ': the request; 'REQ_H': the request after set_resp_header x-resp).
cases(_, F, 1) when F =:= method; F =:= version; F =:= scheme; F =:= host; F =:= port; F =:= path; F =:= qs;
                    F =:= peer; F =:= sock; F =:= cert; F =:= host_info; F =:= path_info; F =:= headers;
                    F =:= bindings; F =:= uri; F =:= has_body; F =:= body_length; F =:= parse_qs;
                    F =:= parse_cookies; F =:= qs_vals; F =:= cookies; F =:= compact; F =:= host_url; F =:= url;
                    F =:= read_body ->
    [['REQ']];
cases(_, resp_headers, 1) -> [['REQ'], ['REQ_H']];
cases(_, header, 2) -> [[<<"x-test">>, 'REQ'], [<<"x-absent">>, 'REQ']];
cases(_, header, 3) -> [[<<"x-test">>, 'REQ', def], [<<"x-absent">>, 'REQ', def]];
cases(_, parse_header, 2) ->
    [[H, 'REQ'] || H <- [<<"sec-websocket-protocol">>, <<"sec-websocket-version">>,
                         <<"sec-websocket-extensions">>, <<"connection">>, <<"upgrade">>, <<"cookie">>,
                         <<"accept-language">>, <<"origin">>, <<"host">>,
                         %% absent from the request
                         <<"accept">>, <<"accept-encoding">>, <<"content-length">>, <<"content-type">>,
                         <<"if-modified-since">>, <<"authorization">>]];
cases(_, parse_header, 3) ->
    [[<<"sec-websocket-protocol">>, 'REQ', def], [<<"accept">>, 'REQ', def], [<<"content-type">>, 'REQ', def]];
cases(_, binding, 2) -> [[name, 'REQ'], [nope, 'REQ']];
cases(_, binding, 3) -> [[name, 'REQ', def], [nope, 'REQ', def]];
cases(_, uri, 2) -> [['REQ', #{}], ['REQ', #{qs => undefined}], ['REQ', #{host => <<"other.org">>, port => 9000}],
                     ['REQ', #{path => undefined, qs => undefined}], ['REQ', #{scheme => undefined}]];
cases(_, set_resp_header, 3) -> [[<<"sec-websocket-protocol">>, <<"mqtt">>, 'REQ']];
cases(_, set_resp_headers, 2) -> [[#{<<"x-a">> => <<"1">>, <<"x-b">> => <<"2">>}, 'REQ_H']];
cases(_, resp_header, 2) -> [[<<"x-resp">>, 'REQ_H'], [<<"x-absent">>, 'REQ_H']];
cases(_, resp_header, 3) -> [[<<"x-resp">>, 'REQ_H', def], [<<"x-absent">>, 'REQ_H', def]];
cases(_, has_resp_header, 2) -> [[<<"x-resp">>, 'REQ_H'], [<<"x-absent">>, 'REQ_H']];
cases(_, delete_resp_header, 2) -> [[<<"x-resp">>, 'REQ_H'], [<<"x-absent">>, 'REQ_H']];
cases(_, set_resp_cookie, 3) -> [[<<"sid">>, <<"abc">>, 'REQ']];
cases("2.x", set_resp_cookie, 4) ->
    [[<<"sid">>, <<"abc">>, 'REQ', #{path => <<"/">>, http_only => true}],
     [<<"sid">>, <<"abc">>, 'REQ', #{max_age => 0, secure => true, domain => <<"example.org">>, same_site => lax}]];
cases("1.x", set_resp_cookie, 4) ->
    [[<<"sid">>, <<"abc">>, [{path, <<"/">>}, {http_only, true}], 'REQ'],
     [<<"sid">>, <<"abc">>, [{max_age, 0}, {secure, true}, {domain, <<"example.org">>}], 'REQ']];
cases(_, set_resp_body, 2) -> [[<<"hello">>, 'REQ']];
cases(_, reply, 2) -> [[403, 'REQ'], [403, 'REQ_H']];
cases("2.x", reply, 3) -> [[403, #{<<"x-why">> => <<"no">>}, 'REQ_H']];
cases("1.x", reply, 3) -> [[403, [{<<"x-why">>, <<"no">>}], 'REQ_H']];
cases("2.x", reply, 4) -> [[403, #{<<"content-type">> => <<"text/plain">>}, <<"denied">>, 'REQ_H']];
cases("1.x", reply, 4) -> [[403, [{<<"content-type">>, <<"text/plain">>}], <<"denied">>, 'REQ_H']];
cases(_, match_qs, 2) -> [[[a, {c, [], none}], 'REQ'], [[{a, int}], 'REQ'], [[zz], 'REQ']];
cases(_, match_cookies, 2) -> [[[c1, {c3, [], none}], 'REQ'], [[zz], 'REQ']];
cases(_, qs_val, 2) -> [[<<"a">>, 'REQ'], [<<"zz">>, 'REQ']];
cases(_, qs_val, 3) -> [[<<"a">>, 'REQ', def], [<<"zz">>, 'REQ', def]];
cases(_, cookie, 2) -> [[<<"c1">>, 'REQ'], [<<"zz">>, 'REQ']];
cases(_, cookie, 3) -> [[<<"c1">>, 'REQ', def], [<<"zz">>, 'REQ', def]];
cases(_, meta, 2) -> [[websocket_version, 'REQ'], [websocket_compress, 'REQ'], [nope, 'REQ']];
cases(_, meta, 3) -> [[websocket_version, 'REQ', def], [nope, 'REQ', def]];
cases(_, set_meta, 3) -> [[k, v, 'REQ']];
cases(_, read_body, 2) -> [['REQ', #{}], ['REQ', #{length => 1000}]];
cases(_, _, _) -> no_case.

%% What a handler could tell apart, and nothing else: iodata is compared as the bytes it stands for, pids and funs
%% (the same process and hook on both sides) as placeholders.
norm(F, R) when F =:= uri; F =:= host_url; F =:= url ->
    case R of
        {V, Req} when is_tuple(Req) -> {iodata(V), norm(x, Req)};
        V -> iodata(V)
    end;
norm(_, P) when is_pid(P) -> pid;
norm(_, R = #http_req{}) ->
    %% Parsed values Cowboy 1.x caches in the record: only later calls read them, and those are compared.
    Plain = R#http_req{qs_vals = cache, p_headers = cache, cookies = cache,
                       resp_headers = norm_headers(R#http_req.resp_headers)},
    list_to_tuple([norm(x, E) || E <- tuple_to_list(Plain)]);
norm(_, F) when is_function(F) -> 'fun';
norm(_, M) when is_map(M) ->
    maps:from_list([{K, norm_value(K, V)} || {K, V} <- maps:to_list(M)]);
norm(_, T) when is_tuple(T) ->
    case T of
        {response, Status, Headers, Body} -> {response, Status, norm_headers(Headers), iodata(Body)};
        {reply, Status, Headers, Body} when is_list(Headers) -> {reply, Status, norm_headers(Headers), iodata(Body)};
        _ -> list_to_tuple([norm(x, E) || E <- tuple_to_list(T)])
    end;
norm(_, L) when is_list(L) -> [norm(x, E) || E <- L];
norm(_, X) -> X.

norm_value(K, V) when K =:= resp_headers; K =:= resp_cookies -> norm_headers(V);
norm_value(resp_body, V) -> iodata(V);
norm_value(_, V) -> norm(x, V).

norm_headers(H) when is_map(H) -> maps:map(fun header_value/2, H);
norm_headers(H) when is_list(H) -> lists:sort([{iodata(N), header_value(iodata(N), V)} || {N, V} <- H]);
norm_headers(H) -> H.

%% The date of a reply is the clock's; 2.x keeps set-cookie values as a list of iodata cookies.
header_value(<<"date">>, _) -> date;
header_value(_, V) ->
    try iolist_to_binary(V)
    catch error:badarg -> [iodata(C) || C <- V]
    end.

iodata(V) when is_binary(V); is_list(V) ->
    try iolist_to_binary(V) catch error:badarg -> norm(x, V) end;
iodata(V) -> norm(x, V).
