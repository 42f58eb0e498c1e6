"""Bad input gives a clear error or a documented fallback, never a crash or a silent NaN."""

import math

import numpy as np
import pandas as pd
import pytest

from impact.analysis.rct import (
    RctWarning,
    analyse_rct,
    balance,
    component_associations,
    heterogeneity,
    itt,
    randomisation_test,
)
from impact.errors import AnalysisError, InputError


def trial(n: int = 80, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    arm = np.where(np.arange(n) % 2 == 0, "treatment", "control")
    return pd.DataFrame(
        {
            "arm": arm,
            "stratum": np.where(np.arange(n) < n // 2, "R01", "R02"),
            "gender": np.where(rng.random(n) < 0.7, "woman", "man"),
            "age": rng.integers(20, 60, n).astype(float),
            "y": pd.array(rng.random(n) < 0.4, dtype="boolean"),
            "got_job": pd.array(rng.random(n) < 0.3, dtype="boolean"),
        }
    )


def test_one_arm_empty_is_an_analysis_error():
    data = trial()
    data["arm"] = "treatment"
    with pytest.raises(AnalysisError, match="'control' has no rows"):
        itt(data, ["y"])
    with pytest.raises(AnalysisError, match="no rows"):
        randomisation_test(data, ["y"], draws=10)


def test_invalid_arm_codes_name_row_and_value():
    data = trial()
    data.loc[3, "arm"] = "placebo"
    with pytest.raises(InputError, match="invalid value") as err:
        itt(data, ["y"])
    assert err.value.problems[0].row == 4
    assert err.value.problems[0].value == "placebo"


def test_missing_columns_and_bad_options():
    data = trial()
    with pytest.raises(InputError, match="not found"):
        itt(data, ["nope"])
    with pytest.raises(InputError, match="se_type"):
        itt(data, ["y"], se_type="HC9")
    with pytest.raises(InputError, match="adjustments"):
        itt(data, ["y"], adjustments=["fancy"])
    with pytest.raises(InputError, match="cluster"):
        itt(data, ["y"], se_type="stata")
    with pytest.raises(InputError, match="statistic"):
        randomisation_test(data, ["y"], statistic="rank")
    with pytest.raises(InputError, match="draws"):
        randomisation_test(data, ["y"], draws=0)
    with pytest.raises(InputError, match="lang"):
        analyse_rct(data, outcomes=["y"], lang="de")
    with pytest.raises(InputError, match="confidence_level"):
        itt(data, ["y"], confidence_level=95)


def test_non_binary_outcome_is_rejected():
    data = trial()
    data["score"] = np.arange(len(data), dtype=float)
    with pytest.raises(InputError, match="not binary"):
        itt(data, ["score"])


def test_constant_outcome_gives_missing_estimates_with_note():
    data = trial()
    data["y"] = pd.array([True] * len(data), dtype="boolean")
    with pytest.warns(RctWarning, match="one value"):
        res = itt(data, ["y"], covariates=["age"]).tidy()
    assert res["estimate"].isna().all()
    assert res["note"].str.contains("no test possible").all()
    with pytest.warns(RctWarning):
        ri = randomisation_test(data, ["y"], draws=100, seed=1).tidy()
    assert math.isnan(ri["p_value"].iloc[0]) and ri["note"].iloc[0]


def test_outcome_missing_for_a_whole_arm_gives_note():
    data = trial()
    data.loc[data["arm"] == "control", "y"] = pd.NA
    with pytest.warns(RctWarning, match="arm has no analysed rows"):
        res = itt(data, ["y"]).tidy()
    assert res["estimate"].isna().all()


def test_constant_covariate_is_dropped_with_warning():
    data = trial()
    data["country"] = "SE"
    with pytest.warns(RctWarning, match="'country' has one value"):
        res = itt(data, ["y"], covariates=["age", "country"], adjustments=["additive"])
    row = res.estimate("y", "additive")
    assert np.isfinite(row["estimate"])
    assert "country" not in row["adjusted_for"]
    assert "one value" in row["note"]


def test_covariate_missing_for_everyone_is_left_out_with_a_note():
    data = trial()
    data["years_in_sweden"] = pd.array([pd.NA] * len(data), dtype="Float64")
    covariates = ["gender", "age", "years_in_sweden"]
    with pytest.warns(RctWarning, match="'years_in_sweden' is missing for every row"):
        res = balance(data, covariates)
    reference = balance(data, ["gender", "age"])
    joint, expected = res.joint.iloc[0], reference.joint.iloc[0]
    assert joint["n"] == expected["n"] == len(data)
    assert joint["n_covariates"] == expected["n_covariates"] == 2
    assert joint["f_statistic"] == pytest.approx(expected["f_statistic"])
    assert joint["p_value_hc2"] == pytest.approx(expected["p_value_hc2"])
    assert "'years_in_sweden' is missing for every row; left out" in joint["note"]
    # the whole analysis goes through: the adjusted models drop the covariate too
    with pytest.warns(RctWarning, match="years_in_sweden"):
        result = analyse_rct(data, outcomes=["y"], covariates=covariates, subgroups=(),
                             ri_draws=20, seed=1)  # fmt: skip
    row = result.itt.estimate("y", "additive")
    assert np.isfinite(row["estimate"])
    assert "years_in_sweden" not in row["adjusted_for"]
    assert "years_in_sweden" in row["note"]


def test_joint_balance_without_a_complete_row_is_not_possible():
    data = trial()
    data.loc[data.index % 2 == 0, "age"] = np.nan
    data["score"] = np.where(data.index % 2 == 0, 1.0, np.nan)
    res = balance(data, ["age", "score"])
    joint = res.joint.iloc[0]
    assert joint["n"] == 0
    assert joint["n_covariates"] == 0
    assert math.isnan(joint["p_value"])
    assert "no row has every covariate; joint test not possible" in joint["note"]


def test_drop_collinear_without_rows_is_an_analysis_error():
    from impact.analysis.rct.design import drop_collinear

    empty = pd.DataFrame({"(Intercept)": pd.Series([], dtype=float), "x": []})
    with pytest.raises(AnalysisError, match="'\\(Intercept\\)' is constant"):
        drop_collinear(empty, 1)


def test_collinear_covariate_is_dropped_with_warning():
    data = trial()
    data["age_months"] = data["age"] * 12
    with pytest.warns(RctWarning, match="collinear"):
        res = itt(data, ["y"], covariates=["age", "age_months"], adjustments=["additive"])
    reference = itt(data, ["y"], covariates=["age"], adjustments=["additive"])
    assert res.estimate("y", "additive")["estimate"] == pytest.approx(
        reference.estimate("y", "additive")["estimate"]
    )


def test_missing_covariate_values_are_mean_imputed_with_indicator():
    data = trial()
    data.loc[[1, 2, 5], "age"] = np.nan
    res = itt(data, ["y"], covariates=["age"], adjustments=["additive"], logit=False)
    row = res.estimate("y", "additive")
    assert "age[missing]" in row["adjusted_for"]
    assert "replaced by the mean" in row["note"]
    manual = data.copy()
    manual["age_missing"] = manual["age"].isna().astype(float)
    manual["age"] = manual["age"].fillna(manual["age"].mean())
    ref = itt(
        manual, ["y"], covariates=["age", "age_missing"], adjustments=["additive"], logit=False
    )
    assert row["estimate"] == pytest.approx(ref.estimate("y", "additive")["estimate"])


def test_perfect_separation_gives_na_logit_with_note():
    data = trial()
    data["y"] = pd.array(data["arm"] == "treatment", dtype="boolean")
    data.loc[0, "y"] = False  # the LPM still has residual variation
    res = itt(data, ["y"], covariates=["age"])
    logit_row = res.estimate("y", "logit_ame")
    assert math.isnan(logit_row["estimate"])
    assert "separation" in logit_row["note"]
    assert np.isfinite(res.estimate("y", "unadjusted")["estimate"])


def test_heterogeneity_with_one_usable_level_explains_why():
    data = trial()
    data["gender"] = "woman"
    data.loc[0, "gender"] = "man"
    with pytest.warns(RctWarning, match="fewer than two subgroup levels"):
        res = heterogeneity(data, ["y"], "gender")
    assert res.tidy().empty
    assert "left out" in res.tests["note"].iloc[0]
    data["many"] = np.arange(len(data))
    with pytest.raises(InputError, match="distinct values"):
        heterogeneity(data, ["y"], "many")


def test_component_checks():
    data = trial()
    with pytest.raises(InputError, match="both outcome and component"):
        component_associations(data, ["got_job"], outcome="got_job")
    data["never"] = pd.array([False] * len(data), dtype="boolean")
    with pytest.warns(RctWarning, match="one value"):
        res = component_associations(data, ["never", "y"]).tidy().set_index("component")
    assert math.isnan(res.loc["never", "estimate"])
    assert np.isfinite(res.loc["y", "estimate"])
    assert math.isnan(res.loc["never", "holm_p"])


def test_balance_needs_covariates_and_mask_length():
    data = trial()
    with pytest.raises(InputError, match="at least one covariate"):
        balance(data, [])
    with pytest.raises(InputError, match="expected one per row"):
        balance(data, ["age"], analysed=np.ones(3, dtype=bool))


def test_exact_enumeration_limit_is_explained():
    data = trial(n=200)
    with pytest.raises(InputError, match="monte_carlo"):
        randomisation_test(data, ["y"], method="exact")
