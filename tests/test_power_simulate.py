"""Vectorised HC2 against statsmodels, and simulated power against the analytic answer."""

from __future__ import annotations

import math

import numpy as np
import pytest
import statsmodels.api as sm
from scipy.special import ndtr, ndtri

from impact.analysis.power import DEFAULT_SEED, PowerRequestError, itt_hc2, mde, simulate_power
from impact.analysis.power.simulate import attrition_intercept, max_probit_r2, probit_slope


def _statsmodels_hc2(y, treated, x=None):
    design = treated[:, None] if x is None else np.column_stack([treated, x])
    fit = sm.OLS(y, sm.add_constant(design, has_constant="add")).fit(cov_type="HC2")
    return fit.params[1], fit.bse[1]


@pytest.mark.parametrize("k", [0, 1, 3])
@pytest.mark.parametrize("with_attrition", [False, True])
def test_vectorised_hc2_equals_statsmodels(k, with_attrition):
    rng = np.random.default_rng(11)
    trials, n = 5, 60
    treated = (np.arange(n) < 27).astype(float)
    x = rng.standard_normal((trials, n, k)) if k else None
    latent = 0.8 * treated + (x.sum(axis=2) if k else 0) + rng.standard_normal((trials, n))
    y = (latent > 0.5).astype(float)
    observed = rng.random((trials, n)) > 0.25 if with_attrition else None
    draws = itt_hc2(y, treated, x, observed)
    for s in range(trials):
        keep = np.ones(n, bool) if observed is None else observed[s]
        est, se = _statsmodels_hc2(y[s, keep], treated[keep], None if x is None else x[s, keep])
        assert draws.estimate[s] == pytest.approx(est, abs=1e-10)
        assert draws.se[s] == pytest.approx(se, rel=1e-9)
        assert draws.n_treatment[s] == treated[keep].sum()


def test_hc2_without_covariates_is_the_neyman_se():
    rng = np.random.default_rng(3)
    y = (rng.random((1, 40)) < 0.4).astype(float)
    treated = (np.arange(40) < 15).astype(float)
    draws = itt_hc2(y, treated)
    y1, y0 = y[0, :15], y[0, 15:]
    neyman = math.sqrt(y1.var(ddof=1) / 15 + y0.var(ddof=1) / 25)
    assert draws.se[0] == pytest.approx(neyman, rel=1e-12)
    # covariate route with a pure-noise covariate gives the same answer as statsmodels, too
    x = rng.standard_normal((1, 40, 1))
    assert itt_hc2(y, treated, x).se[0] == pytest.approx(
        _statsmodels_hc2(y[0], treated, x[0])[1], rel=1e-9
    )


def test_hc2_is_undefined_for_an_arm_with_fewer_than_two():
    y = np.array([[1.0, 0.0, 1.0, 0.0]])
    draws = itt_hc2(y, np.array([1.0, 0.0, 0.0, 0.0]))
    assert np.isnan(draws.se[0])


def test_simulated_power_matches_analytic_within_monte_carlo_error():
    """73 vs 78, 30 % base, effect = analytic MDE (power 0.8, unpooled) — no covariates.

    With S = 10,000 trials the Monte Carlo SE is sqrt(0.8 × 0.2 / S) = 0.004; we allow
    4 SE (0.016). The seed is DEFAULT_SEED.
    """
    effect = mde(73, 78, control_rate=0.3, direction="increase").mde_pp
    sims = 10_000
    result = simulate_power(73, 78, control_rate=0.3, effect_pp=effect, n_sims=sims)
    assert result.seed == DEFAULT_SEED
    tolerance = 4 * math.sqrt(0.8 * 0.2 / sims)
    assert abs(result.power - 0.8) < tolerance
    assert result.analytic_power == pytest.approx(0.8, abs=1e-9)
    assert result.mc_se == pytest.approx(math.sqrt(result.power * (1 - result.power) / sims))
    assert result.mean_estimate_pp == pytest.approx(effect, abs=4 * result.sd_estimate_pp / 100)
    assert result.n_undefined == 0


