"""Generate the committed test data for the sensitivity reference values (run once; committed).

Writes ``sensitivity_sets.csv`` (matched sets for Rosenbaum bounds: binary pairs, binary
1:k sets of varying size, a binary set with a negative effect, continuous pairs with ties and
zero differences, continuous 1:3 sets) and ``sensitivity_evalues.csv`` (estimates and limits
on every scale the E-value handles). ``sensitivity.R`` reads both and writes
``sensitivity_values.json``.

Run: ``.venv/bin/python tests/reference/sensitivity_make_data.py``
"""

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent


def _sets(rng, name, n_sets, sizes, p_member, p_control, continuous=False):
    rows = []
    for s in range(n_sets):
        size = int(rng.choice(sizes))
        for k in range(size):
            member = int(k == 0)
            if continuous:
                y = float(np.round(rng.normal(1.0 if member else 0.4, 1.0), 1))
            else:
                y = int(rng.random() < (p_member if member else p_control))
            rows.append((name, f"{name}_{s:03d}", member, y))
    return rows


def main() -> None:
    rng = np.random.default_rng(20261203)
    rows = []
    rows += _sets(rng, "pairs_binary", 80, [2], 0.55, 0.35)
    rows += _sets(rng, "sets_binary", 50, [2, 3, 4, 4], 0.6, 0.4)
    rows += _sets(rng, "pairs_binary_negative", 60, [2], 0.3, 0.5)
    rows += _sets(rng, "pairs_continuous", 45, [2], 0, 0, continuous=True)
    rows += _sets(rng, "sets_continuous", 35, [4], 0, 0, continuous=True)
    sets = pd.DataFrame(rows, columns=["dataset", "set", "treated", "y"])
    sets.to_csv(HERE / "sensitivity_sets.csv", index=False)
    evalues = pd.DataFrame(
        [
            ("RR", 3.9, 1.8, 8.7, 0, np.nan, np.nan),
            ("RR", 0.8, 0.71, 0.91, 0, np.nan, np.nan),
            ("RR", 1.3, 0.9, 1.9, 0, np.nan, np.nan),
            ("OR", 2.5, 1.4, 4.2, 0, np.nan, np.nan),
            ("OR", 2.5, 1.4, 4.2, 1, np.nan, np.nan),
            ("OR", 0.6, 0.45, 0.8, 0, np.nan, np.nan),
            ("HR", 1.7, 1.2, 2.4, 0, np.nan, np.nan),
            ("HR", 1.7, 1.2, 2.4, 1, np.nan, np.nan),
            ("HR", 0.7, 0.55, 0.95, 0, np.nan, np.nan),
            ("RD", 0.12, 0.03, 0.21, 0, 0.35, np.nan),
            ("RD", -0.08, -0.15, -0.01, 0, 0.4, np.nan),
            ("RD", 0.05, -0.04, 0.14, 0, 0.25, np.nan),
            ("SMD", 0.45, np.nan, np.nan, 0, np.nan, 0.12),
            ("SMD", -0.3, np.nan, np.nan, 0, np.nan, 0.2),
        ],
        columns=[
            "measure",
            "estimate",
            "ci_lower",
            "ci_upper",
            "rare",
            "baseline_risk",
            "std_error",
        ],  # fmt: skip
    )
    evalues.to_csv(HERE / "sensitivity_evalues.csv", index=False)


if __name__ == "__main__":
    main()
