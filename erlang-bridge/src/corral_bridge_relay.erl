%% A group relay: stands in pg group Group of scope Scope for every connection of one Corral JVM that joined it.
%% pg only takes local pids, and a stand-in process per Java connection would cost a process (~2.7 KB) and a
%% distribution message per connection per broadcast; one relay per JVM per group costs one process and one message
%% per JVM, and the JVM hands the message to each member connection (docs/cluster.md, "pg groups").
%%
%% Whatever is sent to the relay goes to the JVM as ?CORRAL_FANOUT(Scope, Group, Msg), in the order it arrived.
%% The relay ends when the JVM's group process dies (its node went away: pg then drops the relay) or tells it to by an
%% exit signal (its last member left).
-module(corral_bridge_relay).
-behaviour(gen_server).

-include("corral_contract.hrl").

-export([start_link/3]).
-export([init/1, handle_call/3, handle_cast/2, handle_info/2]).

-record(relay, {jvm :: pid(), ref :: reference(), scope :: atom(), group :: term()}).

-spec start_link(pid(), atom(), term()) -> {ok, pid()} | {error, term()}.
start_link(Jvm, Scope, Group) ->
    gen_server:start_link(?MODULE, {Jvm, Scope, Group}, []).

-spec init({pid(), atom(), term()}) -> {ok, #relay{}} | {stop, term()}.
init({Jvm, Scope, Group}) ->
    case whereis(Scope) of
        undefined ->
            {stop, {no_scope, Scope}};
        _ ->
            Ref = erlang:monitor(process, Jvm),
            ok = pg:join(Scope, Group, self()),
            {ok, #relay{jvm = Jvm, ref = Ref, scope = Scope, group = Group}}
    end.

%% A call is a message like any other to the members: it is relayed, and the caller gets no reply (as it would get
%% none from a Java connection).
-spec handle_call(term(), gen_server:from(), #relay{}) -> {noreply, #relay{}}.
handle_call(Request, From, R) ->
    handle_info({'$gen_call', From, Request}, R).

-spec handle_cast(term(), #relay{}) -> {noreply, #relay{}}.
handle_cast(Msg, R) ->
    handle_info({'$gen_cast', Msg}, R).

-spec handle_info(term(), #relay{}) -> {noreply, #relay{}} | {stop, normal, #relay{}}.
handle_info({'DOWN', Ref, process, _, _}, R = #relay{ref = Ref}) ->
    {stop, normal, R};
handle_info(Msg, R = #relay{jvm = Jvm, scope = Scope, group = Group}) ->
    Jvm ! ?CORRAL_FANOUT(Scope, Group, Msg),
    {noreply, R}.
