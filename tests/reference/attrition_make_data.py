"""Generate tests/reference/attrition_data.csv, the input of tests/reference/attrition.R.

Run once: ``.venv/bin/python tests/reference/attrition_make_data.py``. The CSV is committed;
tests and the R script only read it. Attrition depends on covariates and arm by construction.
"""

from pathlib import Path

import numpy as np
import pandas as pd

rng = np.random.default_rng(20240601)
n = 300
stratum = rng.choice(["A", "B"], size=n)
arm = np.empty(n, dtype=object)
for s in ("A", "B"):
    rows = np.flatnonzero(stratum == s)
    labels = np.array(["treatment", "control"] * (len(rows) // 2 + 1))[: len(rows)]
    arm[rows] = rng.permutation(labels)
gender = rng.choice(["woman", "man"], size=n, p=[0.7, 0.3])
age = rng.integers(22, 60, size=n)
education = rng.integers(1, 6, size=n)
years = np.round(rng.gamma(2.0, 2.5, size=n), 1)
treat = (arm == "treatment").astype(float)
lin_b = 0.9 + 0.3 * (education - 3) + 0.4 * treat
responded_b = rng.random(n) < 1 / (1 + np.exp(-lin_b))
lin_r = (
    0.4
    + 0.35 * (education - 3)
    - 0.03 * (age - 40)
    + 0.5 * treat
    + 0.4 * treat * (gender == "woman")
    - 0.3 * (gender == "woman")
)
responded_r = rng.random(n) < 1 / (1 + np.exp(-lin_r))
got_job = rng.random(n) < 1 / (1 + np.exp(-(-0.8 + 0.4 * (education - 3) + 0.3 * treat)))
income = np.round(np.exp(9 + 0.15 * education + 0.2 * treat + rng.normal(0, 0.6, n)), 0)
frame = pd.DataFrame(
    {
        "arm": arm,
        "stratum": stratum,
        "gender": gender,
        "age": age,
        "education_level": education,
        "years_in_sweden": years,
        "responded_b": responded_b,
        "responded_r": responded_r,
        "got_job": np.where(responded_r, got_job.astype(int).astype(str), ""),
        "income": np.where(responded_r, income.astype(int).astype(str), ""),
    }
)
frame.to_csv(Path(__file__).with_name("attrition_data.csv"), index=False)
