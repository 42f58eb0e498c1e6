"""A synthetic indicator table for the outcome tests: 10 rounds, 511 people (Jobbsteget-sized).

``make_indicator_table(seed)`` builds it with ``numpy.random.default_rng(seed)``. The committed
``outcomes_fixture.csv`` (read by ``outcomes.R`` for the reference values, and by the tests via
``read_indicator_table``) was written by running this file::

    .venv/bin/python tests/reference/outcomes_fixture.py

The numbers are invented; only the shapes (gender split ~ 406/105, response ~ 71 %, shares
near the published ones) follow the Jobbsteget Tillsammans report.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
CSV = HERE / "outcomes_fixture.csv"
SEED = 20231101

BOOLEAN_COLUMNS = (
    "responded_b", "responded_f1", "responded_f2", "responded_r",
    "b_has_reference", "r_has_reference", "b_job_matches_field", "r_job_matches_field",
    "job_from_none", "job_upgraded", "job_changed_other", "got_job", "got_internship",
    "started_relevant_education", "more_interviews", "improved_cv", "expanded_network",
    "got_reference", "visited_workplace", "learned_education_paths", "learned_social_codes",
    "improved_swedish", "improved_professional_swedish", "took_steps", "job_or_steps",
    "knows_labour_market_more",
)  # fmt: skip
STRING_COLUMNS = (
    "person_id", "round_id", "gender", "b_employment", "f1_employment", "f2_employment",
    "r_employment", "r_contributed_job", "r_contributed_internship", "r_contributed_education",
)  # fmt: skip
INT_COLUMNS = ("age", "education_level", "small_steps_count")
FLOAT_COLUMNS = ("years_in_sweden",)

SMALL_STEPS = (
    "improved_cv", "expanded_network", "got_reference", "visited_workplace",
    "learned_education_paths", "learned_social_codes", "improved_swedish",
    "improved_professional_swedish",
)  # fmt: skip


def _expit(x):
    return 1.0 / (1.0 + np.exp(-x))


def make_indicator_table(seed: int = SEED, n_people: int = 511, n_rounds: int = 10):
    """Return a typed indicator table with person-level, wave and indicator columns."""
    rng = np.random.default_rng(seed)
    n = n_people
    rounds = np.array([f"R{(i % n_rounds) + 1:02d}" for i in range(n)])
    gender = rng.choice(["woman", "man", "other", "not_stated"], n, p=[0.786, 0.198, 0.008, 0.008])
    age = rng.integers(22, 61, n).astype(float)
    education = rng.choice([1, 2, 3, 4, 5], n, p=[0.05, 0.15, 0.15, 0.35, 0.30]).astype(float)
    years = np.round(rng.gamma(2.0, 2.0, n), 1)
    age[rng.random(n) < 0.02] = np.nan
    education[rng.random(n) < 0.02] = np.nan
    man = (gender == "man").astype(float)
    resp_b = rng.random(n) < 0.92
    resp_r = rng.random(n) < 0.71
    resp_f1 = rng.random(n) < 0.58
    resp_f2 = rng.random(n) < 0.60
    both = resp_b & resp_r

    b_emp = rng.choice(["none", "part_time", "full_time"], n, p=[0.75, 0.15, 0.10])
    lin = -1.0 + 0.5 * man - 0.02 * (np.nan_to_num(age, nan=40) - 40) + 0.15 * (
        np.nan_to_num(education, nan=4) - 3) - 0.05 * years  # fmt: skip
    got_job = rng.random(n) < _expit(lin)
    from_none = got_job & (b_emp == "none")
    upgraded = got_job & (b_emp != "none") & (rng.random(n) < 0.7)
    changed_other = got_job & (b_emp != "none") & ~upgraded
    r_emp = np.where(got_job, rng.choice(["part_time", "full_time"], n), b_emp)
    f1_emp = np.where(rng.random(n) < 0.5, b_emp, r_emp)
    f2_emp = np.where(rng.random(n) < 0.3, b_emp, r_emp)

    steps = {name: rng.random(n) < p for name, p in zip(
        SMALL_STEPS, (0.70, 0.74, 0.36, 0.30, 0.55, 0.60, 0.65, 0.62), strict=True)}  # fmt: skip
    steps["got_reference"] = rng.random(n) < _expit(-0.6 + 0.3 * man)
    internship = rng.random(n) < 0.16 + 0.03 * man
    education_started = rng.random(n) < 0.13
    interviews = rng.random(n) < 0.25
    small_count = np.sum([steps[s] for s in SMALL_STEPS], axis=0)
    took = ~got_job & (internship | education_started | interviews | (small_count >= 5))
    knows = rng.random(n) < 0.84

    table = pd.DataFrame(
        {
            "person_id": [f"P{i:04d}" for i in range(n)],
            "round_id": rounds,
            "gender": gender,
            "age": age,
            "education_level": education,
            "years_in_sweden": years,
            "responded_b": resp_b,
            "responded_f1": resp_f1,
            "responded_f2": resp_f2,
            "responded_r": resp_r,
            "b_employment": np.where(resp_b, b_emp, None),
            "f1_employment": np.where(resp_f1, f1_emp, None),
            "f2_employment": np.where(resp_f2, f2_emp, None),
            "r_employment": np.where(resp_r, r_emp, None),
            "b_has_reference": np.where(resp_b, rng.random(n) < 0.2, None),
            "r_has_reference": np.where(resp_r, rng.random(n) < 0.45, None),
            "b_job_matches_field": np.where(resp_b & (b_emp != "none"), rng.random(n) < 0.3, None),
            "r_job_matches_field": np.where(resp_r & (r_emp != "none"), rng.random(n) < 0.6, None),
            "job_from_none": from_none,
            "job_upgraded": upgraded,
            "job_changed_other": changed_other,
            "got_job": got_job,
            "got_internship": internship,
            "started_relevant_education": education_started,
            "more_interviews": interviews,
            **steps,
            "small_steps_count": small_count,
            "took_steps": took,
            "job_or_steps": got_job | took,
            "knows_labour_market_more": knows,
        }
    )
    indicator_cols = [c for c in BOOLEAN_COLUMNS if not c.startswith(("responded_", "b_", "r_"))]
    for col in [*indicator_cols, "small_steps_count"]:
        table[col] = table[col].astype(object).where(both, None)
    answers = {
        "r_contributed_job": (got_job, [0.56, 0.30, 0.14]),
        "r_contributed_internship": (internship, [0.89, 0.06, 0.05]),
        "r_contributed_education": (education_started, [0.91, 0.05, 0.04]),
    }
    for col, (has, p) in answers.items():
        given = rng.choice(["yes", "no", "dont_know"], n, p=p)
        keep = both & has & (rng.random(n) < 0.95)
        table[col] = np.where(keep, given, None)
    return typed(table)


def typed(table: pd.DataFrame) -> pd.DataFrame:
    """Apply the architecture's dtypes (string, boolean, Int64, Float64)."""
    table = table.copy()
    for col in BOOLEAN_COLUMNS:
        table[col] = table[col].map(_to_bool).astype("boolean")
    for col in STRING_COLUMNS:
        table[col] = table[col].astype(object).where(table[col].notna(), None).astype("string")
    for col in INT_COLUMNS:
        table[col] = pd.to_numeric(table[col]).astype("Float64").round().astype("Int64")
    for col in FLOAT_COLUMNS:
        table[col] = pd.to_numeric(table[col]).astype("Float64")
    return table


def _to_bool(value):
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return pd.NA
    if isinstance(value, str):
        return {"true": True, "false": False}[value.strip().lower()]
    return bool(value)


def read_indicator_table(path: Path = CSV) -> pd.DataFrame:
    """Read the committed fixture CSV back into a typed indicator table."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    raw = raw.astype(object).where(raw.notna(), None)
    return typed(raw)


def write_csv(table: pd.DataFrame, path: Path = CSV) -> None:
    """Write the table with TRUE/FALSE booleans and empty cells for missing values."""
    out = table.copy()
    for col in BOOLEAN_COLUMNS:
        out[col] = out[col].map(lambda v: "" if pd.isna(v) else ("TRUE" if v else "FALSE"))
    out.to_csv(path, index=False, na_rep="")


if __name__ == "__main__":
    write_csv(make_indicator_table())
    print(f"wrote {CSV}")
