#!/usr/bin/env bash
# Runs the test suites again on Node 22 LTS (the Docker image's runtime) beside the machine's Node 20.
#
# Node 22 comes from the npm registry into .tools/node22 (shared with .ci/install-pds.sh). The only part of the
# install that depends on the Node version is better-sqlite3's native addon (ABI 115 on Node 20, 127 on 22), so
# instead of a second `npm ci` the suites run in .node22-run: a hard-linked copy of this tree whose
# better-sqlite3 addon is replaced by one built for Node 22 (cached in .tools/node22-addons by version).
#
# Usage: bash .ci/node22-tests.sh [test|services|all]   (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
what=${1:-all}
start=$(date +%s)
say() { echo "node22-tests: $* (t+$(( $(date +%s) - start ))s)"; }

bash .ci/install-node22.sh
tools="$root/.tools/node22"
node22="$tools/node_modules/node/bin/node"
node_home=$(ls -d "$tools"/node_modules/node/node_modules/node-linux-*/ | head -1)

# better-sqlite3's addon for Node 22, built once per version.
bs3_version=$(node -p "require('./node_modules/better-sqlite3/package.json').version")
addon_dir="$root/.tools/node22-addons/better-sqlite3-$bs3_version"
addon="$addon_dir/better_sqlite3.node"
if [ ! -f "$addon" ]; then
  pds_addon="$root/test/peers/pds/node_modules/better-sqlite3/build/Release/better_sqlite3.node"
  pds_version=$(node -p "try { require('./test/peers/pds/node_modules/better-sqlite3/package.json').version } catch { '' }")
  mkdir -p "$addon_dir"
  if [ "$pds_version" = "$bs3_version" ] && [ -f "$pds_addon" ]; then
    say "better-sqlite3 $bs3_version for Node 22: the PDS peer already built it"
    cp "$pds_addon" "$addon"
  else
    say "building better-sqlite3 $bs3_version for Node 22 (compiles from source: ~3 min)"
    build=$(mktemp -d)
    (
      cd "$build"
      export PATH="$(dirname "$node22"):$PATH"
      export npm_config_nodedir="$node_home"
      npm init -y >/dev/null
      npm install --no-audit --no-fund --no-save "better-sqlite3@$bs3_version" >/dev/null
    )
    cp "$build/node_modules/better-sqlite3/build/Release/better_sqlite3.node" "$addon"
    rm -rf "$build"
  fi
fi

# The run's tree: hard links (cheap), except the addon, which is a file of its own.
# In the tree, not in .tools: .tools may link to a cache on another file system, and hard links stay on one.
run="$root/.node22-run"
rm -rf "$run"
mkdir -p "$run"
say "preparing .node22-run (hard-linked copy of the tree)"
for entry in $(ls -A "$root"); do
  case "$entry" in
    .git | .tools | .node22-run) ;;
    *) cp -al "$root/$entry" "$run/$entry" ;;
  esac
done
# The peers' harnesses find their installs (Node 22, the PDS, WordPress) in .tools of the tree they run from.
ln -s "$(readlink -f "$root/.tools")" "$run/.tools"
target="$run/node_modules/better-sqlite3/build/Release/better_sqlite3.node"
cp --remove-destination "$addon" "$target"
# The PDS peer (Node 22 already) is found through the tree; its own node_modules is shared as it is.
"$node22" -e "new (require('$run/node_modules/better-sqlite3'))(':memory:').close()"

cd "$run"
export PATH="$(dirname "$node22"):$PATH"
say "node $(node --version), npm $(npm --version)"
if [ "$what" = test ] || [ "$what" = all ]; then
  say "npm test on Node 22"
  npm test
fi
if [ "$what" = services ] || [ "$what" = all ]; then
  say "service suites on Node 22 (one bounded chaos run, on SQLite, and the ~6 min PDS rate-limit run skipped: the full-size runs on both databases are the Node 20 phase's)"
  CHAOS_DIALECTS=${CHAOS_DIALECTS:-sqlite} CHAOS_POSTS=${CHAOS_POSTS:-300} CHAOS_KILLS=${CHAOS_KILLS:-8} CHAOS_PDS_KILLS=${CHAOS_PDS_KILLS:-3} \
    PDS_RATE_LIMIT_RUN=${PDS_RATE_LIMIT_RUN:-0} \
    METRONOME_TEST_DATABASE_URL=${METRONOME_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} \
    METRONOME_TEST_REDIS_URL=${METRONOME_TEST_REDIS_URL:-redis://127.0.0.1:6379} \
    npm run test:services
fi
say "done"
