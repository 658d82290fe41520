#!/usr/bin/env bash
# Makes .tools (Node 22, the Bluesky PDS's node_modules, better-sqlite3 for Node 22, the WordPress site) a link to
# a cache outside the clone, so CI's clean clones reuse what an earlier run installed on the same machine.
# Every install script checks what it finds there, so an empty or stale cache only costs the install time.
# Env: METRONOME_CI_CACHE (default: $XDG_CACHE_HOME/metronome-ci, else ~/.cache/metronome-ci).
set -euo pipefail
cd "$(dirname "$0")/.."
cache=${METRONOME_CI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/metronome-ci}
if [ -L .tools ]; then
  echo "tools-cache: .tools -> $(readlink .tools)"
elif [ -d .tools ]; then
  echo "tools-cache: .tools is a folder of this clone (kept as it is)"
else
  mkdir -p "$cache/tools"
  ln -s "$cache/tools" .tools
  echo "tools-cache: .tools -> $cache/tools ($(du -sh "$cache/tools" 2>/dev/null | cut -f1) cached)"
fi
