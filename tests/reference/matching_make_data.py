"""Generate the committed test data for the matching reference values (run once).

Writes ``matching_persons.csv`` (60 intervention members, 300 external persons; the register
persons fields plus a continuous ``x`` and a ready-made ``score``, so nearest-neighbour
matching has no ties) and ``matching_months.csv`` (months −3…6, employment). ``matching.R``
reads both and writes ``matching_values.json``.

Run: ``.venv/bin/python tests/reference/matching_make_data.py``
"""

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent


def main() -> None:
    rng = np.random.default_rng(20240716)
    n_t, n_c = 60, 300
    n = n_t + n_c
    treated = np.r_[np.ones(n_t, int), np.zeros(n_c, int)]
    sex = np.where(rng.random(n) < np.where(treated == 1, 0.75, 0.5), "woman", "man")
    county = rng.choice(["AB", "M", "O"], size=n, p=[0.5, 0.3, 0.2])
    education = np.where(treated == 1, rng.integers(3, 6, n), rng.integers(1, 6, n))
    employed = rng.random(n) < np.where(treated == 1, 0.25, 0.45)
    birth_year = rng.integers(1962, 2001, n) + np.where(treated == 1, 3, 0)
    birth_year = np.minimum(birth_year, 2002)
    x = rng.normal(0.4 * treated, 1.0, n)
    score = rng.uniform(0.05, 0.95, n) * np.where(treated == 1, 1.0, 0.8)
    ids = [f"R{k:04d}" for k in rng.permutation(n)]
    persons = pd.DataFrame(
        {
            "person_id": ids,
            "group": np.where(treated == 1, "intervention", "external"),
            "sex": sex,
            "birth_year": birth_year,
            "county": county,
            "education_level": education,
            "employed_at_start": employed,
            "x": np.round(x, 6),
            "score": np.round(score, 6),
        }
    )
    months = np.arange(-3, 7)
    base = -1.5 + 0.3 * (education - 3) + 2.0 * employed
    rows = []
    for i in range(n):
        for m in months:
            lift = 0.12 * m * treated[i] if m > 0 else 0.0
            p = 1 / (1 + np.exp(-(base[i] + 0.1 * m + lift)))
            rows.append((ids[i], m, bool(rng.random() < p)))
    persons.to_csv(HERE / "matching_persons.csv", index=False)
    pd.DataFrame(rows, columns=["person_id", "month", "employed"]).to_csv(
        HERE / "matching_months.csv", index=False
    )


if __name__ == "__main__":
    main()
