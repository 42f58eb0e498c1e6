"""time_to_job end to end: result object, write(), bilingual figure, errors, and a check on
the synthetic randomised study (impact.synth.randomised) against its true job start months."""

import json

import numpy as np
import pytest

from impact.analysis.timing import TimeToJob, time_to_job
from impact.errors import AnalysisError, InputError
from impact.synth.randomised import randomised_study
from test_timing_reference import COVARIATES, load_panel


@pytest.fixture(scope="module")
def result() -> TimeToJob:
    return time_to_job(load_panel(), covariates=COVARIATES, strata="stratum")


def test_tidy_has_every_part(result):
    tidy = result.tidy()
    assert list(tidy.columns) == [
        "part",
        "group",
        "term",
        "month",
        "estimate",
        "std_error",
        "ci_lower",
        "ci_upper",
        "statistic",
        "p_value",
        "n",
    ]
    assert set(tidy["part"]) == {"cumulative_share", "logrank", "discrete_logit", "cox"}
    shares = tidy[tidy["part"] == "cumulative_share"]
    assert sorted(shares["month"].unique()) == [0, 2, 5, 7]
    assert shares["estimate"].between(0, 1).all()
    assert (shares["ci_lower"] <= shares["estimate"]).all()
    ratios = tidy[tidy["part"].isin(["discrete_logit", "cox"])]
    assert list(ratios["term"]) == ["arm[treatment]", "arm[treatment]"]
    assert (ratios["estimate"] > 1).all()  # the test data has a higher hazard under treatment


def test_shares_are_monotone_by_month(result):
    shares = result.shares_by_month()
    for _, part in shares.groupby("group"):
        assert np.all(np.diff(part["employed_share"].to_numpy()) >= 0)
    assert result.bounds[["earliest", "latest"]].notna().all().all()


def test_summary_reports_exclusions(result):
    text = result.summary()
    assert "Excluded (employed_at_baseline): 34" in text
    assert "Log-rank" in text and "hazard ratio" in text
    assert "<h4>Time to first job</h4>" in result._repr_html_()


def test_write_tables_and_bilingual_figures(result, tmp_path):
    out = result.write(tmp_path / "timing")
    names = {p.name for p in out.iterdir()}
    for expected in (
        "time_to_job.csv",
        "persons.csv",
        "counts.csv",
        "kaplan_meier.csv",
        "shares_by_month.csv",
        "bounds.csv",
        "logrank.csv",
        "hazard_models.csv",
        "summary.txt",
        "settings.json",
        "time_to_job_sv.png",
        "time_to_job_sv.svg",
        "time_to_job_en.png",
        "time_to_job_en.svg",
    ):
        assert expected in names
    assert "Andel som fått jobb" in (out / "time_to_job_sv.svg").read_text()
    assert "Cumulative share employed" in (out / "time_to_job_en.svg").read_text()
    settings = json.loads((out / "settings.json").read_text())
    assert settings["employed_at_baseline"] == "exclude"
    with pytest.raises(InputError, match="languages"):
        result.write(tmp_path / "x", languages=["fi"])


def test_single_curve_without_groups():
    single = time_to_job(load_panel(), group=None, covariates=[])
    assert single.logrank is None and single.hazard is None
    assert set(single.km.curves["group"]) == {"all"}


def test_errors():
    panel = load_panel()
    with pytest.raises(AnalysisError, match="only 1 group"):
        time_to_job(panel.assign(arm="treatment"))
    with pytest.raises(InputError, match="covariate"):
        time_to_job(panel, covariates=["motivation"])
    with pytest.raises(InputError, match="string"):
        time_to_job(panel, covariates="age")
    with pytest.raises(InputError, match="conf_type"):
        time_to_job(panel, conf_type="arcsin")
    with pytest.raises(InputError, match="confidence_level"):
        time_to_job(panel, confidence_level=95)
    with pytest.raises(AnalysisError, match="nobody"):
        time_to_job(panel.assign(b_employment="full_time"))


def synthetic_panel():
    """A linked panel of the synthetic randomised study built from its true response owners."""
    study = randomised_study(seed=20231102)
    owners = study.truth["responses"]
    owners = owners[~owners["duplicate"]].set_index("response_id")["person"]
    persons = study.truth["persons"]
    panel = persons[["person", "arm", "education_level", "age", "years_in_sweden"]].copy()
    panel["person_id"] = panel["person"].astype(str)
    waves = {"b": study.tables["baseline"], "r": study.tables["result"]}
    follow = study.tables["followup"]
    for k in (1, 2):
        waves[f"f{k}"] = follow[follow["followup_number"] == k]
    for prefix, wave in waves.items():
        wave = wave[wave["response_id"].isin(owners.index)]
        wave = wave.assign(person=wave["response_id"].map(owners).to_numpy())
        columns = ["employment", "job_start_month"] if prefix.startswith("f") else ["employment"]
        renamed = wave.set_index("person")[columns].add_prefix(f"{prefix}_")
        panel = panel.join(renamed, on="person")
    return panel, persons


def test_reported_start_months_recover_the_true_ones():
    panel, persons = synthetic_panel()
    result = time_to_job(panel)
    used = result.persons[result.persons["included"] & result.persons["start_month"].notna()]
    truth = persons.set_index(persons["person"].astype(str))["job_start_month"]
    true_months = truth.loc[used["person_id"]].astype(float).to_numpy()
    assert len(used) > 10
    np.testing.assert_array_equal(used["time"].to_numpy(), true_months)
    # every analysed job event is a true job of that person
    events = result.persons[result.persons["included"] & (result.persons["event"] == 1)]
    assert truth.loc[events["person_id"]].notna().all()
