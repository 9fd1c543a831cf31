#!/usr/bin/env bash
# Builds erlang-bridge with erlc (what rebar3 compile does for an app without deps) and runs its EUnit tests.
# Output: ebin/*.beam and ebin/corral_bridge.app, next to src/ as an OTP application directory.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
cd "$HERE"
case "${1:-compile}" in
  compile)
    mkdir -p ebin test-ebin
    erlc -Wall +debug_info -I include -o ebin src/*.erl
    cp src/corral_bridge.app.src ebin/corral_bridge.app
    # The demo's example handlers: ordinary Cowboy handler modules, on the demo node's code path.
    mkdir -p examples-ebin
    if compgen -G "examples/*.erl" >/dev/null; then erlc +debug_info -o examples-ebin examples/*.erl; fi
    if compgen -G "test/*.erl" >/dev/null; then erlc +debug_info -I include -pa ebin -o test-ebin test/*.erl; fi
    ;;
  eunit)
    bash "$HERE/build.sh" compile
    mods=$(ls ebin/*.beam test-ebin/*.beam 2>/dev/null | xargs -n1 basename | sed 's/\.beam$//' | grep -v '_tests$' | paste -sd, - || true)
    erl -noshell -pa ebin -pa test-ebin -eval "
      case eunit:test([$mods], [verbose]) of
        ok -> halt(0);
        _ -> halt(1)
      end."
    ;;
  *) echo "usage: build.sh compile|eunit" >&2; exit 2 ;;
esac
