#!/usr/bin/env bash
# Set up everything and run the test suite (and the linters: ruff, import-linter).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ruff check src tests benchmarks
.venv/bin/lint-imports    # the layers and acyclic contracts in pyproject.toml [tool.importlinter]
exec .venv/bin/python -m pytest "$@"
