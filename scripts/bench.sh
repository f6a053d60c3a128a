#!/usr/bin/env bash
# The benchmarks (bench/run_all.py), set up as the tests are plus the `bench` extra (psutil for the
# crawl's CPU and memory, py-spy/pyinstrument for profiles). Extra args go to bench.run_all.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
stamp=.venv/.paybands-bench-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q -e ".[test,bench]" >&2
  touch "$stamp"
fi
exec .venv/bin/python -m bench.run_all "$@"
