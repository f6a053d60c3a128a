#!/usr/bin/env bash
# The whole test suite (CI runs exactly this). Extra args go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m pytest "$@"
