"""RCT estimators against independent reference values from R (tests/reference/rct.R).

Every number compared here was computed by ``Rscript tests/reference/rct.R`` (estimatr
``lm_robust``/``lm_lin``, ``glm``, ``fisher.test``, ``t.test``, ``chisq.test``, ``anova``,
``p.adjust`` and an exact enumeration of assignments) and committed to
``tests/reference/rct_values.json``; R is not needed to run these tests.
"""

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from impact.analysis.rct import (
    adjust_pvalues,
    balance,
    component_associations,
    fisher_tests,
    heterogeneity,
    itt,
    randomisation_test,
)

REF_DIR = Path(__file__).parent / "reference"
REF = json.loads((REF_DIR / "rct_values.json").read_text())
OUTCOMES = ["got_job", "job_or_steps", "expanded_network", "improved_cv", "got_internship"]
COVARIATES = ["gender", "age", "education_level", "years_in_sweden"]
TOL = 1e-6


def load_data() -> pd.DataFrame:
    data = pd.read_csv(REF_DIR / "rct_data.csv")
    for col in ["got_job", "took_steps", *OUTCOMES]:
        data[col] = data[col].astype("boolean")
    return data


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return load_data()


@pytest.fixture(scope="module")
def effects(data):
    return itt(data, OUTCOMES, covariates=COVARIATES, strata="stratum").tidy()


@pytest.mark.parametrize("outcome", OUTCOMES)
@pytest.mark.parametrize("spec", ["unadjusted", "additive", "lin"])
def test_itt_matches_estimatr_hc2(effects, outcome, spec):
    # Source: estimatr::lm_robust(se_type="HC2") and estimatr::lm_lin (rct.R, "itt")
    ref = REF["itt"][outcome][spec]
    row = effects[(effects.outcome == outcome) & (effects.specification == spec)].iloc[0]
    for key in ("estimate", "std_error", "statistic", "df", "p_value", "conf_low", "conf_high"):
        assert row[key] == pytest.approx(ref[key], abs=TOL), key
    assert row["n"] == REF["itt"][outcome]["n"]
    assert row["control_mean"] == pytest.approx(REF["itt"][outcome]["control_mean"], abs=1e-12)
    assert row["estimate_pp"] == pytest.approx(100 * ref["estimate"], abs=1e-4)


@pytest.mark.parametrize("outcome", ["got_job", "job_or_steps", "expanded_network", "improved_cv"])
def test_logit_ame_matches_r_delta_method(effects, outcome):
    # Source: glm(binomial) in R, AME = mean(p1 - p0), delta-method SE by hand (rct.R)
    ref = REF["itt"][outcome]["logit_ame"]
    row = effects[(effects.outcome == outcome) & (effects.specification == "logit_ame")].iloc[0]
    assert row["estimate"] == pytest.approx(ref["estimate"], abs=TOL)
    assert row["std_error"] == pytest.approx(ref["std_error"], abs=TOL)


def test_logit_ame_is_missing_with_note_under_quasi_separation(effects):
    # all internships in the reference data are among women: R's glm warns "fitted
    # probabilities numerically 0 or 1"; the documented fallback reports NA with a note
    row = effects[(effects.outcome == "got_internship") & (effects.specification == "logit_ame")]
    assert math.isnan(row["estimate"].iloc[0])
    assert "separation" in row["note"].iloc[0]


@pytest.mark.parametrize("se_type", ["HC0", "HC1", "HC3"])
def test_other_hc_types_match_estimatr(data, se_type):
    # Source: lm_robust(y ~ z + stratum + covariates, se_type=...) (rct.R, "se_types")
    ref = REF["se_types"][se_type]
    row = itt(
        data,
        ["got_job"],
        covariates=COVARIATES,
        adjustments=["additive"],
        se_type=se_type,
        logit=False,
    ).estimate("got_job", "additive")
    for key in ("estimate", "std_error", "df", "p_value", "conf_low", "conf_high"):
        assert row[key] == pytest.approx(ref[key], abs=TOL), key


def test_cluster_cr1_matches_estimatr_stata(data):
    # Source: lm_robust(..., clusters = mentor_group, se_type = "stata") (rct.R)
    ref = REF["se_types"]["stata"]
    row = itt(
        data,
        ["got_job"],
        covariates=COVARIATES,
        adjustments=["additive"],
        se_type="stata",
        cluster="mentor_group",
        logit=False,
    ).estimate("got_job", "additive")
    for key in ("estimate", "std_error", "df", "p_value", "conf_low", "conf_high"):
        assert row[key] == pytest.approx(ref[key], abs=TOL), key


def test_no_strata_difference_in_means(data):
    # Source: lm_robust(y ~ z, se_type = "HC2") (rct.R, "HC2_no_strata")
    ref = REF["se_types"]["HC2_no_strata"]
    row = itt(data, ["got_job"], strata=None, logit=False).estimate("got_job")
    for key in ("estimate", "std_error", "df", "p_value", "conf_low", "conf_high"):
        assert row[key] == pytest.approx(ref[key], abs=TOL), key


def test_fisher_matches_fisher_test(data):
    # Source: fisher.test(table(z, y))$p.value (rct.R)
    table = fisher_tests(data, OUTCOMES).tidy().set_index("outcome")
    for outcome in OUTCOMES:
        assert table.loc[outcome, "p_value"] == pytest.approx(
            REF["itt"][outcome]["fisher_p"], abs=1e-9
        )


