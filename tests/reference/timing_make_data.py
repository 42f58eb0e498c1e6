"""Generate the committed test panel for the time-to-job reference values (run once).

Writes ``timing_data.csv``: 220 people in a panel shaped like the linked panel of a randomised
study (``arm``, ``stratum``, baseline covariates, ``b_/f1_/f2_/r_employment`` and the
follow-ups' ``job_start_month``), with missing waves, people employed at baseline, people
without a baseline answer, and a few reported start months outside the interval between
waves. ``timing.R`` reads it and writes ``timing_values.json``.

Run: ``.venv/bin/python tests/reference/timing_make_data.py``
"""

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent
WAVES = {"f1": 2, "f2": 5, "r": 7}


def main() -> None:
    rng = np.random.default_rng(20240715)
    n = 220
    arm = np.where(rng.random(n) < 0.5, "treatment", "control")
    stratum = np.where(rng.random(n) < 0.78, "woman", "man")
    age = rng.integers(22, 60, n)
    education = rng.integers(1, 6, n)
    years = np.round(rng.gamma(2.0, 2.5, n), 1)
    # monthly job hazard, higher with education and in the treatment arm
    hazard = 1 / (1 + np.exp(-(-3.0 + 0.35 * (arm == "treatment") + 0.25 * (education - 3))))
    job_month = np.array([rng.geometric(h) - 1 for h in hazard])  # month the job starts
    employed_b = rng.random(n) < 0.2
    answered = {"b": rng.random(n) < 0.72}
    for wave, rate in (("f1", 0.6), ("f2", 0.62), ("r", 0.74)):
        answered[wave] = answered["b"] & (rng.random(n) < rate)
    data = {
        "person_id": [f"T{k:03d}" for k in range(n)],
        "arm": arm,
        "stratum": stratum,
        "age": age,
        "education_level": education,
        "years_in_sweden": years,
        "b_employment": np.where(
            employed_b, np.where(rng.random(n) < 0.5, "part_time", "full_time"), "none"
        ).astype(object),
    }
    data["b_employment"][~answered["b"]] = None
    for wave, month in WAVES.items():
        has_job = employed_b | (job_month <= month)
        status = np.where(has_job, np.where(rng.random(n) < 0.6, "full_time", "part_time"), "none")
        status = status.astype(object)
        status[~answered[wave]] = None
        data[f"{wave}_employment"] = status
        if wave != "r":
            start = np.where(has_job & ~employed_b & (rng.random(n) < 0.7), job_month, -1)
            # a few reported months that contradict an earlier "no job" answer
            start = np.where((start >= 0) & (rng.random(n) < 0.12), 0, start)
            start = pd.array(start, dtype="Int64")
            start[(start < 0) | ~answered[wave]] = pd.NA
            data[f"{wave}_job_start_month"] = start
    frame = pd.DataFrame(data)
    frame.loc[[5, 17], "arm"] = None  # randomisation list not matched for two people
    frame.to_csv(HERE / "timing_data.csv", index=False)


if __name__ == "__main__":
    main()
