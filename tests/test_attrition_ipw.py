"""IPW: R reference values, diagnostics, and bias reduction on a synthetic study."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from impact.analysis.attrition import effective_sample_size, ipw_itt
from impact.errors import AnalysisError, InputError

REFERENCE = Path(__file__).parent / "reference"
VALUES = json.loads((REFERENCE / "attrition_values.json").read_text())
COVARIATES = ["age", "education_level", "years_in_sweden", "gender"]


def reference_data() -> pd.DataFrame:
    data = pd.read_csv(REFERENCE / "attrition_data.csv", dtype={"got_job": "Int64"})
    data["got_job"] = data["got_job"].astype("boolean")
    for column in ("arm", "stratum", "gender"):
        data[column] = data[column].astype("string")
    return data


def synthetic_study(seed: int, n: int = 400, effect: float = 0.5) -> pd.DataFrame:
    """Randomised study whose attrition depends on a covariate differently by arm.

    Outcome ``y = 1 + effect·T + x + e``. Treated with high ``x`` respond more, controls with
    low ``x`` respond more, so the respondents' difference overstates the effect; response is
    missing at random given ``x`` and arm, so IPW on ``x`` is consistent.
    """
    rng = np.random.default_rng(seed)
    treat = rng.permutation(np.repeat([1, 0], n // 2))
    x = rng.normal(size=n)
    group = rng.choice(["a", "b"], size=n)
    y = 1 + effect * treat + x + rng.normal(scale=0.5, size=n)
    eta = 0.8 + np.where(treat == 1, 1.2 * x, -1.2 * x)
    responded = rng.random(n) < 1 / (1 + np.exp(-eta))
    return pd.DataFrame(
        {
            "arm": np.where(treat == 1, "treatment", "control"),
            "stratum": "all",
            "x": x,
            "group": group,
            "responded_b": True,
            "responded_r": responded,
            "y": pd.array(np.where(responded, y, np.nan), dtype="Float64"),
        }
    )


def test_ipw_matches_r():
    # Source: tests/reference/attrition.R, section 4 (glm per arm, Hajek weighted difference).
    ref = VALUES["ipw"]
    result = ipw_itt(reference_data(), outcome="got_job", covariates=COVARIATES, n_bootstrap=50)
    assert result.estimate == pytest.approx(ref["estimate"], rel=1e-8)
    assert result.std_error_fixed_weights == pytest.approx(ref["se_fixed_weights"], rel=1e-8)
    weights = result.weights.set_index("arm")
    assert weights.loc["treatment", "ess"] == pytest.approx(ref["ess_treatment"], rel=1e-8)
    assert weights.loc["control", "ess"] == pytest.approx(ref["ess_control"], rel=1e-8)
    assert weights["max"].max() == pytest.approx(ref["max_weight"], rel=1e-8)
    models = result.response_models
    for arm in ("treatment", "control"):
        coef = models.loc[models["arm"] == arm, "estimate"].to_numpy()
        assert coef == pytest.approx(ref[f"coef_{arm}"], rel=1e-6, abs=1e-9)


def test_ipw_trimmed_matches_r():
    ref = VALUES["ipw_trim95"]
    result = ipw_itt(
        reference_data(), outcome="got_job", covariates=COVARIATES, trim_quantile=0.95,
        n_bootstrap=20,
    )  # fmt: skip
    assert result.estimate == pytest.approx(ref["estimate"], rel=1e-8)
    assert result.weights["max"].max() == pytest.approx(ref["max_weight"], rel=1e-8)
    assert result.weights["n_trimmed"].iloc[0] > 0


def test_bootstrap_is_seeded_and_diagnostics_make_sense():
    data = reference_data()
    a = ipw_itt(data, outcome="got_job", covariates=COVARIATES, n_bootstrap=100, seed=5)
    b = ipw_itt(data, outcome="got_job", covariates=COVARIATES, n_bootstrap=100, seed=5)
    assert a.std_error == b.std_error
    assert a.ci_lower < a.estimate < a.ci_upper
    # weighting brings respondents' covariate means towards the randomised population's
    balance = a.balance
    before = (balance["respondents_mean"] - balance["population_mean"]).abs().sum()
    after = (balance["weighted_mean"] - balance["population_mean"]).abs().sum()
    assert after < before
    tidy = a.tidy()
    assert tidy["method"].tolist() == ["naive", "ipw"]
    assert len(a.respondent_weights) == int(data["got_job"].notna().sum())
    assert "effective sample size" in a.summary()


def test_effective_sample_size():
    assert effective_sample_size(np.ones(10)) == pytest.approx(10)
    assert effective_sample_size(np.array([1.0, 3.0])) == pytest.approx(16 / 10)


def test_ipw_moves_estimate_toward_truth_on_average():
    naive, weighted = [], []
    for seed in range(25):
        result = ipw_itt(synthetic_study(seed), outcome="y", covariates=["x"], n_bootstrap=10,
                         seed=seed)  # fmt: skip
        naive.append(result.naive_estimate)
        weighted.append(result.estimate)
    bias_naive = abs(np.mean(naive) - 0.5)
    bias_ipw = abs(np.mean(weighted) - 0.5)
    assert bias_naive > 0.5  # the selection is strong by construction
    assert bias_ipw < 0.1
    assert bias_ipw < bias_naive / 5


def test_population_baseline_when_covariates_missing():
    data = synthetic_study(1)
    data["responded_b"] = np.arange(len(data)) % 10 != 0
    data.loc[~data["responded_b"], "x"] = np.nan
    data.loc[~data["responded_b"], "y"] = pd.NA
    result = ipw_itt(data, outcome="y", covariates=["x"], n_bootstrap=10)
    assert result.population == "baseline"
    assert result.n == int(data["responded_b"].sum())
    with pytest.raises(AnalysisError, match="No randomised person"):
        ipw_itt(data.assign(x=np.nan), outcome="y", covariates=["x"], population="randomised",
                n_bootstrap=10)  # fmt: skip


def test_separation_and_bad_options_are_reported():
    data = synthetic_study(2)
    data["perfect"] = data["responded_r"].astype(float)
    with pytest.raises(AnalysisError, match="separates"):
        ipw_itt(data, outcome="y", covariates=["perfect"], n_bootstrap=10)
    with pytest.raises(InputError, match="trim_quantile"):
        ipw_itt(data, outcome="y", covariates=["x"], trim_quantile=1.5)
    with pytest.raises(InputError, match="n_bootstrap"):
        ipw_itt(data, outcome="y", covariates=["x"], n_bootstrap=0)
    with pytest.raises(InputError, match="population"):
        ipw_itt(data, outcome="y", covariates=["x"], population="all")
