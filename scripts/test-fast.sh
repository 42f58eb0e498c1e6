#!/usr/bin/env bash
# The fast loop: the unit tests only, without the end-to-end runs (e2e), the long simulations
# and pipeline runs (slow) and the Quarto render matrix (quarto). Arguments go to pytest.
# scripts/test.sh (what CI runs) runs everything.
set -euo pipefail
exec bash "$(dirname "$0")/test.sh" -m "not e2e and not slow and not quarto" "$@"
