#!/usr/bin/env bash
# Offline demo: serve the recorded real boards on 127.0.0.1, crawl them into
# data/paybands.duckdb, print the pay-range report.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
PB=.venv/bin/paybands
PORT=8765

.venv/bin/paybands replay --port "$PORT" 2>/dev/null &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  .venv/bin/python -c "import socket; socket.create_connection(('127.0.0.1', $PORT), 0.2)" 2>/dev/null && break
  sleep 0.1
done

rc=0
$PB crawl --config demo/replay.toml --db data/paybands.duckdb || rc=$?
if [ "$rc" -ne 0 ] && [ "$rc" -ne 3 ]; then exit "$rc"; fi
$PB report --db data/paybands.duckdb
