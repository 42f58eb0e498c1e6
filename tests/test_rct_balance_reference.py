"""Balance table (iebaltab-style tests) against estimatr/sandwich: tests/reference/balance.R."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from impact.rct import balance

HERE = Path(__file__).parent / "reference"
REF = json.loads((HERE / "balance_values.json").read_text())
COVARIATES = ["gender", "age", "years_in_sweden", "employed_before"]
TOL = 1e-6
SAMPLES = {k: REF[k] for k in ("randomised", "analysed")}


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    d = pd.read_csv(HERE / "balance_data.csv")
    d["employed_before"] = d["employed_before"].astype(bool)
    d["started"] = d["started"].astype("boolean")
    d["got_job"] = d["got_job"].map({True: True, False: False, "True": True, "False": False})
    d["got_job"] = d["got_job"].astype("boolean")
    return d


@pytest.fixture(scope="module")
def draws() -> np.ndarray:
    return pd.read_csv(HERE / "balance_draws.csv").to_numpy().T


def _row(table: pd.DataFrame, sample: str, key: str) -> pd.Series:
    cov, _, level = key.partition("[")
    level = level.rstrip("]")
    hit = table[(table["sample"] == sample) & (table["covariate"] == cov)]
    return hit[hit["level"] == level].iloc[0]


ROW_FIELDS = (
    "n_treatment", "n_control", "mean_treatment", "mean_control", "sd_treatment",
    "sd_control", "smd", "p_value", "difference", "difference_se", "difference_df",
    "difference_p",
)  # fmt: skip


def test_rows_match_estimatr_hc2(data, draws):
    result = balance(data, COVARIATES, analysed="got_job", assignments=draws)
    table = result.tidy()
    for sample, ref in SAMPLES.items():
        for key, expected in ref["rows"].items():
            row = _row(table, sample, key)
            for field in ROW_FIELDS:
                assert row[field] == pytest.approx(expected[field], abs=TOL, rel=TOL), (
                    sample, key, field,
                )  # fmt: skip
            assert row["se_type"] == "HC2"


def test_rows_match_estimatr_cluster_stata(data):
    table = balance(data, COVARIATES, analysed="got_job", cluster="cluster", se_type="stata").tidy()
    for sample, ref in SAMPLES.items():
        for key, expected in ref["rows"].items():
            row = _row(table, sample, key)
            for field in ("difference", "difference_se", "difference_df", "difference_p"):
                assert row[field] == pytest.approx(
                    expected[f"{field}_cluster"], abs=TOL, rel=TOL
                ), (sample, key, field)
            assert row["se_type"] == "stata"


def test_omnibus_f_and_randomisation_p(data, draws):
    joint = balance(data, COVARIATES, analysed="got_job", assignments=draws).joint
    for sample, ref in SAMPLES.items():
        row = joint[joint["sample"] == sample].iloc[0]
        exp = ref["joint"]
        for field in ("n", "n_covariates", "f_statistic", "df_num", "df_denom", "p_value",
                      "f_statistic_hc2", "p_value_hc2", "ri_p"):  # fmt: skip
            assert row[field] == pytest.approx(exp[field], abs=TOL, rel=TOL), (sample, field)
        assert row["wald_f"] == pytest.approx(exp["f_statistic_hc2"], rel=TOL)
        assert row["wald_p"] == pytest.approx(exp["p_value_hc2"], abs=TOL)
        assert row["ri_draws"] == len(exp["ri_statistics"])


def test_omnibus_cluster_robust(data):
    joint = balance(
        data, COVARIATES, analysed="got_job", cluster="cluster", se_type="stata", ri_draws=50
    ).joint
    for sample, ref in SAMPLES.items():
        row = joint[joint["sample"] == sample].iloc[0]
        exp = ref["joint"]
        assert row["wald_f"] == pytest.approx(exp["f_statistic_cluster"], rel=TOL)
        assert row["wald_df_denom"] == exp["df_denom_cluster"]
        assert row["wald_p"] == pytest.approx(exp["p_value_cluster"], abs=TOL)
        assert row["wald_se_type"] == "stata"
        assert np.isnan(row["ri_p"]) and "randomisation test skipped" in row["note"]


def test_cluster_default_is_cr2_as_estimatr_and_clubsandwich(data):
    """With a cluster and no se_type: CR2 per covariate (lm_robust) and the HTZ joint test."""
    result = balance(data, COVARIATES, analysed="got_job", cluster="cluster")
    table = result.tidy()
    for sample, ref in SAMPLES.items():
        for key, expected in ref["rows"].items():
            row = _row(table, sample, key)
            for field in ("difference", "difference_se", "difference_df", "difference_p"):
                assert row[field] == pytest.approx(expected[f"{field}_cr2"], abs=TOL, rel=TOL), (
                    sample,
                    key,
                    field,
                )
            assert row["se_type"] == "CR2"
        row = result.joint[result.joint["sample"] == sample].iloc[0]
        exp = ref["joint"]
        assert row["wald_f"] == pytest.approx(exp["f_statistic_cr2"], rel=TOL)
        assert row["wald_df_denom"] == pytest.approx(exp["df_denom_cr2"], rel=TOL)
        assert row["wald_p"] == pytest.approx(exp["p_value_cr2"], abs=TOL)
        assert row["wald_se_type"] == "CR2"


def test_complier_means_by_kappa_weights(data):
    data = data.assign(started=data["started"].astype("boolean"))
    result = balance(data, COVARIATES, analysed="got_job", take_up="started")
    table = result.tidy()
    for key, expected in REF["compliers"]["rows"].items():
        row = _row(table, "compliers", key)
        for field in ROW_FIELDS[:7]:
            assert row[field] == pytest.approx(expected[field], abs=TOL, rel=TOL), (key, field)
        assert np.isnan(row["difference_p"]) and row["test"] == "complier_kappa"
    joint = result.joint.set_index("sample")
    assert np.isnan(joint.loc["compliers", "wald_f"])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"se_type": "stata"}, "do not fit together"),
        ({"cluster": "cluster", "se_type": "HC2"}, "do not fit together"),
        ({"cluster": "no_such_column"}, "not found"),
        ({"assignments": np.zeros((3, 5))}, "one column per row"),
        ({"take_up": "gender"}, "not boolean"),
    ],
)
def test_bad_requests_are_input_errors(data, kwargs, message):
    from impact.errors import InputError

    with pytest.raises(InputError, match=message):
        balance(data, COVARIATES, **kwargs)


def test_analyse_rct_writes_balance_with_compliers_and_love_plot(data, tmp_path):
    import warnings

    from impact.rct import analyse_rct
    from impact.report import write_rct_bundle

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = analyse_rct(
            data, outcomes=["got_job"], covariates=COVARIATES, subgroups=(), ri_draws=200,
            seed=1,
        )  # fmt: skip
    table = result.balance.tidy()
    assert set(table["sample"]) == {"randomised", "analysed", "compliers"}
    assert (table.loc[table["sample"] != "compliers", "se_type"] == "HC2").all()
    joint = result.balance.joint.set_index("sample")
    assert joint.loc["randomised", "ri_draws"] == 200
    out = result.write(tmp_path / "rct", formats=("svg",))
    assert (out / "balance_en.svg").is_file()
    bundle = write_rct_bundle(
        tmp_path / "bundle", rct=result, study={"name": "test", "organisation": "test"},
        provenance={"version": "test"},
    )  # fmt: skip
    content = json.loads((bundle / "results.json").read_text())
    assert content["data"]["balance_samples"] == ["randomised", "analysed", "compliers"]
    assert "balance.randomised.joint_ri_p" in content["numbers"]
    assert "balance" in content["figures"]
