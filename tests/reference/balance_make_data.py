"""Generate the committed test data for the balance-table reference values (run once).

Writes ``balance_data.csv`` (300 randomised in 3 strata and 30 clusters, with missing
covariates and a binary outcome observed for about 80 %) and ``balance_draws.csv`` (40
re-drawn assignments permuted within strata, one per row, for the randomisation version of
the omnibus test). ``started`` is the take-up (no-shows in the treatment arm, crossover in
the control arm, a few unknown) for the complier means. The R script ``balance.R`` reads
both and writes ``balance_values.json``.

Run: ``.venv/bin/python tests/reference/balance_make_data.py``
"""

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent


def _within_strata(rng: np.random.Generator, stratum: np.ndarray) -> np.ndarray:
    z = np.zeros(stratum.size, dtype=int)
    for s in np.unique(stratum):
        idx = np.flatnonzero(stratum == s)
        z[rng.choice(idx, idx.size // 2, replace=False)] = 1
    return z


def main() -> None:
    rng = np.random.default_rng(20261203)
    n = 300
    stratum = np.repeat(["S1", "S2", "S3"], [90, 110, 100])
    z = _within_strata(rng, stratum)
    cluster = np.array([f"c{k:02d}" for k in rng.integers(0, 30, n)])
    gender = rng.choice(["woman", "man", "other"], n, p=[0.6, 0.35, 0.05])
    age = np.round(rng.normal(38 + 1.5 * z, 10), 0)
    age[rng.random(n) < 0.08] = np.nan
    years = np.round(rng.gamma(2.0, 2.5, n), 1)
    employed_before = rng.random(n) < 0.4 + 0.06 * z
    observed = rng.random(n) < 0.75 + 0.1 * z
    outcome = np.where(observed, rng.random(n) < 0.35 + 0.1 * z, None)
    data = pd.DataFrame(
        {
            "arm": np.where(z == 1, "treatment", "control"),
            "stratum": stratum,
            "cluster": cluster,
            "gender": gender,
            "age": age,
            "years_in_sweden": years,
            "employed_before": employed_before,
            "got_job": outcome,
        }
    )
    draws = np.array([_within_strata(rng, stratum) for _ in range(40)])
    pd.DataFrame(draws.T, columns=[f"d{k}" for k in range(40)]).to_csv(
        HERE / "balance_draws.csv", index=False
    )
    # take-up: about 70 % of the treatment arm start (more often the employed-before), about
    # 10 % of the control arm cross over; unknown for a few people
    started = np.where(z == 1, rng.random(n) < 0.6 + 0.2 * employed_before, rng.random(n) < 0.1)
    data["started"] = np.where(rng.random(n) < 0.03, None, started)
    data.to_csv(HERE / "balance_data.csv", index=False)


if __name__ == "__main__":
    main()