@pytest.mark.parametrize("sample", ["randomised", "analysed"])
def test_balance_matches_r(data, sample):
    # Source: means, sd-pooled SMD, t.test (Welch), chisq.test(correct=FALSE), anova F (rct.R)
    ref = REF["balance"][sample]
    res = balance(data, COVARIATES, analysed="got_job")
    rows = res.tidy()
    rows = rows[rows["sample"] == sample]
    for cov in ("age", "education_level", "years_in_sweden"):
        r = rows[rows.covariate == cov].iloc[0]
        for key in ("mean_treatment", "mean_control", "smd", "p_value"):
            assert r[key] == pytest.approx(ref[cov][key], abs=TOL), (cov, key)
    woman = rows[(rows.covariate == "gender") & (rows.level == "woman")].iloc[0]
    for key in ("mean_treatment", "mean_control", "smd"):
        assert woman[key] == pytest.approx(ref["gender[woman]"][key], abs=TOL)
    assert woman["p_value"] == pytest.approx(ref["gender_p"], abs=TOL)
    joint = res.joint.set_index("sample").loc[sample]
    assert joint["f_statistic"] == pytest.approx(ref["joint"]["f"], abs=TOL)
    assert joint["df_num"] == ref["joint"]["df1"]
    assert joint["df_denom"] == ref["joint"]["df2"]
    assert joint["p_value"] == pytest.approx(ref["joint"]["p_value"], abs=TOL)
    assert joint["n"] == ref["joint"]["n"]


def test_heterogeneity_by_gender_matches_interaction_model(data):
    # Source: lm_robust(y ~ z * gender + stratum + covariates, HC2); woman effect = z + z:gender
    ref = REF["heterogeneity"]
    res = heterogeneity(data, ["got_job"], "gender", covariates=COVARIATES)
    rows = res.tidy().set_index("level")
    for level in ("man", "woman"):
        assert rows.loc[level, "estimate"] == pytest.approx(ref[level]["estimate"], abs=TOL)
        assert rows.loc[level, "std_error"] == pytest.approx(ref[level]["std_error"], abs=TOL)
        assert rows.loc[level, "df"] == ref["df"]
    assert res.tests["p_value"].iloc[0] == pytest.approx(ref["interaction_p"], abs=TOL)


def test_component_associations_match_estimatr(data):
    # Source: lm_robust(got_job ~ component + z + stratum + covariates, HC2) (rct.R)
    comps = ["expanded_network", "improved_cv", "got_internship"]
    res = component_associations(data, comps, covariates=COVARIATES).tidy().set_index("component")
    for comp in comps:
        ref = REF["components"][comp]
        for key in ("estimate", "std_error", "df", "p_value", "conf_low", "conf_high"):
            assert res.loc[comp, key] == pytest.approx(ref[key], abs=TOL), (comp, key)
    expected_holm = adjust_pvalues(res["p_value"]).tidy()["holm_p"].to_numpy()
    np.testing.assert_allclose(res["holm_p"].to_numpy(), expected_holm)


def test_adjust_pvalues_matches_p_adjust():
    # Source: p.adjust(p, "holm") and p.adjust(p, "BH") in R (rct.R, "p_adjust")
    ref = REF["p_adjust"]
    res = adjust_pvalues(dict(zip("abcde", ref["p"], strict=True))).tidy()
    np.testing.assert_allclose(res["holm_p"], ref["holm"], atol=1e-12)
    np.testing.assert_allclose(res["fdr_bh_p"], ref["BH"], atol=1e-12)


def small_data() -> pd.DataFrame:
    small = pd.read_csv(REF_DIR / "rct_small.csv")
    small["y"] = small["y"].astype("boolean")
    return small


@pytest.mark.parametrize("adjusted", [False, True])
@pytest.mark.parametrize("statistic", ["coefficient", "studentised"])
def test_exact_randomisation_inference_matches_r_enumeration(adjusted, statistic):
    # Source: all C(6,3)^2 = 400 within-stratum assignments enumerated in R with lm_robust
    ref = REF["exact_ri"]["adjusted" if adjusted else "unadjusted"]
    res = randomisation_test(
        small_data(), ["y"], covariates=["x"] if adjusted else (), statistic=statistic, draws=10_000
    )
    row = res.tidy().iloc[0]
    assert row["method"] == "exact"
    assert row["draws"] == ref["n_assignments"]
    assert row["p_value"] == pytest.approx(ref[f"{statistic}_p"], abs=1e-12)
    observed = ref["observed_t"] if statistic == "studentised" else ref["observed_coefficient"]
    assert row["observed"] == pytest.approx(observed, abs=TOL)


@pytest.mark.parametrize("statistic", ["coefficient", "studentised"])
def test_monte_carlo_ri_agrees_with_exact_within_mc_error(statistic):
    # Same reference; random draws must land within 4 Monte Carlo SEs of the exact p-value
    ref = REF["exact_ri"]["adjusted"][f"{statistic}_p"]
    res = randomisation_test(
        small_data(),
        ["y"],
        covariates=["x"],
        statistic=statistic,
        draws=20_000,
        method="monte_carlo",
        seed=11,
    )
    row = res.tidy().iloc[0]
    mc_se = math.sqrt(ref * (1 - ref) / 20_000)
    assert abs(row["p_value"] - ref) < 4 * mc_se + 1 / 20_001
