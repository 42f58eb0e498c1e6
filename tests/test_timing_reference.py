"""Time to job against R: survival::survfit, survdiff, coxph and glm + sandwich::vcovCL.

Reference values: tests/reference/timing_values.json, written by tests/reference/timing.R
(R 4.2, survival 3.5) from tests/reference/timing_data.csv. R rebuilds the event times itself
from the wave columns, so the per-person times are checked too.
"""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from impact.analysis.timing import hazard_models, job_times, kaplan_meier, logrank, time_to_job

HERE = Path(__file__).parent / "reference"
VALUES = json.loads((HERE / "timing_values.json").read_text())
COVARIATES = ["age", "education_level", "years_in_sweden"]


def load_panel() -> pd.DataFrame:
    return pd.read_csv(HERE / "timing_data.csv")


@pytest.fixture(scope="module", params=["reported", "right"])
def case(request):
    panel = load_panel()
    persons = job_times(panel, imputation=request.param)
    persons.index = panel.index
    return request.param, panel, persons


def test_event_times_match_r(case):
    imputation, _, persons = case
    ref = VALUES[imputation]
    used = persons[persons["included"]].set_index("person_id")
    assert len(used) == ref["n"]
    got = used.loc[ref["person_id"]]
    np.testing.assert_allclose(got["time"], ref["time"])
    np.testing.assert_array_equal(got["event"], ref["event"])


@pytest.mark.parametrize("conf_type", ["log", "log-log", "plain"])
def test_kaplan_meier_matches_survfit(case, conf_type):
    imputation, _, persons = case
    ref = VALUES[imputation]["km"][conf_type]
    curves = kaplan_meier(persons, conf_type=conf_type).tidy()
    assert list(curves["group"]) == ref["group"]
    np.testing.assert_allclose(curves["time"], ref["time"])
    for column in ("n_risk", "n_events", "n_censored"):
        np.testing.assert_array_equal(curves[column], ref[column])
    for column in ("survival", "std_error", "ci_lower", "ci_upper"):
        np.testing.assert_allclose(curves[column], ref[column], rtol=1e-9, atol=1e-12)


def test_logrank_matches_survdiff(case):
    imputation, _, persons = case
    ref = VALUES[imputation]["logrank"]
    test = logrank(persons)
    assert list(test.groups["group"]) == ref["groups"]
    assert test.statistic == pytest.approx(ref["chisq"], rel=1e-9)
    np.testing.assert_array_equal(test.groups["observed"], ref["observed"])
    np.testing.assert_allclose(test.groups["expected"], ref["expected"], rtol=1e-9)
    assert test.df == 1


def test_stratified_logrank_matches_survdiff(case):
    imputation, panel, persons = case
    ref = VALUES[imputation]["logrank_stratified"]
    test = logrank(persons, strata=panel["stratum"])
    assert test.statistic == pytest.approx(ref["chisq"], rel=1e-9)
    np.testing.assert_allclose(test.groups["expected"], ref["expected"], rtol=1e-9)
    assert test.strata == "stratum"


def test_cox_and_discrete_hazard_match_r(case):
    imputation, panel, persons = case
    ref = VALUES[imputation]
    models = hazard_models(persons, panel, boundaries=[2, 5, 7], covariates=COVARIATES).tidy()
    cox = models[models["model"] == "cox"]
    assert list(cox["term"]) == ["arm[treatment]", *COVARIATES]
    np.testing.assert_allclose(cox["estimate"], ref["cox"]["estimate"], rtol=1e-6)
    np.testing.assert_allclose(cox["std_error"], ref["cox"]["std_error"], rtol=1e-6)
    logit = models[models["model"] == "discrete_logit"]
    assert list(logit["term"]) == [
        "period[1]",
        "period[2]",
        "period[3]",
        "arm[treatment]",
        *COVARIATES,
    ]
    np.testing.assert_allclose(logit["estimate"], ref["discrete"]["estimate"], rtol=1e-6)
    np.testing.assert_allclose(logit["std_error"], ref["discrete"]["std_error"], rtol=1e-6)
    assert logit["n_rows"].iloc[0] == ref["discrete"]["n_rows"]
    assert logit["n_events"].iloc[0] == ref["discrete"]["n_events"]


def test_time_to_job_reports_the_reference_numbers():
    result = time_to_job(load_panel(), covariates=COVARIATES)
    tidy = result.tidy()
    ref = VALUES["reported"]
    lr = tidy[tidy["part"] == "logrank"].iloc[0]
    assert lr["statistic"] == pytest.approx(ref["logrank"]["chisq"], rel=1e-9)
    cox = tidy[tidy["part"] == "cox"].iloc[0]
    assert cox["estimate"] == pytest.approx(np.exp(ref["cox"]["estimate"][0]), rel=1e-6)
