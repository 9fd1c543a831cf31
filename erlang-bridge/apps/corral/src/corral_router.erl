%% Corral's own route compiler, for nodes without Cowboy: compile/1 takes the routes cowboy_router:compile/1 takes
%% and returns the same compiled shape, so a listener accepts a dispatch from either, and a dispatch compiled here
%% works with a real Cowboy too.
%%
%% The compiled shape (what cowboy_router:compile/1 returns in 1.1 and 2.x alike, read from its output):
%%   [{HostMatch, HostFields, [{PathMatch, PathFields, Handler, Opts}]}]
%% where a match is '_' (anything), <<"*">> (the path "*" only), or a list of tokens: a binary is a literal segment,
%% an atom a binding (':name'; ':_' is '_', matched but not bound), '...' the rest (host_info / path_info). Host
%% tokens are in reverse order (the top-level label first). An optional part ("[www.]", "/[:page]") compiles to
%% one entry without it, then one with it, in that order.
%%
%% routes/1 turns a compiled dispatch (from either compiler) back into routes-file terms, the shape the JVM side
%% reads (java-node's RoutesFile), with every alternative as its own route.
-module(corral_router).

-export([compile/1, routes/1]).

-export_type([routes/0, dispatch_rules/0]).

-type match() :: '_' | iodata().
-type fields() :: [atom() | {atom(), term()} | {atom(), term(), term()}].
-type route_path() :: {match(), module(), term()} | {match(), fields(), module(), term()}.
-type route_rule() :: {match(), [route_path()]} | {match(), fields(), [route_path()]}.
-type routes() :: [route_rule()].
%% "[...]" while a pattern is expanded: a NUL byte, which no host or path pattern holds.
-define(REST, <<0>>).

-type token() :: binary() | atom().
-type dispatch_path() :: {'_' | binary() | [token()], fields(), term(), term()}.
-type dispatch_rules() :: [{'_' | [token()], fields(), [dispatch_path()]}].

%% @doc Compiles routes as cowboy_router:compile/1 does. A malformed rule raises badarg with what is wrong, as
%% cowboy_router fails on such input (with less detail).
-spec compile(routes()) -> dispatch_rules().
compile(Routes) when is_list(Routes) ->
    [Rule || HostRule <- Routes, Rule <- host_rule(HostRule)];
compile(Other) ->
    erlang:error({badarg, {expected_a_list_of_host_rules, Other}}).

host_rule({Host, Paths}) ->
    host_rule({Host, [], Paths});
host_rule({Host, Fields, Paths}) when is_list(Fields), is_list(Paths) ->
    PathRules = [Rule || Path <- Paths, Rule <- path_rule(Path)],
    [{Match, Fields, PathRules} || Match <- host_matches(Host)];
host_rule(Other) ->
    erlang:error({badarg, {bad_host_rule, Other}}).

path_rule({Path, Handler, Opts}) ->
    path_rule({Path, [], Handler, Opts});
path_rule({Path, Fields, Handler, Opts}) when is_list(Fields) ->
    [{Match, Fields, Handler, Opts} || Match <- path_matches(Path)];
path_rule(Other) ->
    erlang:error({badarg, {bad_path_rule, Other}}).

host_matches('_') ->
    ['_'];
host_matches(Host) ->
    [lists:reverse(segments(Alt, $.)) || Alt <- alternatives(to_binary(Host))].

path_matches('_') ->
    ['_'];
path_matches(Path) ->
    case to_binary(Path) of
        <<"*">> -> [<<"*">>];
        Bin = <<"/", _/binary>> -> [segments(Alt, $/) || Alt <- alternatives(Bin)];
        Bin -> erlang:error({badarg, {path_must_begin_with_a_slash, Bin}})
    end.

%% Empty segments are dropped: "/a//b/" is [<<"a">>, <<"b">>], as cowboy_router compiles it.
segments(Bin, Sep) ->
    [token(S) || S <- binary:split(Bin, <<Sep>>, [global]), S =/= <<>>].

token(?REST) -> '...';
token(<<$:, Name/binary>>) -> binary_to_atom(Name, utf8);
token(Literal) -> Literal.

%% Every text a pattern stands for, optional parts removed or kept; "[...]" (the rest token, not an optional part)
%% becomes ?REST, which holds neither separator.
alternatives(Pattern) ->
    case parse(Pattern, []) of
        {Items, <<>>} -> expand(Items);
        {_, _} -> erlang:error({badarg, {unbalanced_bracket, Pattern}})
    end.

parse(<<"[...]", Rest/binary>>, Acc) ->
    parse(Rest, [?REST | Acc]);
parse(<<$[, Rest/binary>>, Acc) ->
    case parse(Rest, []) of
        {Inner, <<$], After/binary>>} -> parse(After, [{optional, Inner} | Acc]);
        {_, _} -> erlang:error({badarg, {unclosed_bracket, Rest}})
    end;
parse(Rest = <<$], _/binary>>, Acc) ->
    {lists:reverse(Acc), Rest};
