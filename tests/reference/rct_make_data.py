"""Generate the committed test data for the RCT reference values (run once; output committed).

Writes ``rct_data.csv`` (218 randomised, 151 answered baseline, like the RISE study) and
``rct_small.csv`` (12 people in two strata, for exact randomisation inference). The R script
``rct.R`` reads both and writes ``rct_values.json``.

Run: ``.venv/bin/python tests/reference/rct_make_data.py``
"""

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent


def main() -> None:
    rng = np.random.default_rng(20240601)
    n = 218
    stratum = np.where(np.arange(n) < 110, "R01", "R02")
    arm = np.empty(n, dtype=object)
    for s in ("R01", "R02"):
        idx = np.flatnonzero(stratum == s)
        z = np.zeros(idx.size, dtype=bool)
        z[rng.choice(idx.size, idx.size // 2, replace=False)] = True
        arm[idx] = np.where(z, "treatment", "control")
    treat = arm == "treatment"
    gender = np.where(rng.random(n) < 0.78, "woman", "man")
    age = rng.integers(22, 60, n).astype(float)
    education = rng.integers(1, 6, n).astype(float)
    years = np.round(rng.gamma(2.0, 2.5, n), 1)
    responded_b = rng.random(n) < 0.70
    responded_f1 = responded_b & (rng.random(n) < 0.58)
    responded_f2 = responded_b & (rng.random(n) < 0.60)
    responded_r = responded_b & (rng.random(n) < 0.62 + 0.12 * (gender == "woman"))
    latent = (
        -0.8 + 0.35 * treat + 0.02 * (age - 40) + 0.25 * (education - 3) + 0.3 * (gender == "man")
    )
    got_job = rng.random(n) < 1 / (1 + np.exp(-latent))
    took = ~got_job & (rng.random(n) < 0.45 + 0.08 * treat)
    network = rng.random(n) < 0.55 + 0.15 * treat + 0.05 * (education > 3)
    cv = rng.random(n) < 0.5 + 0.1 * treat
    internship = rng.random(n) < 0.12 - 0.05 * treat
    data = pd.DataFrame(
        {
            "person_id": [f"p{i:03d}" for i in range(n)],
            "round_id": stratum,
            "arm": arm,
            "stratum": stratum,
            "mentor_group": [f"g{i % 30:02d}" for i in rng.permutation(n)],
            "gender": gender,
            "age": age,
            "education_level": education,
            "years_in_sweden": years,
            "responded_b": responded_b,
            "responded_f1": responded_f1,
            "responded_f2": responded_f2,
            "responded_r": responded_r,
        }
    )
    for col in ("age", "education_level", "years_in_sweden"):
        data.loc[~responded_b, col] = np.nan
    outcomes = {
        "got_job": got_job,
        "took_steps": took,
        "job_or_steps": got_job | took,
        "expanded_network": network,
        "improved_cv": cv,
        "got_internship": internship,
    }
    analysed = responded_b & responded_r
    for name, values in outcomes.items():
        col = pd.array(values, dtype="boolean")
        col[~analysed] = pd.NA
        data[name] = col
    data.to_csv(HERE / "rct_data.csv", index=False)

    small = pd.DataFrame(
        {
            "stratum": ["A"] * 6 + ["B"] * 6,
            "arm": ["treatment", "control", "treatment", "control", "treatment", "control",
                    "control", "treatment", "treatment", "control", "control", "treatment"],
            "x": [3.0, 1.0, 4.0, 1.5, 5.0, 9.0, 2.0, 6.0, 5.0, 3.0, 5.0, 8.0],
            "y": [True, False, True, False, True, True, False, True, True, False, True, True],
        }
    )  # fmt: skip
    small.to_csv(HERE / "rct_small.csv", index=False)


if __name__ == "__main__":
    main()
