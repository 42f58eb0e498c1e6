"""CR2 and the CACE against independent reference values from R (tests/reference/cace.R).

Every number compared here was computed by ``Rscript tests/reference/cace.R`` (estimatr
``lm_robust``/``lm_lin``/``iv_robust``, clubSandwich ``coef_test``, and Abadie's κ written in
base R) and committed to ``tests/reference/cace_values.json``; R is not needed to run them.
"""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from impact.analysis.rct import analyse_rct, cace, component_associations, heterogeneity, itt

REF_DIR = Path(__file__).parent / "reference"
REF = json.loads((REF_DIR / "cace_values.json").read_text())
COVARIATES = ["age", "education_level", "gender"]
OUTCOMES = ["got_job", "improved_cv"]
INFERENCE = ("std_error", "statistic", "df", "p_value", "conf_low", "conf_high")
TOL = 1e-6


def load(name: str) -> pd.DataFrame:
    data = pd.read_csv(REF_DIR / f"cace_{name}.csv")
    for col in OUTCOMES:
        data[col] = data[col].astype("boolean")
    return data


@pytest.fixture(scope="module", params=["clustered", "few"])
def clustered_itt(request):
    res = itt(load(request.param), OUTCOMES, covariates=COVARIATES, cluster="coach", logit=False)
    return request.param, res.tidy()


@pytest.mark.parametrize("outcome", OUTCOMES)
@pytest.mark.parametrize("spec", ["unadjusted", "additive", "lin"])
def test_itt_cr2_matches_estimatr(clustered_itt, outcome, spec):
    # Source: estimatr::lm_robust / lm_lin (se_type = "CR2", clusters = coach), cace.R
    name, table = clustered_itt
    ref = REF["itt_cr2"][name][outcome]
    row = table[(table.outcome == outcome) & (table.specification == spec)].iloc[0]
    assert row["se_type"] == "CR2"
    assert row["estimate"] == pytest.approx(ref[spec]["estimate"], abs=1e-9)
    for key in INFERENCE:
        assert row[key] == pytest.approx(ref[spec][key], abs=TOL), key
    assert row["n"] == ref["n"]


@pytest.mark.parametrize("outcome", OUTCOMES)
def test_itt_cr2_matches_clubsandwich(clustered_itt, outcome):
    # Source: clubSandwich::coef_test(vcov = "CR2", test = "Satterthwaite"), cace.R
    name, table = clustered_itt
    ref = REF["itt_cr2"][name][outcome]["club_additive"]
    row = table[(table.outcome == outcome) & (table.specification == "additive")].iloc[0]
    for key in ("std_error", "df", "p_value"):
        assert row[key] == pytest.approx(ref[key], abs=TOL), key


CASES = {
    "individual_two_sided": ("individual", "started", None),
    "individual_one_sided": ("individual", "started_one", None),
    "clustered": ("clustered", "started", "coach"),
    "few": ("few", "started", "coach"),
}


@pytest.fixture(scope="module", params=list(CASES))
def cace_case(request):
    name, take_up, cluster = CASES[request.param]
    res = cace(
        load(name), outcomes=OUTCOMES, take_up=take_up, covariates=COVARIATES, cluster=cluster
    )
    return request.param, res


@pytest.mark.parametrize("outcome", OUTCOMES)
def test_cace_matches_iv_robust(cace_case, outcome):
    # Source: estimatr::iv_robust(y ~ d + X | z + X, se_type HC2 / CR2, diagnostics = TRUE)
    case, res = cace_case
    ref = REF["cace"][case][outcome]
    row = res.tidy().set_index("outcome").loc[outcome]
    assert row["se_type"] == ("CR2" if CASES[case][2] else "HC2")
    for key in ("estimate", "complier_share", "itt_estimate"):
        assert row[key] == pytest.approx(ref[key], abs=1e-9), key
    for key in (*INFERENCE, "first_stage_f"):
        assert row[key] == pytest.approx(ref[key], rel=TOL, abs=TOL), key
    assert row["n"] == ref["n"]
    assert row["itt_estimate"] == pytest.approx(row["estimate"] * row["complier_share"], abs=1e-9)


