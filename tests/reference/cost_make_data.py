"""Generate the committed test data for the cost-effectiveness reference values (run once).

Writes ``cost_data.csv``: 300 people randomised within three strata (unequal arms in one),
with three outcomes chosen so that the three readings of a cost per additional outcome occur:
``got_job`` (a clear rise: Fieller's interval is bounded), ``job_or_steps`` (a small rise
whose interval includes zero: no finite upper limit) and ``took_steps`` (a fall: no positive
cost), some missing outcomes, a take-up column ``started`` (one-sided non-compliance) and
two rounds. ``cost.R`` reads it and writes ``cost_values.json``.

Run: ``.venv/bin/python tests/reference/cost_make_data.py``
"""

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent


def main() -> None:
    rng = np.random.default_rng(20261203)
    sizes = {"A": 120, "B": 100, "C": 80}
    shares = {"A": 0.5, "B": 0.5, "C": 0.6}
    rows = []
    for stratum, n in sizes.items():
        treated = np.zeros(n, dtype=bool)
        treated[rng.choice(n, int(round(shares[stratum] * n)), replace=False)] = True
        for z in treated:
            rows.append({"stratum": stratum, "arm": "treatment" if z else "control"})
    data = pd.DataFrame(rows)
    z = (data["arm"] == "treatment").to_numpy()
    base = data["stratum"].map({"A": 0.25, "B": 0.35, "C": 0.3}).to_numpy()
    started = z & (rng.random(len(data)) < 0.8)
    data["started"] = started
    data["round_id"] = np.where(rng.random(len(data)) < 0.5, "R01", "R02")
    outcomes = {"got_job": 0.35, "job_or_steps": 0.05, "took_steps": -0.3}
    for name, lift in outcomes.items():
        p = np.clip(base + 0.2 * (name != "got_job") + lift * started, 0.02, 0.98)
        values = pd.Series(rng.random(len(data)) < p, dtype="boolean")
        values[rng.random(len(data)) < 0.15] = pd.NA
        data[name] = values
    data.to_csv(HERE / "cost_data.csv", index=False)


if __name__ == "__main__":
    main()
