"""Generate the committed data for the competing-risks and interval-censoring references.

Writes ``competing_data.csv``: 300 people shaped like the linked panel of a randomised study
(``arm``, ``site``, baseline covariates, ``b_/f1_/f2_/r_employment``, the follow-ups'
``job_start_month``, ``<wave>_in_education`` and ``left_month`` from the randomisation list),
with missing waves, people employed or studying at baseline, jobs and studies starting at the
same wave, and people who left the programme before, between and after their answered waves.
Also writes ``competing_intervals.csv``: 240 irregular (lower, upper] intervals in two
groups for the Turnbull estimate. ``competing.R`` reads both and writes
``competing_values.json``. Run once.

Run: ``.venv/bin/python tests/reference/competing_make_data.py``
"""

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent
WAVES = {"f1": 2, "f2": 5, "r": 7}


def _answers(rng, n, employed_b, studying_b, job_month, edu_month):
    answered = {"b": rng.random(n) < 0.9}
    for wave, rate in (("f1", 0.7), ("f2", 0.7), ("r", 0.8)):
        answered[wave] = answered["b"] & (rng.random(n) < rate)
    data = {}
    for wave, month in {"b": 0, **WAVES}.items():
        has_job = employed_b | (job_month <= month)
        status = np.where(has_job, np.where(rng.random(n) < 0.6, "full_time", "part_time"), "none")
        status = status.astype(object)
        status[~answered[wave]] = None
        data[f"{wave}_employment"] = status
        studying = studying_b | (edu_month <= month)
        flag = pd.array(np.where(studying, "true", "false"), dtype="string")
        flag[~answered[wave]] = pd.NA
        data[f"{wave}_in_education"] = flag
        if wave in ("f1", "f2"):
            start = np.where(has_job & ~employed_b & (rng.random(n) < 0.5), job_month, -1)
            start = pd.array(start, dtype="Int64")
            start[(start < 0) | ~answered[wave]] = pd.NA
            data[f"{wave}_job_start_month"] = start
    return data


def intervals(rng) -> pd.DataFrame:
    """Irregular visit months, so the innermost intervals overlap (a harder Turnbull case)."""
    rows = []
    for group, scale in (("a", 6.0), ("b", 9.0)):
        for _ in range(120):
            true = scale * rng.weibull(1.4)
            visits = np.sort(rng.choice(np.arange(1, 15), rng.integers(1, 5), replace=False))
            before = visits[visits < true]
            after = visits[visits >= true]
            lower = float(before.max()) if before.size else 0.0
            upper = float(after.min()) if after.size else np.inf
            rows.append({"group": group, "lower": lower, "upper": upper})
    return pd.DataFrame(rows)


def main() -> None:
    rng = np.random.default_rng(20261203)
    n = 300
    arm = np.where(rng.random(n) < 0.5, "treatment", "control")
    site = rng.choice(["north", "south", "west"], n)
    age = rng.integers(22, 60, n)
    education = rng.integers(1, 6, n)
    years = np.round(rng.gamma(2.0, 2.5, n), 1)
    job_rate = 1 / (1 + np.exp(-(-2.6 + 0.4 * (arm == "treatment") + 0.2 * (education - 3))))
    job_month = np.array([rng.geometric(h) for h in job_rate])
    edu_month = np.array([rng.geometric(0.05) for _ in range(n)])
    employed_b = rng.random(n) < 0.1
    studying_b = rng.random(n) < 0.06
    data = {
        "person_id": [f"C{k:03d}" for k in range(n)],
        "arm": arm,
        "site": site,
        "age": age,
        "education_level": education,
        "years_in_sweden": years,
    }
    data.update(_answers(rng, n, employed_b, studying_b, job_month, edu_month))
    left = np.where(rng.random(n) < 0.15, rng.integers(0, 10, n), -1)
    left = pd.array(left, dtype="Int64")
    left[left < 0] = pd.NA
    data["left_month"] = left
    frame = pd.DataFrame(data)
    frame.loc[[3, 11], "arm"] = None  # randomisation list not matched for two people
    frame.to_csv(HERE / "competing_data.csv", index=False)
    intervals(rng).to_csv(HERE / "competing_intervals.csv", index=False)


if __name__ == "__main__":
    main()
