"""Interval-censored job starts (Turnbull NPMLE, Weibull and log-logistic AFT) against R.

Reference: ``tests/reference/competing.R`` on ``competing_data.csv`` and
``competing_intervals.csv``; values in ``competing_values.json``.

Turnbull: R's ``survfit(Surv(l, u, type = "interval2") ~ 1)`` stops its EM iteration when the
curve changes by less than 5e-5 between iterations, which leaves it up to ~3e-3 from the
NPMLE on the irregular intervals; the script therefore also computes the NPMLE by the
self-consistency iteration in base R to 1e-13. We compare with that at 1e-6 and with
``survfit``'s curve at 5e-3. AFT: ``survreg`` coefficients, log(scale), standard errors and
log-likelihood at 1e-6.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from impact.analysis.timing.turnbull import turnbull
from impact.errors import AnalysisError, InputError
from impact.timing import IntervalCensored, interval_censored

HERE = Path(__file__).parent / "reference"
TOL = 1e-6
SURVFIT_TOL = 5e-3
COVARIATES = ["age", "education_level"]


def _numbers(values) -> np.ndarray:
    return np.asarray(pd.Series(values).replace({"Inf": np.inf, "NA": np.nan}), dtype=float)


@pytest.fixture(scope="module")
def ref():
    return json.loads((HERE / "competing_values.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def result():
    panel = pd.read_csv(HERE / "competing_data.csv")
    return interval_censored(panel, covariates=COVARIATES)


def _check_npmle(table: pd.DataFrame, expected: dict) -> None:
    np.testing.assert_array_equal(table["lower"], _numbers(expected["lower"]))
    np.testing.assert_array_equal(table["upper"], _numbers(expected["upper"]))
    np.testing.assert_allclose(table["mass"], expected["mass"], atol=TOL, rtol=0)


def test_turnbull_on_the_wave_intervals(ref):
    panel = pd.read_csv(HERE / "competing_data.csv")
    panel = panel[panel["arm"].notna()]  # R analyses the randomised people only
    one = interval_censored(panel, group=None, covariates=COVARIATES)
    assert one.regression is None
    _check_npmle(one.turnbull.tidy(), ref["turnbull_npmle"])
    curve = ref["turnbull_survfit"]
    got = one.turnbull.survival_at("all", curve["time"], midpoint=True)
    np.testing.assert_allclose(got, curve["surv"], atol=SURVFIT_TOL, rtol=0)


def test_turnbull_on_irregular_intervals(ref):
    data = pd.read_csv(HERE / "competing_intervals.csv")
    data = data.rename(columns={"lower": "interval_lower", "upper": "interval_upper"})
    tb = turnbull(data)
    for group, expected in ref["turnbull_groups"].items():
        part = tb.tidy()[tb.tidy()["group"] == group]
        _check_npmle(part, expected["npmle"])
        got = tb.survival_at(group, expected["survfit_time"], midpoint=True)
        np.testing.assert_allclose(got, expected["survfit_surv"], atol=SURVFIT_TOL, rtol=0)


def test_turnbull_share_is_unknown_inside_an_innermost_interval(result):
    surv = result.turnbull.survival_at("control", [2.0, 3.0, 5.0])
    assert np.isfinite(surv[0]) and np.isnan(surv[1]) and np.isfinite(surv[2])


@pytest.mark.parametrize("dist", ["weibull", "loglogistic"])
def test_aft_equals_survreg(result, ref, dist):
    expected = ref["aft"][dist]
    got = result.regression.tidy()
    got = got[got["model"] == dist]
    theta = np.r_[expected["coef"], expected["log_scale"]]
    np.testing.assert_allclose(got["estimate"], theta, atol=TOL, rtol=0)
    np.testing.assert_allclose(got["std_error"], expected["se"], atol=TOL, rtol=0)
    np.testing.assert_allclose(result.regression.loglik[dist], expected["loglik"], atol=TOL)
    assert list(got["term"])[:2] == ["(Intercept)", "arm[treatment]"]


def test_result_contract(result):
    assert isinstance(result, IntervalCensored)
    tidy = result.tidy()
    assert set(tidy["part"]) == {"turnbull", "aft_weibull", "aft_loglogistic"}
    arm = tidy[tidy["part"] == "aft_weibull"].iloc[0]
    assert arm["ci_lower"] < arm["estimate"] < arm["ci_upper"]
    assert "time ratio" in result.summary()
    assert result.to_dict()["rows"]


def test_bad_interval_is_refused():
    data = pd.DataFrame({"group": ["a", "a"], "interval_lower": [2.0, 5.0],
                         "interval_upper": [5.0, 5.0]})  # fmt: skip
    with pytest.raises(InputError, match="lower < upper"):
        turnbull(data)


def test_bad_distribution_is_refused():
    panel = pd.read_csv(HERE / "competing_data.csv")
    with pytest.raises(InputError, match="weibull"):
        interval_censored(panel, covariates=COVARIATES, distributions=("lognormal",))


def test_jobs_at_month_zero_are_left_out_with_a_note():
    panel = pd.read_csv(HERE / "competing_data.csv")
    res = interval_censored(panel, covariates=COVARIATES, employed_at_baseline="event_at_start")
    assert any("month 0" in note for note in res.settings["notes"])
    assert (res.intervals["interval_upper"] > 0).all()


def test_turnbull_meets_the_optimality_conditions():
    """Self-consistency/KKT: Σ_i a_ik / P_i ≤ n for every innermost interval, = n where the
    mass is positive (the estimate is the maximum, not just where the iteration stopped)."""
    data = pd.read_csv(HERE / "competing_intervals.csv")
    data = data.rename(columns={"lower": "interval_lower", "upper": "interval_upper"})
    tb = turnbull(data).tidy()
    for group, part in data.groupby("group"):
        inner = tb[tb["group"] == group]
        lo, hi = part["interval_lower"].to_numpy(), part["interval_upper"].to_numpy()
        a = (inner["lower"].to_numpy()[None, :] >= lo[:, None]) & (
            inner["upper"].to_numpy()[None, :] <= hi[:, None]
        )
        gradient = (a / (a @ inner["mass"].to_numpy())[:, None]).sum(axis=0) / len(part)
        assert gradient.max() <= 1 + 1e-6
        positive = inner["mass"].to_numpy() > 1e-8
        np.testing.assert_allclose(gradient[positive], 1.0, atol=1e-6)


def test_collinear_covariates_give_a_clear_analysis_error():
    panel = pd.read_csv(HERE / "competing_data.csv")
    with pytest.raises(AnalysisError, match="collinear"):
        interval_censored(panel.assign(age2=panel["age"] * 2), covariates=["age", "age2"])
