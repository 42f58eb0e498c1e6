"""Randomisation inference machinery and the Westfall–Young step-down."""

import time

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from impact.analysis.rct import randomisation_test, westfall_young
from impact.analysis.rct.procedure import RandomisationProcedure
from impact.analysis.rct.randomisation import regression_statistics


def make_trial(n: int, seed: int, effect: float = 0.0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    stratum = np.where(np.arange(n) < n // 2, "R01", "R02")
    arm = np.empty(n, dtype=object)
    for s in ("R01", "R02"):
        idx = np.flatnonzero(stratum == s)
        z = np.zeros(idx.size, dtype=bool)
        z[rng.choice(idx.size, idx.size // 2, replace=False)] = True
        arm[idx] = np.where(z, "treatment", "control")
    x = rng.normal(size=n)
    p = 0.4 + 0.1 * np.tanh(x) + effect * (arm == "treatment")
    y1 = pd.array(rng.random(n) < p, dtype="boolean")
    y2 = pd.array(rng.random(n) < 0.5, dtype="boolean")
    y1[rng.random(n) < 0.2] = pd.NA
    return pd.DataFrame({"arm": arm, "stratum": stratum, "x": x, "y1": y1, "y2": y2})


def test_permutations_keep_treated_count_per_stratum():
    rng = np.random.default_rng(1)
    z = np.array([1, 0, 0, 1, 1, 0, 0, 0, 1, 0], dtype=float)
    codes = np.array([0, 0, 0, 0, 1, 1, 1, 1, 1, 1])
    data = pd.DataFrame(
        {"arm": np.where(z == 1, "treatment", "control"), "stratum": codes.astype(str)}
    )
    procedure = RandomisationProcedure.from_data(data)
    perms = procedure.draw(rng, 500)
    assert (perms[:, codes == 0].sum(axis=1) == 2).all()
    assert (perms[:, codes == 1].sum(axis=1) == 2).all()
    assert len({tuple(r) for r in perms}) > 50  # really random
    exact, weights = procedure.enumerate()
    assert exact.shape[0] == procedure.count_assignments() == 6 * 15
    assert len({tuple(r) for r in exact}) == exact.shape[0]
    assert weights == pytest.approx(np.full(90, 1 / 90))


def test_vectorised_statistics_equal_statsmodels_hc2_fits():
    rng = np.random.default_rng(5)
    n = 40
    y = (rng.random(n) < 0.5).astype(float)
    others = np.column_stack([np.ones(n), rng.normal(size=n), np.repeat([0.0, 1.0], n // 2)])
    assignments = np.stack([rng.permutation(np.repeat([0, 1], n // 2)) for _ in range(5)])
    t = regression_statistics(assignments.astype(np.int8), y, others, "studentised")
    b = regression_statistics(assignments.astype(np.int8), y, others, "coefficient")
    for i, z in enumerate(assignments):
        fit = sm.OLS(y, np.column_stack([others, z])).fit(cov_type="HC2")
        assert b[i] == pytest.approx(fit.params[-1], abs=1e-10)
        assert t[i] == pytest.approx(fit.tvalues[-1], abs=1e-9)


def test_seeded_draws_are_reproducible_and_mc_se_reported():
    data = make_trial(120, 3)
    a = randomisation_test(data, ["y1", "y2"], draws=2000, seed=42).tidy()
    b = randomisation_test(data, ["y1", "y2"], draws=2000, seed=42).tidy()
    pd.testing.assert_frame_equal(a, b)
    assert (a["method"] == "monte_carlo").all()
    assert (a["draws_used"] == 2000).all()
    assert (a["mc_se"] > 0).all()
    assert ((a["p_value"] > 0) & (a["p_value"] <= 1)).all()


def test_ri_with_10000_draws_is_fast_at_n151():
    data = make_trial(151, 4)
    start = time.perf_counter()
    randomisation_test(data, ["y1"], draws=10_000, seed=1)
    assert time.perf_counter() - start < 2.0  # typically ~0.1 s; generous for shared CI cores


def test_ri_detects_a_large_effect():
    data = make_trial(300, 8, effect=0.35)
    res = randomisation_test(data, ["y1"], draws=2000, seed=1).tidy()
    assert res["p_value"].iloc[0] < 0.01


def test_westfall_young_single_outcome_equals_raw():
    data = make_trial(100, 2)
    ri = randomisation_test(data, ["y1"], draws=3000, seed=9)
    wy = westfall_young(ri).tidy()
    assert wy["westfall_young_p"].iloc[0] == pytest.approx(wy["p_value"].iloc[0])


def test_westfall_young_identical_outcomes_are_not_penalised():
    data = make_trial(100, 2)
    data["y1_copy"] = data["y1"]
    ri = randomisation_test(data, ["y1", "y1_copy"], draws=3000, seed=9)
    wy = westfall_young(ri).tidy()
    np.testing.assert_allclose(wy["westfall_young_p"], wy["p_value"])


def test_westfall_young_bounds_and_monotonicity():
    rng = np.random.default_rng(0)
    data = make_trial(200, 6, effect=0.2)
    for k in range(4):
        data[f"noise{k}"] = pd.array(rng.random(200) < 0.5, dtype="boolean")
    outcomes = ["y1", "y2", "noise0", "noise1", "noise2", "noise3"]
    ri = randomisation_test(data, outcomes, draws=4000, seed=3)
    wy = westfall_young(ri).tidy()
    assert (wy["westfall_young_p"] >= wy["p_value"] - 1e-12).all()
    assert (wy["westfall_young_p"] <= 1).all()
    order = np.argsort(wy["p_value"].to_numpy())
    assert np.all(np.diff(wy["westfall_young_p"].to_numpy()[order]) >= -1e-12)
    # independent outcomes: close to (never above) Bonferroni for the smallest p-value
    smallest = wy["p_value"].min()
    assert wy["westfall_young_p"].min() <= min(1.0, len(outcomes) * smallest) + 1e-3
