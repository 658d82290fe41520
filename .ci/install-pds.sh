#!/usr/bin/env bash
# Installs the real Bluesky PDS used by the connector's service tests (test/peers/pds):
# Node 22 from the npm registry into .tools/node22 (the PDS needs Node >= 22; the project runs on 20),
# then `npm ci` in test/peers/pds under Node 22, compiling better-sqlite3 against Node 22's headers.
# Idempotent: each step is skipped when its result is already there and up to date (kept in .tools/pds).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
start=$(date +%s)
say() { echo "install-pds: $* (t+$(( $(date +%s) - start ))s)"; }

bash .ci/install-node22.sh
tools="$root/.tools/node22"
node22="$tools/node_modules/node/bin/node"
node_home=$(ls -d "$tools"/node_modules/node/node_modules/node-linux-*/ | head -1)

pds="$root/test/peers/pds"
lock_sum=$(cat "$pds/package.json" "$pds/package-lock.json" | sha256sum | cut -d' ' -f1)-$("$node22" --version)
# The install lives in .tools (a cache that survives clean clones when .tools links to one, see .ci/tools-cache.sh),
# one folder per lock file and Node version; test/peers/pds/node_modules links to it.
store="$root/.tools/pds/$lock_sum"
if [ -f "$store/node_modules/.metronome-installed" ]; then
  say "the PDS's node_modules for this package-lock.json is in .tools/pds (cached)"
else
  say "npm ci for test/peers/pds with Node $("$node22" --version) (better-sqlite3 may compile from source: ~3 min)"
  rm -rf "$store"
  mkdir -p "$store"
  cp "$pds/package.json" "$pds/package-lock.json" "$store/"
  (
    cd "$store"
    export PATH="$(dirname "$node22"):$PATH"
    export npm_config_nodedir="$node_home"
    npm ci --no-audit --no-fund
  )
  echo "$lock_sum" > "$store/node_modules/.metronome-installed"
fi
if [ -d "$pds/node_modules" ] && [ ! -L "$pds/node_modules" ]; then
  rm -rf "$pds/node_modules"
fi
ln -sfn "$store/node_modules" "$pds/node_modules"
"$node22" -e "require('$pds/node_modules/better-sqlite3')" \
  || { echo "install-pds: better-sqlite3 does not load under Node 22; delete test/peers/pds/node_modules and run again" >&2; exit 1; }
say "done: PDS ready (Node 22 at .tools/node22/node_modules/node/bin/node)"
