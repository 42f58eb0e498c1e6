#!/usr/bin/env bash
# Set up everything and run the linters (ruff, import-linter) and the test suite: every test,
# end-to-end and render groups included, on all cores (pytest-xdist; IMPACT_TEST_WORKERS=0 runs
# in-process). Arguments go to pytest, e.g. scripts/test.sh -q tests/test_schema.py.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ruff check src tests benchmarks
.venv/bin/lint-imports    # the layers and acyclic contracts in pyproject.toml [tool.importlinter]
exec .venv/bin/python -m pytest -n "${IMPACT_TEST_WORKERS:-auto}" --dist loadgroup "$@"