parse(<<>>, Acc) ->
    {lists:reverse(Acc), <<>>};
parse(<<C, Rest/binary>>, Acc) ->
    parse(Rest, [<<C>> | Acc]).

%% Without an optional part first, then with it; the rest of the pattern varies fastest.
expand([]) ->
    [<<>>];
expand([{optional, Inner} | Rest]) ->
    Tails = expand(Rest),
    [<<Head/binary, Tail/binary>> || Head <- [<<>> | expand(Inner)], Tail <- Tails];
expand([Bin | Rest]) ->
    [<<Bin/binary, Tail/binary>> || Tail <- expand(Rest)].

to_binary(Bin) when is_binary(Bin) ->
    Bin;
to_binary(Chars) when is_list(Chars) ->
    %% A string in a UTF-8 source file may hold characters above 255; requests carry their UTF-8 bytes.
    case unicode:characters_to_binary(Chars) of
        Bin when is_binary(Bin) -> Bin;
        _ -> erlang:error({badarg, {not_a_string, Chars}})
    end;
to_binary(Other) ->
    erlang:error({badarg, {not_a_match, Other}}).

%% @doc The routes-file terms of a compiled dispatch: [{Host, Fields, [{Path, Fields, Handler, Opts}]}] with
%% patterns as binaries ("example.com", "/chat/:room/[...]"), '_' and <<"*">> as they are. Only the constraints a
%% routes file can hold travel (int, nonempty, and lists of them): a fun cannot run on the JVM, which matches the
%% routes, so a fun constraint is refused rather than ignored.
-spec routes(dispatch_rules()) -> {ok, list()} | {error, {unsupported_constraint, term()} | {bad_dispatch, term()}}.
routes(Dispatch) when is_list(Dispatch) ->
    try
        {ok, [{host_text(Host), fields(Fields), [path(P) || P <- Paths]} || {Host, Fields, Paths} <- Dispatch]}
    catch
        throw:{corral_router, Reason} -> {error, Reason};
        error:_ -> {error, {bad_dispatch, Dispatch}}
    end;
routes(Other) ->
    {error, {bad_dispatch, Other}}.

path({Path, Fields, Handler, Opts}) ->
    {path_text(Path), fields(Fields), Handler, Opts};
path(Other) ->
    throw({corral_router, {bad_dispatch, Other}}).

host_text('_') ->
    '_';
host_text(Tokens) when is_list(Tokens) ->
    join(<<".">>, [token_text(T) || T <- lists:reverse(Tokens)]).

path_text('_') ->
    '_';
path_text(<<"*">>) ->
    <<"*">>;
path_text(Tokens) when is_list(Tokens) ->
    <<"/", (join(<<"/">>, [token_text(T) || T <- Tokens]))/binary>>.

token_text('...') -> <<"[...]">>;
token_text(Name) when is_atom(Name) -> <<$:, (atom_to_binary(Name, utf8))/binary>>;
token_text(Literal) when is_binary(Literal) -> Literal.

join(Sep, Parts) ->
    iolist_to_binary(lists:join(Sep, Parts)).

fields(Fields) when is_list(Fields) ->
    [field(F) || F <- Fields].

field(Name) when is_atom(Name) -> Name;
field({Name, C}) when is_atom(Name) -> check(Name, C), {Name, C};
field({Name, C, Default}) when is_atom(Name) -> check(Name, C), {Name, C, Default};
field(Other) -> throw({corral_router, {unsupported_constraint, Other}}).

check(_, int) -> ok;
check(_, nonempty) -> ok;
check(Name, List) when is_list(List) -> _ = [check(Name, C) || C <- List], ok;
check(Name, C) -> throw({corral_router, {unsupported_constraint, {Name, C}}}).
