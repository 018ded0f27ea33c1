#!/usr/bin/env bash
# Set up (first time) and start 量衡. Arguments go to the app: bash scripts/run.sh --db my.sqlite3
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh app
exec .venv/bin/liangheng "$@"
