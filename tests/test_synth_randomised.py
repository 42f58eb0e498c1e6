"""Randomised study: RISE-like counts, stratified arms, attrition, potential outcomes, effects."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from impact.synth import RandomisedEffects, randomised_study
from impact.synth.truth import INDICATORS
from test_synth_helpers import indicators_from_answers

SEEDS = range(100, 110)


@pytest.fixture(scope="module")
def studies():
    return [randomised_study(seed=s) for s in SEEDS]


@pytest.fixture(scope="module")
def study(studies):
    return studies[0]


def _counts(s) -> dict:
    p = s.truth["persons"]
    treated = p["arm"] == "treatment"
    return {
        "baseline_t": int((p["response_baseline"].notna() & treated).sum()),
        "baseline_c": int((p["response_baseline"].notna() & ~treated).sum()),
        "baseline": int(p["response_baseline"].notna().sum()),
        "followup_1": int(p["response_followup_1"].notna().sum()),
        "followup_2": int(p["response_followup_2"].notna().sum()),
        "result": int(p["response_result"].notna().sum()),
    }


def test_counts_near_rise(studies):
    # Seed 001 p. 26: 218 randomised; 151 baseline (73 T / 78 C), 88, 91 and 110 answers.
    mean = pd.DataFrame([_counts(s) for s in studies]).mean()
    # Over 10 studies the SD of the mean count is about 1.5–2 people; tolerance ≈ 3 SD.
    for key, expected, tol in (
        ("baseline_t", 73, 4),
        ("baseline_c", 78, 4),
        ("baseline", 151, 6),
        ("followup_1", 88, 6),
        ("followup_2", 91, 6),
        ("result", 110, 6),
    ):
        assert mean[key] == pytest.approx(expected, abs=tol), key
    for s in studies:
        assert len(s.tables["randomisation"]) == 218


def test_randomisation_stratified_and_balanced(study):
    rand = study.tables["randomisation"]
    assert set(rand["arm"]) == {"treatment", "control"}
    assert (rand["stratum"] == rand["round_id"] + "-" + rand["gender"]).all()
    for _, group in rand.groupby(["round_id", "stratum"]):
        counts = group["arm"].value_counts()
        assert abs(counts.get("treatment", 0) - counts.get("control", 0)) <= 1
    assert rand["study_id"].is_unique
    assert rand["round_id"].nunique() == 2
    assert str(rand["randomised_on"].dtype) == "datetime64[ns]"


def test_attrition_depends_on_covariates(studies):
    persons = pd.concat([s.truth["persons"] for s in studies])
    answered = persons["response_baseline"].notna()
    assert persons.loc[answered, "education_level"].mean() > (
        persons.loc[~answered, "education_level"].mean() + 0.2
    )
    assert persons.loc[answered, "years_in_sweden"].mean() > (
        persons.loc[~answered, "years_in_sweden"].mean()
    )


def test_later_waves_only_from_baseline_respondents(study):
    p = study.truth["persons"]
    for wave in ("followup_1", "followup_2", "result"):
        assert p.loc[p[f"response_{wave}"].notna(), "response_baseline"].notna().all()


def test_study_id_blank_share(studies):
    resp = pd.concat([s.truth["responses"] for s in studies])
    assert resp["study_id_blank"].mean() == pytest.approx(0.15, abs=0.03)
    s = studies[0]
    waves = pd.concat([s.tables["baseline"], s.tables["result"]]).set_index("response_id")
    r = s.truth["responses"].set_index("response_id")
    blank = waves["study_id"].isna()
    assert (blank == r.loc[waves.index, "study_id_blank"].astype(bool)).all()


def test_truth_equals_indicators_recomputed_from_answers(studies):
    for s in studies[:3]:
        recomputed = indicators_from_answers(s)
        truth = s.truth["persons"].set_index("person").loc[recomputed.index]
        for name in INDICATORS:
            assert (recomputed[name].astype(int) == truth[name].astype(int)).all(), name


def test_potential_outcomes_match_observed_truth(study):
    po = study.truth["potential_outcomes"]
    persons = study.truth["persons"].set_index("person")
    for name in ("got_job", "expanded_network", "took_steps", "small_steps_count"):
        rows = po[po["indicator"] == name].set_index("person").loc[persons.index]
        treated = (persons["arm"] == "treatment").to_numpy()
        observed = np.where(treated, rows["y_treatment"], rows["y_control"])
        assert (observed == persons[name].astype(int).to_numpy()).all()
    # Monotone coupling: a positive effect never takes the outcome away.
    net = po[po["indicator"] == "expanded_network"]
    assert (net["y_treatment"] >= net["y_control"]).all()


def test_true_effects(study):
    # Effects act through taking part: the ITT is the effect of taking part (the CACE: +4.5 pp
    # job, +22 pp network and social codes) times the complier share (about 0.68).
    eff = study.truth["effects"].set_index("indicator")
    share = eff.loc["got_job", "complier_share"]
    assert share == pytest.approx(0.68, abs=1e-9)
    assert eff.loc["got_job", "true_cace"] == pytest.approx(0.045, abs=1e-9)
    assert eff.loc["expanded_network", "true_cace"] == pytest.approx(0.22, abs=1e-12)
    assert eff.loc["learned_social_codes", "true_itt"] == pytest.approx(0.22 * share, abs=1e-12)
    assert eff.loc["got_internship", "true_itt"] < 0
    assert (eff.loc[["got_job", "expanded_network"], "source"] == "exact").all()
    assert eff.loc["took_steps", "source"] == "monte_carlo"
    po = study.truth["potential_outcomes"]
    net = po[po["indicator"] == "expanded_network"]
    realised = (net["y_treatment"] - net["y_control"]).mean()
    assert eff.loc["expanded_network", "sample_ate"] == pytest.approx(realised)


def test_followups_consistent(study):
    f = study.tables["followup"]
    assert set(f["followup_number"]) == {1, 2}
    assert f.loc[f["employment"] == "none", "job_start_month"].isna().all()
    months = {1: 2, 2: 5}
    for number, month in months.items():
        started = f.loc[f["followup_number"] == number, "job_start_month"].dropna()
        assert (started <= month).all() and (started >= 0).all()
    persons = study.truth["persons"].set_index("person")
    resp = study.truth["responses"].set_index("response_id")
    for row in f.dropna(subset=["job_start_month"]).itertuples():
        person = persons.loc[resp.loc[row.response_id, "person"]]
        assert person["got_job"] and person["job_start_month"] == row.job_start_month


def test_controls_not_asked_programme_questions(study):
    result = study.tables["result"]
    persons = study.truth["persons"].set_index("person")
    resp = study.truth["responses"].set_index("response_id")
    arm = persons.loc[resp.loc[result["response_id"], "person"], "arm"].to_numpy()
    assert result.loc[arm == "control", "satisfaction"].isna().all()
    assert result.loc[arm == "treatment", "satisfaction"].notna().all()


def test_bad_effects_rejected():
    with pytest.raises(ValueError, match="expanded_network"):
        RandomisedEffects(effects={**RandomisedEffects().effects, "expanded_network": 0.5})
