#!/usr/bin/env bash
# Set up (first time) and run every check: lint, types, architecture, then the test suite
# (which also builds and runs the PyInstaller bundle). .ci/run runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
export PATH="$PWD/.venv/bin:$PATH"

echo "== ruff"; ruff check . && ruff format --check .
echo "== mypy (Qt-free packages)"; mypy
echo "== import contracts"; lint-imports
echo "== pytest"
if [ -n "${CI:-}" ]; then export HYPOTHESIS_PROFILE=ci; fi
exec pytest "$@"
