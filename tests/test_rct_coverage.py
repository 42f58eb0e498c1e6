"""Simulation: true effects are recovered and 95 % CIs cover them at the nominal rate.

A small generator with a known average effect: n = 151 people in two strata, complete
randomisation within strata, baseline covariates that predict the outcome, and a constant
effect of ``EFFECT`` on the probability scale (so the ATE is exactly ``EFFECT``), with random
non-response. Over 200 seeds the 95 % CI must cover the truth within Monte Carlo error
(coverage ≥ 0.95 − 3·sqrt(0.95·0.05/200) ≈ 0.904), and the estimates must be unbiased within
Monte Carlo error.
"""

import math

import numpy as np
import pandas as pd
import pytest

from impact.analysis.rct import itt, randomisation_test

EFFECT = 0.15
SEEDS = 200


def generate(seed: int, n: int = 151, effect: float = EFFECT) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    stratum = np.where(np.arange(n) < 75, "R01", "R02")
    z = np.zeros(n, dtype=bool)
    for s in ("R01", "R02"):
        idx = np.flatnonzero(stratum == s)
        z[rng.choice(idx, idx.size // 2, replace=False)] = True
    age = rng.integers(20, 60, n).astype(float)
    education = rng.integers(1, 6, n).astype(float)
    p0 = np.clip(
        0.2 + 0.06 * (education - 3) + 0.004 * (age - 40) + 0.05 * (stratum == "R02"), 0.02, 0.8
    )
    y = rng.random(n) < p0 + effect * z
    observed = rng.random(n) < 0.75
    outcome = pd.array(y, dtype="boolean")
    outcome[~observed] = pd.NA
    return pd.DataFrame(
        {
            "arm": np.where(z, "treatment", "control"),
            "stratum": stratum,
            "age": age,
            "education_level": education,
            "y": outcome,
        }
    )


@pytest.mark.slow
def test_ci_coverage_and_unbiasedness_over_seeds():
    hits = {"unadjusted": 0, "lin": 0}
    estimates = {"unadjusted": [], "lin": []}
    for seed in range(SEEDS):
        res = itt(
            generate(seed),
            ["y"],
            covariates=["age", "education_level"],
            adjustments=["unadjusted", "lin"],
            logit=False,
        ).tidy()
        for _, row in res.iterrows():
            spec = row["specification"]
            hits[spec] += row["conf_low"] <= EFFECT <= row["conf_high"]
            estimates[spec].append(row["estimate"])
    floor = 0.95 - 3 * math.sqrt(0.95 * 0.05 / SEEDS)
    for spec in hits:
        assert hits[spec] / SEEDS >= floor, (spec, hits[spec] / SEEDS)
        est = np.asarray(estimates[spec])
        assert abs(est.mean() - EFFECT) < 3.5 * est.std(ddof=1) / math.sqrt(SEEDS), spec


@pytest.mark.slow
def test_randomisation_test_has_nominal_size_under_the_null():
    rejections = 0
    for seed in range(SEEDS):
        res = randomisation_test(generate(seed, effect=0.0), ["y"], draws=500, seed=seed)
        rejections += res.tidy()["p_value"].iloc[0] <= 0.05
    # size 0.05: at most 0.05 + 3 Monte Carlo SEs (≈ 0.096)
    assert rejections / SEEDS <= 0.05 + 3 * math.sqrt(0.05 * 0.95 / SEEDS)
