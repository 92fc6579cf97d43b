#!/usr/bin/env bash
# Usage: .ci/npm.sh MAJOR   (e.g. 12)
# Installs npm MAJOR from the npm registry into a cache folder, only when it is not there yet, and
# prints the absolute path of its npm-cli.js (run it with the Node under test).
# Cache: ${NEST_SESSION_NODE_CACHE:-$HOME/.cache/nest-session/node}/npm-MAJOR
set -euo pipefail

major="${1:?usage: .ci/npm.sh MAJOR}"
case "$major" in
  '' | *[!0-9]*) echo "npm.sh: MAJOR must be a number, got '$major'" >&2; exit 2 ;;
esac

dir="${NEST_SESSION_NODE_CACHE:-$HOME/.cache/nest-session/node}/npm-$major"
cli="$dir/node_modules/npm/bin/npm-cli.js"

installed() { [ -f "$cli" ] && [ "$(node -p "require('$dir/node_modules/npm/package.json').version.split('.')[0]" 2>/dev/null)" = "$major" ]; }

if ! installed; then
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-audit --no-fund --no-save --loglevel=error "npm@$major" >&2
  installed || { echo "npm.sh: npm@$major did not install in $dir" >&2; exit 1; }
fi

printf '%s\n' "$cli"
