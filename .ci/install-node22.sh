#!/usr/bin/env bash
# Node 22 LTS from the npm registry into .tools/node22 (the machine's own Node is 20). Used by the PDS peer
# (.ci/install-pds.sh) and the Node 22 test run (.ci/node22-tests.sh). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
NODE_SPEC=${NODE22_SPEC:-${PDS_NODE_SPEC:-node@22}}
tools="$root/.tools/node22"
node22="$tools/node_modules/node/bin/node"
if [ -x "$node22" ] && "$node22" --version | grep -q '^v22\.'; then
  echo "install-node22: Node $("$node22" --version) already in .tools/node22"
else
  echo "install-node22: installing $NODE_SPEC from the npm registry into .tools/node22"
  mkdir -p "$tools"
  npm install --prefix "$tools" --no-audit --no-fund --no-save "$NODE_SPEC" >/dev/null
  echo "install-node22: installed Node $("$node22" --version)"
fi
# The npm "node" package puts the real distribution (bin/, include/node/ headers) in an arch-specific package
# beside its launcher; node-gyp wants that folder as nodedir.
node_home=$(ls -d "$tools"/node_modules/node/node_modules/node-linux-*/ 2>/dev/null | head -1)
if [ -z "$node_home" ] || [ ! -f "$node_home/include/node/node_api.h" ]; then
  echo "install-node22: Node 22's headers are missing under $tools (delete .tools/node22 and run again)" >&2
  exit 1
fi
