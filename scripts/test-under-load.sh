#!/usr/bin/env bash
# The whole suite, several times in a row, beside a CPU hog on every core: CI's machine is often
# this busy, and a test that races a reader, a server or a browser fails here first.
# Usage: npm run test:load [-- RUNS]   (default 3; Debian: apt-get install stress-ng)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"
if ! command -v stress-ng > /dev/null; then
  echo "stress-ng is needed (Debian: apt-get install stress-ng; .ci/run installs it)." >&2
  exit 2
fi
stress-ng --cpu "$(nproc)" --quiet &
hog=$!
trap 'kill "$hog" 2> /dev/null || true' EXIT
for run in $(seq 1 "$runs"); do
  echo "== run $run of $runs, beside stress-ng --cpu $(nproc) =="
  start=$(date +%s)
  CI="${CI:-true}" npm test
  echo "== run $run passed in $(($(date +%s) - start)) s =="
done
