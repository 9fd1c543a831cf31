-module(corral_app).
-behaviour(application).
-export([start/2, stop/1]).

-spec start(application:start_type(), term()) -> {ok, pid()} | {error, term()}.
start(_Type, _Args) ->
    ok = compat_path(),
    corral_sup:start_link().

-spec stop(term()) -> ok.
stop(_State) ->
    ok.

%% Handler modules call cowboy_req in init: on a node without Cowboy, erlang-bridge's stand-in
%% (erlang-bridge/compat-ebin) answers those calls. A node with Cowboy keeps the real one.
compat_path() ->
    case code:which(cowboy_req) of
        non_existing ->
            %% erlang-bridge/ebin/corral_bridge_app.beam -> erlang-bridge/compat-ebin (code:lib_dir/1 wants the
            %% directory named after the application, which erlang-bridge/ is not).
            Bridge = filename:dirname(filename:dirname(code:which(corral_bridge_app))),
            Compat = filename:join(Bridge, "compat-ebin"),
            case filelib:is_dir(Compat) of
                true -> true = code:add_patha(Compat), ok;
                false -> ok
            end;
        _ ->
            ok
    end.
