"""Rates per stage, response-by-arm tests, attrition regression and the response table."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from impact.analysis.attrition import (
    attrition_rates,
    differential_attrition_regression,
    response_by_arm_test,
    response_by_covariate,
)
from impact.errors import AnalysisError, InputError

REFERENCE = Path(__file__).parent / "reference"
VALUES = json.loads((REFERENCE / "attrition_values.json").read_text())
COVARIATES = ["age", "education_level", "years_in_sweden", "gender"]


def reference_data() -> pd.DataFrame:
    data = pd.read_csv(REFERENCE / "attrition_data.csv")
    for column in ("arm", "stratum", "gender"):
        data[column] = data[column].astype("string")
    return data


def small_panel() -> pd.DataFrame:
    """10 treated, 10 control; baseline 8/6, follow-up 1 6/5, result 7/4."""

    def flags(k, n=10):
        return [True] * k + [False] * (n - k)

    return pd.DataFrame(
        {
            "arm": ["treatment"] * 10 + ["control"] * 10,
            "stratum": ["s"] * 20,
            "responded_b": flags(8) + flags(6),
            "responded_f1": flags(6) + flags(5),
            "responded_r": flags(7) + flags(4),
        }
    )


def test_rates_by_stage_by_hand():
    rates = attrition_rates(small_panel())
    table = rates.tidy().set_index("stage")
    assert list(table.index) == ["randomised", "b", "f1", "r"]
    assert table.loc["randomised", "attrition_overall"] == 0
    assert table.loc["b", "response_rate_treatment"] == pytest.approx(0.8)
    assert table.loc["b", "attrition_control"] == pytest.approx(0.4)
    assert table.loc["r", "attrition_overall"] == pytest.approx(9 / 20)
    assert table.loc["r", "differential_attrition"] == pytest.approx(0.3 - 0.6)
    assert table.loc["r", "abs_differential_attrition"] == pytest.approx(0.3)
    # since baseline: treated 7 of 8 baseline respondents answered the result, control 4 of 6
    assert table.loc["r", "attrition_since_baseline_treatment"] == pytest.approx(1 / 8)
    assert table.loc["r", "attrition_since_baseline_control"] == pytest.approx(2 / 6)
    assert np.isnan(table.loc["b", "attrition_since_baseline_overall"])
    long = rates.by_arm()
    assert set(long["arm"]) == {"treatment", "control", "overall"}
    assert "follow-up 1" in rates.summary()


def test_fisher_matches_r():
    result = response_by_arm_test(reference_data(), method="fisher")
    # Source: tests/reference/attrition.R, section 1 (fisher.test).
    assert result.p_value == pytest.approx(VALUES["fisher_p"], rel=1e-9)
    assert result.responded_treatment == 100
    assert result.responded_control == 84


def test_permutation_p_close_to_exact_hypergeometric():
    data = reference_data()
    result = response_by_arm_test(data, stratum_col=None, n_permutations=20_000, seed=3)
    # exact permutation distribution without strata: treated responders ~ hypergeometric
    n, n1, k = 300, 150, int(data["responded_r"].sum())
    support = np.arange(max(0, k - (n - n1)), min(k, n1) + 1)
    diffs = support / n1 - (k - support) / (n - n1)
    observed = 100 / 150 - 84 / 150
    exact = stats.hypergeom.pmf(support, n, k, n1)[np.abs(diffs) >= observed - 1e-12].sum()
    mc_se = np.sqrt(exact * (1 - exact) / 20_000)
    assert result.p_value == pytest.approx(exact, abs=4 * mc_se)
    assert not result.stratified


def test_stratified_permutation_is_seeded_and_respects_strata():
    data = reference_data()
    a = response_by_arm_test(data, n_permutations=2000, seed=11)
    b = response_by_arm_test(data, n_permutations=2000, seed=11)
    assert a.p_value == b.p_value and a.stratified
    assert 0 < a.p_value < 1
    with pytest.raises(InputError, match="stratum"):
        response_by_arm_test(data.drop(columns="stratum"))


def test_lpm_regression_matches_r():
    result = differential_attrition_regression(reference_data(), covariates=COVARIATES)
    # Source: tests/reference/attrition.R, section 2 (lm + sandwich HC2 + lmtest::waldtest).
    assert result.coefficients["estimate"].to_numpy() == pytest.approx(VALUES["lpm_coef"])
    assert result.coefficients["std_error"].to_numpy() == pytest.approx(VALUES["lpm_se"])
    tests = result.joint_tests.set_index("test")
    assert tests.loc["interactions", "statistic"] == pytest.approx(VALUES["lpm_interactions_F"])
    assert tests.loc["interactions", "p_value"] == pytest.approx(VALUES["lpm_interactions_p"])
    assert tests.loc["covariates", "statistic"] == pytest.approx(VALUES["lpm_covariates_F"])
    assert tests.loc["covariates", "p_value"] == pytest.approx(VALUES["lpm_covariates_p"])
    assert result.interaction_p_value == pytest.approx(VALUES["lpm_interactions_p"])
    assert result.population == "randomised" and result.n == 300
    assert result.coefficients["term"].tolist()[:2] == ["const", "arm"]
    assert "arm:gender[woman]" in result.coefficients["term"].tolist()


def test_logit_regression_matches_r():
    result = differential_attrition_regression(
        reference_data(), covariates=COVARIATES, model="logit"
    )
    # Source: tests/reference/attrition.R, section 3 (glm binomial, anova LRT).
    assert result.coefficients["estimate"].to_numpy() == pytest.approx(
        VALUES["logit_coef"], rel=1e-6
    )
    tests = result.joint_tests.set_index("test")
    assert tests.loc["interactions", "statistic"] == pytest.approx(
        VALUES["logit_interactions_LR"], rel=1e-6
    )
    assert tests.loc["interactions", "p_value"] == pytest.approx(
        VALUES["logit_interactions_p"], rel=1e-6
    )


def test_population_switches_to_baseline_when_covariates_missing():
    data = reference_data()
    data.loc[~data["responded_b"], ["age", "education_level"]] = np.nan
    result = differential_attrition_regression(data, covariates=COVARIATES)
    assert result.population == "baseline"
    assert result.n == int(data["responded_b"].sum())
    with pytest.raises(AnalysisError, match="same response"):
        differential_attrition_regression(data, covariates=["age"], stage="b")
    forced = differential_attrition_regression(
        data, covariates=["gender"], stage="b", population="randomised"
    )
    assert forced.n == 300


def test_response_by_covariate_counts():
    data = reference_data()
    table = response_by_covariate(data, covariates=["gender", "education_level", "age"]).tidy()
    women_t = table[
        (table["covariate"] == "gender")
        & (table["level"] == "woman")
        & (table["arm"] == "treatment")
    ].iloc[0]
    expected = data[(data["gender"] == "woman") & (data["arm"] == "treatment")]
    assert women_t["n"] == len(expected)
    assert women_t["n_responded"] == int(expected["responded_r"].sum())
    edu_levels = table.loc[table["covariate"] == "education_level", "level"].unique().tolist()
    assert edu_levels == ["1", "2", "3", "4", "5"]
    age_levels = table.loc[table["covariate"] == "age", "level"].unique()
    assert len(age_levels) == 4  # quartile bins
    overall = table[(table["covariate"] == "age") & (table["arm"] == "overall")]
    assert overall["n"].sum() == 300


def test_bad_inputs():
    data = small_panel()
    with pytest.raises(InputError, match="stage"):
        response_by_arm_test(data, stage="result")
    with pytest.raises(InputError, match="lacks columns"):
        response_by_arm_test(data, stage="f2")
    with pytest.raises(InputError, match="method"):
        response_by_arm_test(data, method="chi2")
    bad = data.assign(responded_r=["yes"] * 20)
    with pytest.raises(InputError, match="not boolean"):
        response_by_arm_test(bad)


def test_regression_needs_covariates_and_rejects_perfect_prediction():
    data = reference_data()
    with pytest.raises(InputError, match="covariate"):
        differential_attrition_regression(data, covariates=[])
    data["leak"] = data["responded_r"].astype(float)
    with pytest.raises(AnalysisError, match="perfectly"):
        differential_attrition_regression(data, covariates=["leak"])