@pytest.mark.parametrize("case", ["individual_two_sided", "individual_one_sided", "clustered"])
def test_complier_means_match_kappa_in_r(case):
    # Source: Abadie's kappa in base R from the formula, cace.R
    name, take_up, cluster = CASES[case]
    res = cace(load(name), outcomes=["got_job"], take_up=take_up, covariates=COVARIATES,
               cluster=cluster)  # fmt: skip
    table = res.compliers.assign(
        key=lambda t: np.where(t["level"] == "", t["covariate"], t["covariate"] + "=" + t["level"])
    ).set_index("key")
    ref = REF["compliers"][case]
    assert sorted(table.index) == sorted(ref)
    for cov, values in ref.items():
        for key, value in values.items():
            if value is None:
                assert np.isnan(table.loc[cov, key]), (cov, key)
            else:
                assert table.loc[cov, key] == pytest.approx(value, abs=1e-9), (cov, key)


@pytest.mark.parametrize("name", ["clustered", "few"])
@pytest.mark.parametrize("outcome", OUTCOMES)
def test_cace_itt_beside_is_the_additive_itt(name, outcome):
    # the reduced form of the CACE model is the additive ITT (lm_robust CR2, cace.R)
    res = cace(load(name), outcomes=OUTCOMES, covariates=COVARIATES, cluster="coach")
    row = res.tidy().set_index("outcome").loc[outcome]
    ref = REF["itt_cr2"][name][outcome]["additive"]
    for key in ("estimate", "std_error", "p_value", "conf_low", "conf_high"):
        assert row[f"itt_{key}"] == pytest.approx(ref[key], abs=TOL), key


@pytest.mark.parametrize("name", ["clustered", "few"])
def test_components_cr2_matches_estimatr(name):
    # Source: estimatr::lm_robust(got_job ~ improved_cv + z + X, se_type = "CR2"), cace.R
    res = component_associations(
        load(name), ["improved_cv"], covariates=COVARIATES, cluster="coach", logit=False
    )
    row = res.tidy().iloc[0]
    ref = REF["components_cr2"][name]
    assert row["estimate"] == pytest.approx(ref["estimate"], abs=1e-9)
    for key in ("std_error", "df", "p_value", "conf_low", "conf_high"):
        assert row[key] == pytest.approx(ref[key], abs=TOL), key
    assert row["n"] == ref["n"]


def test_analyse_rct_with_a_cluster_uses_cr2_everywhere_it_can():
    # ITT, CACE, components and heterogeneity with CR2 (estimatr / clubSandwich, cace.R)
    res = analyse_rct(
        load("clustered"), outcomes=["got_job"], covariates=COVARIATES, cluster="coach",
        components=["improved_cv"], subgroups=("gender",), take_up="started", ri_draws=10,
    )  # fmt: skip
    assert res.settings["se_type"] == "CR2" and res.settings["take_up"] == "started"
    itt_row = res.itt.estimate("got_job", "additive")
    assert itt_row["std_error"] == pytest.approx(
        REF["itt_cr2"]["clustered"]["got_job"]["additive"]["std_error"], abs=TOL
    )
    cace_row = res.cace.tidy().iloc[0]
    assert cace_row["df"] == pytest.approx(REF["cace"]["clustered"]["got_job"]["df"], abs=TOL)
    comp = res.components.tidy().iloc[0]
    assert comp["std_error"] == pytest.approx(REF["components_cr2"]["clustered"]["std_error"])
    assert res.heterogeneity["gender"].se_type == "CR2"
    assert res.randomisation is None


@pytest.mark.parametrize("name", ["clustered", "few"])
@pytest.mark.parametrize("by", ["gender", "edu_group"])
def test_heterogeneity_cr2_matches_clubsandwich(name, by):
    # Source: clubSandwich coef_test (CR2, Satterthwaite) and Wald_test (HTZ), cace.R
    data = load(name)
    edu = data["education_level"]
    data["edu_group"] = np.where(edu <= 2, "low", np.where(edu == 3, "mid", "high"))
    covariates = ["age", "education_level"] if by == "gender" else ["age", "gender"]
    res = heterogeneity(data, ["got_job"], by, covariates=covariates, cluster="coach")
    ref = REF["heterogeneity_cr2"][name][by]
    rows = res.tidy().set_index("level").loc[ref["levels"]]
    for key in ("estimate", "std_error", "df", "p_value"):
        np.testing.assert_allclose(rows[key].to_numpy(), ref[key], rtol=0, atol=TOL)
    test = res.tests.iloc[0]
    for key, ref_key in (("f_statistic", "f_statistic"), ("df_num", "df_num"),
                         ("df_denom", "df_denom"), ("p_value", "test_p")):  # fmt: skip
        assert test[key] == pytest.approx(ref[ref_key], abs=TOL), key
