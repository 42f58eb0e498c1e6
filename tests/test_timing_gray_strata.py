"""Gray's test stratified (e.g. by the randomisation stratum) against R's
``cmprsk::cuminc(ftime, fstatus, group, strata = )`` (tests/reference/competing.R), and the
checks of the ``strata`` option."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from impact.analysis.timing.gray import gray_test
from impact.errors import InputError
from impact.timing import competing_risks, time_to_job

HERE = Path(__file__).parent / "reference"
TOL = 1e-6
COVARIATES = ["age", "education_level"]
STATES = ["job", "education", "left"]


@pytest.fixture(scope="module")
def ref():
    return json.loads((HERE / "competing_values.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def panel():
    data = pd.read_csv(HERE / "competing_data.csv")
    return data[data["arm"].notna()]  # R analyses the randomised people only


@pytest.mark.parametrize(
    ("by", "strata", "key"),
    [("arm", "site", "gray_arm_strata_site"), ("site", "arm", "gray_site_strata_arm")],
)
def test_stratified_gray_test_equals_cuminc_strata(panel, ref, by, strata, key):
    data = panel.assign(group_col=panel[by], stratum_col=panel[strata])
    res = competing_risks(data, group="group_col", covariates=COVARIATES, strata="stratum_col")
    expected = ref[key]
    got = res.gray.tidy().set_index("event").loc[expected["cause"]]
    np.testing.assert_allclose(got["statistic"], expected["stat"], rtol=TOL, atol=0)
    np.testing.assert_allclose(got["p_value"], expected["p"], rtol=TOL, atol=1e-12)
    np.testing.assert_array_equal(got["df"], expected["df"])
    assert (got["strata"] == "stratum_col").all()
    assert "stratified by stratum_col" in res.summary()


def test_one_stratum_is_the_unstratified_test(panel):
    plain = competing_risks(panel, covariates=COVARIATES)
    one = competing_risks(panel.assign(s="all"), covariates=COVARIATES, strata="s")
    cols = ["event", "statistic", "df", "p_value", "n"]
    pd.testing.assert_frame_equal(one.gray.tidy()[cols], plain.gray.tidy(), rtol=1e-13)
    assert "strata" not in plain.gray.tidy().columns
    assert plain.gray.strata is None and plain.settings["strata"] is None


def test_time_to_job_stratifies_gray_and_says_so(panel):
    res = time_to_job(panel, covariates=COVARIATES, strata="site")
    assert res.competing.gray.strata == "site"
    assert res.logrank.strata == "site"
    assert "Gray's test of the share with a job first, stratified by site" in res.sentence("en")
    assert "stratifierat efter site" in res.sentence("sv")
    plain = time_to_job(panel, covariates=COVARIATES)
    assert "stratified" not in plain.sentence("en")


def test_missing_strata_column_is_named(panel):
    with pytest.raises(InputError) as err:
        competing_risks(panel, covariates=COVARIATES, strata="no_such_stratum")
    assert "no_such_stratum" in " ".join(str(p) for p in err.value.problems)
    with pytest.raises(InputError) as err:
        time_to_job(panel, covariates=COVARIATES, strata="no_such_stratum")
    assert "no_such_stratum" in " ".join(str(p) for p in err.value.problems)


def test_missing_stratum_values_are_refused(panel):
    holes = panel.assign(stratum=panel["site"].where(panel.index % 7 != 0))
    with pytest.raises(InputError, match=r"strata column 'stratum': \d+ analysed people have no"):
        competing_risks(holes, covariates=COVARIATES, strata="stratum")


def test_gray_test_refuses_strata_of_the_wrong_length():
    events = pd.DataFrame(
        {"group": ["a", "b", "a", "b"], "time": [1.0, 2, 3, 4], "event_type": ["job"] * 4}
    )
    with pytest.raises(InputError, match="3 values for 4 analysed people"):
        gray_test(events, states=STATES, strata=pd.Series(["x", "y", "x"], name="stratum"))


def test_the_randomisation_stratum_is_named_in_words(panel):
    res = time_to_job(panel.assign(stratum=panel["site"]), covariates=COVARIATES, strata="stratum")
    assert "stratified by the randomisation stratum: p = " in res.sentence("en")
    assert "stratifierat efter randomiseringsstratum: p = " in res.sentence("sv")