def test_simulated_size_is_alpha():
    sims = 10_000
    result = simulate_power(n=151, control_rate=0.3, effect_pp=0, n_sims=sims, seed=5)
    assert abs(result.power - 0.05) < 4 * math.sqrt(0.05 * 0.95 / sims)


def test_covariates_raise_power_close_to_the_r2_formula():
    """With R² = 0.2 the analytic factor (1 − R²) is an approximation; allow 2.5 points."""
    effect = 15.0
    plain = simulate_power(73, 78, control_rate=0.3, effect_pp=effect, n_sims=4000, seed=2)
    adjusted = simulate_power(
        73, 78, control_rate=0.3, effect_pp=effect, n_covariates=3, r2=0.2, n_sims=4000, seed=2
    )
    assert adjusted.power > plain.power
    assert abs(adjusted.power - adjusted.analytic_power) < 0.025


def test_attrition_depending_on_covariates_runs_and_keeps_the_expected_share():
    result = simulate_power(
        n=200,
        control_rate=0.4,
        effect_pp=10,
        n_covariates=2,
        r2=0.1,
        attrition=0.3,
        attrition_slope=1.0,
        n_sims=2000,
        seed=9,
    )
    kept = (result.mean_analysed_treatment + result.mean_analysed_control) / 200
    assert kept == pytest.approx(0.7, abs=0.01)
    assert 0 < result.power < 1


def test_probit_calibration_gives_the_requested_r2():
    rng = np.random.default_rng(4)
    p0, r2 = 0.29, 0.15
    b = probit_slope(p0, r2)
    z = rng.standard_normal(400_000)
    mu = float(np.sqrt(1 + b * b) * ndtri(p0))
    y = (rng.random(z.size) < ndtr(mu + b * z)).astype(float)
    assert y.mean() == pytest.approx(p0, abs=0.005)
    assert np.corrcoef(y, z)[0, 1] ** 2 == pytest.approx(r2, abs=0.01)
    a = attrition_intercept(0.3, 1.5)
    nodes = rng.standard_normal(400_000)
    assert (1 / (1 + np.exp(-(a + 1.5 * nodes)))).mean() == pytest.approx(0.3, abs=0.005)
    assert max_probit_r2(0.5) == pytest.approx(2 / math.pi)


def test_seeded_and_reproducible():
    a = simulate_power(n=100, control_rate=0.3, effect_pp=10, n_sims=500, seed=1)
    b = simulate_power(n=100, control_rate=0.3, effect_pp=10, n_sims=500, seed=1)
    c = simulate_power(n=100, control_rate=0.3, effect_pp=10, n_sims=500, seed=2)
    assert a.power == b.power
    assert (a.power, a.mean_estimate_pp) != (c.power, c.mean_estimate_pp)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"r2": 0.2}, "n_covariates"),
        ({"attrition_slope": 1.0}, "n_covariates"),
        ({"n_covariates": 1, "r2": 0.7}, "at most"),
        ({"n_sims": 0}, "n_sims"),
    ],
)
def test_simulation_errors(kwargs, message):
    with pytest.raises(PowerRequestError, match=message):
        simulate_power(73, 78, control_rate=0.3, effect_pp=10, **kwargs)


def test_simulation_needs_whole_participants_and_reports_sentences():
    with pytest.raises(PowerRequestError, match="whole participants"):
        simulate_power(73.5, 78, control_rate=0.3, effect_pp=10)
    result = simulate_power(73, 78, control_rate=0.3, effect_pp=20, n_sims=200, seed=1)
    assert result.sentence().startswith("In 200 simulated trials (seed 1) with 73 and 78")
    assert "HC2-medelfel" in result.sentence("sv")
    assert result.tidy().loc[0, "n_sims"] == 200
    assert result.to_dict()["sentence"]["en"] == result.sentence()
