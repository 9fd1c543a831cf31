%% The client-driven script shared by the compat handler modules of every generation. It decides what a text
%% command asks for; each handler module turns the decision into its own generation's return shape
%% (compat_ws_v1: 1.x tuples with Req; compat_ws_tuple: 2.0 tuples; compat_ws_cmd: 2.5+ command lists).
%%
%% Query string (read in init): id, refuse=Status, noreply, crash=init|websocket_init, protocol=P (selected when
%% offered), idle=MS, max=N (2.3+), compress, init=frame.
%% Text commands: stop, crash, crash-info, close, close CODE [REASON], many-then-close, ping P, req,
%% later MS TEXT, sleep MS TEXT (the callback takes MS before it answers TEXT), hibernate, invalid; 2.5+ only: pause MS, idle MS, deflate true|false, shutdown-reason R.
%% Anything else is echoed; a ping with a payload is answered with the text "after ping P".
-module(compat_script).
-export([qs/2, req_echo/5, decide/2, info/1]).

-type action() :: {reply, [term()]} | {hibernate, [term()]} | {commands, [term()]} | stop | crash | invalid.
-export_type([action/0]).

-spec qs(binary(), [{binary(), binary() | true}]) -> binary() | true | undefined.
qs(Name, Qs) ->
    case lists:keyfind(Name, 1, Qs) of
        {_, V} -> V;
        false -> undefined
    end.

%% @doc What init saw of the Req, echoed by the "req" command (docs/contract/req.md: same values in both generations).
-spec req_echo(term(), binary(), term(), {tuple(), integer()}, term()) -> binary().
req_echo(Binding, Qs, Header, {Ip, _Port}, Version) ->
    iolist_to_binary(["binding=", str(Binding), " qs=", Qs, " header=", str(Header),
                      " peer=", inet:ntoa(Ip), " version=", str(Version)]).

str(undefined) -> "undefined";
str(B) when is_binary(B) -> B;
str(I) when is_integer(I) -> integer_to_list(I);
str(A) when is_atom(A) -> atom_to_list(A).

%% @doc The action for a frame. Commands = whether the generation has the 2.5+ commands interface.
-spec decide(term(), #{commands := boolean(), req_echo := binary()}) -> action().
decide({text, <<"stop">>}, _) -> stop;
decide({text, <<"crash">>}, _) -> crash;
decide({text, <<"crash-info">>}, _) -> self() ! crash, {reply, []};
decide({text, <<"close">>}, _) -> {reply, [close]};
decide({text, <<"close ", Rest/binary>>}, _) ->
    case binary:split(Rest, <<" ">>) of
        [Code] -> {reply, [{close, binary_to_integer(Code), <<>>}]};
        [Code, Reason] -> {reply, [{close, binary_to_integer(Code), Reason}]}
    end;
decide({text, <<"many-then-close">>}, _) ->
    {reply, [{text, <<"one">>}, {text, <<"two">>}, {close, 1000, <<"bye">>}, {text, <<"after close">>}]};
decide({text, <<"ping ", P/binary>>}, _) -> {reply, [{ping, P}]};
decide({text, <<"req">>}, #{req_echo := E}) -> {reply, [{text, E}]};
decide({text, <<"later ", Rest/binary>>}, _) ->
    [Ms, Text] = binary:split(Rest, <<" ">>),
    erlang:send_after(binary_to_integer(Ms), self(), {later, Text}),
    {reply, []};
decide({text, <<"sleep ", Rest/binary>>}, _) ->
    [Ms, Text] = binary:split(Rest, <<" ">>),
    timer:sleep(binary_to_integer(Ms)),
    {reply, [{text, Text}]};
decide({text, <<"hibernate">>}, _) -> {hibernate, [{text, <<"hibernating">>}]};
decide({text, <<"invalid">>}, _) -> invalid;
decide({text, <<"pause ", Ms/binary>>}, #{commands := true}) ->
    erlang:send_after(binary_to_integer(Ms), self(), resume),
    {commands, [{active, false}, {text, <<"paused">>}]};
decide({text, <<"idle ", Ms/binary>>}, #{commands := true}) ->
    {commands, [{set_options, #{idle_timeout => binary_to_integer(Ms)}}, {text, <<"idle set">>}]};
decide({text, <<"deflate ", B/binary>>}, #{commands := true}) ->
    {commands, [{deflate, binary_to_atom(B, latin1)}, {text, <<"deflate ", B/binary>>}]};
decide({text, <<"shutdown-reason ", R/binary>>}, #{commands := true}) ->
    {commands, [{shutdown_reason, binary_to_atom(R, latin1)}, {close, 1000, <<>>}]};
decide({text, T}, _) -> {reply, [{text, T}]};
decide({binary, B}, _) -> {reply, [{binary, B}]};
decide({ping, P}, _) when P =/= <<>> -> {reply, [{text, <<"after ping ", P/binary>>}]};
decide(_, _) -> {reply, []}.

%% @doc The action for an Erlang message.
-spec info(term()) -> action().
info(crash) -> crash;
info({later, Text}) -> {reply, [{text, Text}]};
info(init_frame) -> {reply, [{text, <<"hello from websocket_init">>}]};
info(resume) -> {commands, [{active, true}]};
info(_) -> {reply, []}.
