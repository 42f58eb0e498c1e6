"""Generate the committed test data for the tightened Lee bounds reference (run once).

Writes ``lee_tight_data.csv``: 900 randomised people in three cells of a baseline covariate
(``cell``: a/b/c, known for everyone), a continuous outcome ``earnings`` and a binary outcome
``employed``, both missing for non-respondents. Response is higher in the treatment arm in
every cell (monotonicity in one direction, as ``leebounds … , tight()`` expects) and differs by
cell. The R script ``lee_tight.R`` reads it and writes ``lee_tight_values.json``.

Run: ``.venv/bin/python tests/reference/lee_tight_make_data.py``
"""

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent


def main() -> None:
    rng = np.random.default_rng(2009)
    n = 900
    cell = rng.choice(["a", "b", "c"], n, p=[0.45, 0.35, 0.20])
    treat = rng.random(n) < 0.5
    base_response = {"a": 0.55, "b": 0.70, "c": 0.80}
    lift = {"a": 0.15, "b": 0.10, "c": 0.10}
    p_resp = np.array([base_response[c] + lift[c] * t for c, t in zip(cell, treat, strict=True)])
    responds = rng.random(n) < p_resp
    level = {"a": 900.0, "b": 1400.0, "c": 2100.0}
    earnings = np.array([level[c] for c in cell]) + 150.0 * treat + rng.gamma(2.0, 300.0, n)
    earnings = np.round(earnings, 2)
    employed = rng.random(n) < 0.4 + 0.1 * treat + 0.1 * (cell == "c")
    data = pd.DataFrame(
        {
            "arm": np.where(treat, "treatment", "control"),
            "cell": cell,
            "earnings": np.where(responds, earnings, np.nan),
            "employed": np.where(responds, employed.astype(int).astype(str), ""),
        }
    )
    data.to_csv(HERE / "lee_tight_data.csv", index=False)


if __name__ == "__main__":
    main()
