#!/usr/bin/env bash
# Set up everything and run the main job on the bundled demo study:
# synthetic raw exports → validation → linking → indicators → analyses → reports.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/impact demo --out "${1:-demo-output}"
