#!/usr/bin/env bash
# Builds erlang-bridge with erlc (what rebar3 compile does for an app without deps) and runs its EUnit tests.
# compile: ebin/*.beam and ebin/corral_bridge.app next to src/, an OTP application directory; compat-ebin/ holds the
#   cowboy_req stand-in that java-node adds to the code path only when the node has no real Cowboy
#   (code:which(cowboy_req) =:= non_existing).
#   apps/corral/ebin holds the second application, corral (corral:start_clear/3 from the user's own node); it sits
#   beside corral_bridge as rebar3 lays out an umbrella (apps/NAME/src), while corral_bridge keeps its place at the
#   top so its paths (src/, ebin/) stay where java-node, the launcher and every user's -pa already look.
# dialyzer: the bridge and the cowboy_req stand-in against a PLT of erts, kernel and stdlib.
# eunit: everything again with -DTEST (the -ifdef(TEST) blocks) into .eunit/, plus test/*.erl, then runs EUnit.
# rebar3: what a rebar3 user runs on a fresh checkout, `rebar3 compile` then `rebar3 eunit` with rebar.config, in
#   a copy of the sources under target/rebar3 (without the ebin/ directories compile made: rebar3 would load those
#   beams, built without TEST, in place of its own).
set -euo pipefail
cd "$(dirname "$0")"

compile() {
  mkdir -p ebin compat-ebin
  erlc -Wall -Werror +debug_info -I include -o ebin src/*.erl
  cp src/corral_bridge.app.src ebin/corral_bridge.app
  erlc -Wall -Werror +debug_info -I include -o compat-ebin compat/*.erl
  mkdir -p apps/corral/ebin
  erlc -Wall -Werror +debug_info -I include -pa ebin -o apps/corral/ebin apps/corral/src/*.erl
  cp apps/corral/src/corral.app.src apps/corral/ebin/corral.app
  # The demo's example handlers: ordinary Cowboy handler modules, put on the demo node's code path.
  mkdir -p examples-ebin
  erlc +debug_info -o examples-ebin examples/*.erl
}

case "${1:-compile}" in
  compile)
    compile
    ;;
  eunit)
    compile
    rm -rf .eunit && mkdir -p .eunit/ebin .eunit/compat-ebin .eunit/test-ebin
    erlc -Wall -Werror +debug_info -DTEST -I include -o .eunit/ebin src/*.erl
    cp src/corral_bridge.app.src .eunit/ebin/corral_bridge.app
    erlc -Wall -Werror +debug_info -DTEST -I include -o .eunit/compat-ebin compat/*.erl
    mkdir -p .eunit/corral-ebin
    erlc -Wall -Werror +debug_info -DTEST -I include -pa .eunit/ebin -o .eunit/corral-ebin apps/corral/src/*.erl
    cp apps/corral/src/corral.app.src .eunit/corral-ebin/corral.app
    if compgen -G "test/*.erl" >/dev/null; then
      erlc -Wall +debug_info -DTEST -I include -pa .eunit/ebin -o .eunit/test-ebin test/*.erl
    fi
    erlc -Wall +debug_info -DTEST -I include -pa .eunit/ebin -o .eunit/test-ebin apps/corral/test/*.erl
    mods=$( (ls .eunit/*/*.beam 2>/dev/null || true) | xargs -n1 basename | sed 's/\.beam$//' \
      | grep -v '_tests$' | paste -sd, -)
    # compat-ebin is on the path because this test node has no Cowboy, like a bare erlang-bridge node.
    erl -noshell -pa .eunit/ebin -pa .eunit/compat-ebin -pa .eunit/corral-ebin -pa .eunit/test-ebin -eval "
      case eunit:test([$mods], [verbose]) of
        ok -> halt(0);
        _ -> halt(1)
      end."
    ;;
  rebar3)
    work="$PWD/target/rebar3/project"
    rm -rf "$work" && mkdir -p "$work"
    tar --exclude=ebin -cf - rebar.config src include compat test apps | tar -xf - -C "$work"
    (cd "$work" && rebar3 compile && rebar3 eunit)
    ;;
  dialyzer)
    # Not part of the test command (building the PLT takes a minute); run it after changing the bridge.
    plt="${CORRAL_PLT:-$HOME/.cache/corral/erlang-bridge.plt}"
    mkdir -p "$(dirname "$plt")"
    [ -f "$plt" ] || dialyzer --build_plt --apps erts kernel stdlib --output_plt "$plt"
    dialyzer --plt "$plt" -I include --src src/*.erl compat/*.erl apps/corral/src/*.erl
    ;;
  *) echo "usage: build.sh compile|eunit|rebar3|dialyzer" >&2; exit 2 ;;
esac
