#!/usr/bin/env bash
# Offline demo: serve the recorded boards on 127.0.0.1, crawl them into data/paybands.duckdb, print
# the pay report. `paybands demo` does all three (an installed wheel runs it too).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
rc=0
.venv/bin/paybands demo --db data/paybands.duckdb || rc=$?
# 3 = some boards failed and the others were stored: the report was printed all the same.
if [ "$rc" -ne 0 ] && [ "$rc" -ne 3 ]; then exit "$rc"; fi
