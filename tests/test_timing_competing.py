"""Competing first events (job, education, left the programme) against R.

Reference: ``tests/reference/competing.R`` (survival's multi-state ``survfit``, cmprsk's
``cuminc`` and ``crr``) on ``tests/reference/competing_data.csv`` (made by
``competing_make_data.py``); values in ``competing_values.json``. R is not needed to run these
tests.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from impact.analysis.timing import competing_events, time_to_job
from impact.analysis.timing.competing import STATES
from impact.errors import AnalysisError, InputError
from impact.figures import alt_text
from impact.timing import CompetingRisks, competing_risks

HERE = Path(__file__).parent / "reference"
TOL = 1e-6
COVARIATES = ["age", "education_level"]


def _numbers(values) -> np.ndarray:
    """R's JSON (NA and Inf written as text) as a float array."""
    frame = pd.DataFrame(values) if np.ndim(values) > 1 else pd.Series(values)
    return np.asarray(frame.replace({"Inf": np.inf, "NA": np.nan}), dtype=float)


@pytest.fixture(scope="module")
def ref():
    return json.loads((HERE / "competing_values.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def panel():
    return pd.read_csv(HERE / "competing_data.csv")


@pytest.fixture(scope="module")
def result(panel):
    return competing_risks(panel, covariates=COVARIATES)


def test_first_events_equal_the_r_rebuild(panel, ref):
    events = competing_events(panel)
    events = events[events["included"]]
    assert len(events) == ref["n"]
    assert list(events["person_id"]) == ref["person_id"]
    assert list(events["event_type"]) == ref["status"]
    np.testing.assert_allclose(events["time"], ref["time"], atol=0)


def test_aalen_johansen_equals_multistate_survfit(result, ref):
    table = result.cif.tidy()
    assert ref["aj_states"] == STATES
    for group, values in ref["aj"].items():
        for k, state in enumerate(STATES):
            part = table[(table["group"] == group) & (table["state"] == state)]
            np.testing.assert_allclose(part["time"], values["time"], atol=0)
            np.testing.assert_array_equal(part["n_risk"], values["n_risk"])
            for ours, theirs in (("estimate", "pstate"), ("std_error", "std_err"),
                                 ("ci_lower", "lower"), ("ci_upper", "upper")):  # fmt: skip
                expected = _numbers(values[theirs])[:, k]
                known = ~np.isnan(expected)  # R gives no interval while the estimate is 0
                np.testing.assert_allclose(part[ours].to_numpy()[known], expected[known],
                                           atol=TOL, rtol=0)  # fmt: skip
                assert (part[ours].to_numpy()[~known] == 0).all()


@pytest.mark.parametrize("by", ["arm", "site"])
def test_gray_test_equals_cuminc(panel, ref, by):
    with_arm = panel[panel["arm"].notna()]  # R analyses the randomised people only
    res = competing_risks(
        with_arm.assign(group_col=with_arm[by]), group="group_col", covariates=COVARIATES
    )
    expected = ref[f"gray_{by}"]
    got = res.gray.tidy().set_index("event").loc[expected["cause"]]
    np.testing.assert_allclose(got["statistic"], expected["stat"], rtol=TOL, atol=0)
    np.testing.assert_allclose(got["p_value"], expected["p"], rtol=TOL, atol=1e-12)
    np.testing.assert_array_equal(got["df"], expected["df"])


@pytest.mark.parametrize("event", ["job", "education"])
def test_fine_gray_equals_crr(result, ref, event):
    expected = ref["fine_gray"][event]
    got = result.fine_gray.tidy()
    got = got[got["event"] == event].set_index("term").loc[expected["term"]]
    np.testing.assert_allclose(got["estimate"], expected["coef"], atol=TOL, rtol=0)
    np.testing.assert_allclose(got["std_error"], expected["se"], atol=TOL, rtol=0)


def test_result_contract_and_figure(result):
    assert isinstance(result, CompetingRisks)
    tidy = result.tidy()
    assert set(tidy["part"]) == {"cumulative_incidence", "gray", "fine_gray"}
    assert "Gray's test (job)" in result.summary()
    assert result.to_dict()["rows"]
    for lang in ("sv", "en"):
        fig = result.figure(lang)
        text = alt_text(fig, lang)
        assert ("Jobb" if lang == "sv" else "Job") in text


def test_time_to_job_carries_the_parts_and_writes_them(panel, tmp_path):
    res = time_to_job(panel, covariates=COVARIATES)
    assert res.competing is not None and res.interval is not None
    assert set(res.figures("en")) == {"", "competing", "turnbull"}
    assert set(res.tables()) == {"", "competing", "interval"}
    assert "Gray" in res.sentence("en") and "Grays test" in res.sentence("sv")
    res.write(tmp_path / "t", languages=("en",), formats=("png",))
    names = {p.name for p in (tmp_path / "t").iterdir()}
    assert {"cumulative_incidence.csv", "gray_test.csv", "fine_gray.csv",
            "competing_events.csv", "competing_en.png", "turnbull_en.png"} <= names  # fmt: skip


def test_existing_outputs_are_unchanged_by_the_additions(panel):
    """The Kaplan–Meier part is the same with and without the competing data."""
    plain = panel.drop(columns=[c for c in panel.columns
                                if c.endswith("_in_education") or c == "left_month"])  # fmt: skip
    with_all = time_to_job(panel, covariates=COVARIATES)
    without = time_to_job(plain, covariates=COVARIATES)
    pd.testing.assert_frame_equal(with_all.tidy(), without.tidy())
    assert without.competing is None
    assert any("no competing-risks" in n for n in without.settings["additions_notes"])


def _mini(**waves) -> pd.DataFrame:
    base = {"person_id": ["p"], "arm": ["treatment"], "b_employment": ["none"],
            "b_in_education": ["false"]}  # fmt: skip
    for w in ("f1", "f2", "r"):
        base[f"{w}_employment"] = ["none"]
        base[f"{w}_in_education"] = ["false"]
    base.update({k: [v] for k, v in waves.items()})
    return pd.DataFrame(base)


@pytest.mark.parametrize(
    ("changes", "kind", "time"),
    [
        ({"f2_employment": "full_time", "f2_in_education": "true"}, "job", 5.0),
        ({"f1_in_education": "true", "f2_employment": "full_time"}, "education", 2.0),
        ({"f2_employment": "full_time", "f2_job_start_month": 3, "left_month": 2}, "left", 2.0),
        ({"f2_employment": "full_time", "f2_job_start_month": 3, "left_month": 3}, "job", 3.0),
        ({"left_month": 9}, "censored", 7.0),
        ({"left_month": 6}, "left", 6.0),
        ({"b_in_education": "true", "f1_in_education": "true"}, "censored", 7.0),
    ],
)
def test_first_event_rules(changes, kind, time):
    events = competing_events(_mini(**changes))
    assert events.loc[0, "event_type"] == kind
    assert events.loc[0, "time"] == time


def test_bad_left_month_is_named():
    with pytest.raises(InputError) as err:
        competing_events(_mini(left_month="-2"))
    assert "left_month" in str(err.value.problems[0]) or "left_month" in str(err.value)


def test_bad_education_answer_is_named():
    with pytest.raises(InputError) as err:
        competing_events(_mini(f1_in_education="maybe"))
    text = str(err.value) + " ".join(str(p) for p in err.value.problems)
    assert "f1_in_education" in text and "true/false" in text


def test_covariates_as_a_string_is_refused(panel):
    with pytest.raises(InputError, match="list of column names"):
        competing_risks(panel, covariates="age")


def test_missing_covariate_column_is_named(panel):
    with pytest.raises(InputError) as err:
        competing_risks(panel, covariates=["no_such_column"])
    assert "no_such_column" in " ".join(str(p) for p in err.value.problems)


def test_collinear_covariates_give_a_clear_analysis_error(panel):
    with pytest.raises(AnalysisError, match="collinear"):
        competing_risks(panel.assign(age2=panel["age"] * 2), covariates=["age", "age2"])
