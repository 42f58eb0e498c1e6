"""Programme study: published shares, internal consistency, truth = answers, reproducibility."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from impact.synth import ProgrammeRates, programme_study
from impact.synth.truth import INDICATORS
from test_synth_helpers import indicators_from_answers


@pytest.fixture(scope="module")
def study():
    return programme_study(seed=20231101)


@pytest.fixture(scope="module")
def large():
    # 8,000 participants: the standard error of a share among ~5,700 respondents is < 0.7 pp.
    return programme_study(seed=5, n_participants=8000)


def _respondents(s):
    persons = s.truth["persons"]
    return persons[persons["response_result"].notna()]


# Published figures, seed 001 pp. 18–21 (DOMAIN.md "Published results"): (all, men, women).
PUBLISHED = {
    "got_job": (0.29, 0.38, 0.27),
    "took_steps": (0.49, 0.42, 0.52),
    "job_or_steps": (0.79, 0.81, 0.80),
    "expanded_network": (0.74, None, None),
    "knows_labour_market_more": (0.84, None, None),
    "improved_cv": (0.70, None, None),
    "got_reference": (0.36, 0.41, 0.35),
    "got_internship": (None, 0.19, 0.15),
    "improved_professional_swedish": (None, 0.54, 0.64),
    "started_relevant_education": (None, 0.11, 0.14),
}


@pytest.mark.parametrize("indicator", sorted(PUBLISHED))
def test_published_shares_among_respondents(large, indicator):
    resp = _respondents(large)
    everyone, men, women = PUBLISHED[indicator]
    # Tolerance: 3 pp overall (≈ 5 SE), 4 pp for men (≈ 1,150 respondents, SE ≈ 1.4 pp).
    if everyone is not None:
        assert resp[indicator].mean() == pytest.approx(everyone, abs=0.03)
    for gender, value, tol in (("man", men, 0.045), ("woman", women, 0.03)):
        if value is not None:
            share = resp.loc[resp["gender"] == gender, indicator].mean()
            assert share == pytest.approx(value, abs=tol)


def test_contribution_shares(large):
    resp = _respondents(large)
    # Seed 001: programme contributed to job / internship / education 56 / 89 / 91 %.
    for indicator, answer, published in (
        ("got_job", "contributed_job", 0.56),
        ("got_internship", "contributed_internship", 0.89),
        ("started_relevant_education", "contributed_education", 0.91),
    ):
        among = resp.loc[resp[indicator], answer]
        assert among.notna().all()
        assert (among == "yes").mean() == pytest.approx(published, abs=0.035)
        assert resp.loc[~resp[indicator], answer].isna().all()
    # "Of those who got work: contributed and the job is relevant" 51 %.
    result = large.tables["result"].set_index("response_id")
    jobbers = resp[resp["got_job"]]
    relevant = result.loc[jobbers["response_result"], "job_matches_field"].to_numpy()
    both = (jobbers["contributed_job"].to_numpy() == "yes") & relevant.astype(bool)
    assert both.mean() == pytest.approx(0.51, abs=0.04)


def test_changed_other_is_under_a_tenth_of_job_getters(large):
    resp = _respondents(large)
    assert resp.loc[resp["got_job"], "job_changed_other"].mean() < 0.10


def test_sizes_gender_rounds_response(study):
    persons = study.truth["persons"]
    assert len(persons) == 511
    assert (persons["gender"] == "woman").sum() == 406
    assert persons["round_id"].value_counts().between(51, 52).all()
    assert sorted(persons["round_id"].unique()) == [f"R{k:02d}" for k in range(1, 11)]
    first = study.truth["responses"].query("~duplicate")
    assert (first["table"] == "baseline").sum() == 511
    # 71 % response: 362 of 511 expected; binomial SD ≈ 10.
    assert abs((first["table"] == "result").sum() - 362) < 35


def test_background_ranges(study):
    b = study.tables["baseline"]
    assert b["age"].between(25, 60).all()
    assert b["education_level"].between(1, 5).all()
    assert (b["education_level"] >= 4).mean() > 0.6
    assert b["years_in_sweden"].between(0, 10).all()
    assert b["occupation_field"].notna().all()
    year = b["submitted_at"].dt.year
    assert ((year - b["birth_year"]) - b["age"]).between(-1, 1).all()


def test_truth_equals_indicators_recomputed_from_answers(study):
    recomputed = indicators_from_answers(study)
    truth = study.truth["persons"].set_index("person").loc[recomputed.index]
    for name in INDICATORS:
        expected = truth[name].astype(int).to_numpy()
        assert (recomputed[name].astype(int).to_numpy() == expected).all(), name


def test_answers_internally_consistent(study):
    for table in ("baseline", "result"):
        frame = study.tables[table]
        employed = frame["employment"] != "none"
        assert frame.loc[~employed, "job_matches_field"].isna().all()
        assert frame.loc[employed, "job_matches_field"].notna().all()
        assert frame["employment"].isin(["none", "part_time", "full_time"]).all()
    result = study.tables["result"]
    assert result.loc[result["employment"] == "none", "changed_job"].isna().all()
    for column in ("swedish_level", "knows_social_codes", "satisfaction"):
        assert result[column].between(1, 5).all()
    assert result["cv_status"].between(0, 2).all()
    assert (result["interviews_3m"] >= 0).all() and (result["professional_contacts"] >= 0).all()


def test_dtypes_follow_shared_formats(study):
    b = study.tables["baseline"]
    assert str(b["response_id"].dtype) == "string"
    assert str(b["birth_year"].dtype) == "Int64"
    assert str(b["has_reference"].dtype) == "boolean"
    assert str(b["years_in_sweden"].dtype) == "Float64"
    assert str(b["submitted_at"].dtype) == "datetime64[ns]"
    assert b["study_id"].isna().all()  # optional; only randomised studies ask it
    assert b["response_id"].is_unique


def test_reproducible_and_seed_sensitive(study):
    again = programme_study(seed=20231101)
    for name, frame in study.tables.items():
        pd.testing.assert_frame_equal(frame, again.tables[name])
    pd.testing.assert_frame_equal(study.truth["persons"], again.truth["persons"])
    other = programme_study(seed=20231102)
    assert not study.tables["baseline"]["link_code"].equals(other.tables["baseline"]["link_code"])


def test_thresholds_are_parameters():
    s = programme_study(seed=3, n_participants=300, min_extra_interviews=3, min_small_steps=4)
    persons = s.truth["persons"].set_index("person")
    b = s.tables["baseline"].set_index("response_id")
    r = s.tables["result"].set_index("response_id")
    both = persons.dropna(subset=["response_result"])
    gain = (
        r.loc[both["response_result"], "interviews_3m"].to_numpy()
        - b.loc[both["response_baseline"], "interviews_3m"].to_numpy()
    )
    assert ((gain >= 3) == both["more_interviews"].to_numpy(dtype=bool)).all()
    steps = both["small_steps_count"].to_numpy()
    nojob = ~both["got_job"].to_numpy(dtype=bool)
    assert both["took_steps"].to_numpy(dtype=bool)[nojob & (steps >= 4)].all()


def test_bad_rates_rejected():
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        ProgrammeRates(got_job=(0.0, 0.3))
    with pytest.raises(ValueError, match="share_women"):
        programme_study(share_women=1.5)
    assert np.isfinite(programme_study(seed=1, n_participants=20, n_rounds=2).tidy()["rows"]).all()
