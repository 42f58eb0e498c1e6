"""Take-up in the synthetic randomised study: no-shows, crossover, the exclusion restriction
and the true ITT and CACE."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from impact.ingest.take_up import take_up_problems
from impact.synth import TakeUp, randomised_study

SEEDS = range(200, 206)


@pytest.fixture(scope="module")
def studies():
    return [randomised_study(seed=s) for s in SEEDS]


@pytest.fixture(scope="module")
def large():
    return randomised_study(seed=7, n_randomised=5000)


def _arms(study) -> tuple[np.ndarray, np.ndarray]:
    rand = study.tables["randomisation"]
    return (rand["arm"] == "treatment").to_numpy(), rand["started"].to_numpy(dtype=bool)


def test_no_show_and_crossover_shares(studies):
    offered, started = (
        np.concatenate([_arms(s)[0] for s in studies]),
        np.concatenate([_arms(s)[1] for s in studies]),
    )
    # 6 × 109 offered: SD of the no-show share ≈ 0.017; of the crossover share ≈ 0.009.
    assert 1 - started[offered].mean() == pytest.approx(0.27, abs=0.05)
    assert started[~offered].mean() == pytest.approx(0.05, abs=0.03)
    assert started[~offered].any()


def test_take_up_columns_consistent(studies):
    for study in studies:
        rand = study.tables["randomisation"]
        assert take_up_problems(rand, "randomisation") == []
        started = rand["started"].to_numpy(dtype=bool)
        completed = rand["completed"].to_numpy(dtype=bool)
        left = rand["left_month"].notna().to_numpy()
        sessions = rand["sessions_attended"].to_numpy(dtype=int)
        assert (left == (started & ~completed)).all()
        assert (sessions[~started] == 0).all() and (sessions[started] >= 1).all()
        assert sessions.max() <= TakeUp().sessions
        assert completed[started].mean() == pytest.approx(0.75, abs=0.15)
        # early leavers attended fewer sessions than completers
        assert sessions[left].mean() < sessions[completed].mean()


def test_persons_truth_records_compliance(studies):
    persons = studies[0].truth["persons"]
    rand = studies[0].tables["randomisation"].set_index("study_id")
    started = rand.loc[persons["study_id"], "started"].to_numpy(dtype=bool)
    assert (persons["started"].to_numpy(dtype=bool) == started).all()
    treated = (persons["arm"] == "treatment").to_numpy()
    kind = persons["compliance"].to_numpy()
    assert (started == np.where(treated, kind != "never_taker", kind == "always_taker")).all()


def test_exclusion_restriction(studies):
    # Never-takers and always-takers have the same outcome under both arms.
    study = studies[0]
    persons = study.truth["persons"].reset_index(drop=True)
    po = study.truth["potential_outcomes"]
    kind = persons["compliance"].to_numpy()
    for name in ("got_job", "expanded_network", "took_steps"):
        rows = po[po["indicator"] == name].set_index("person").loc[persons["person"]]
        same = (rows["y_treatment"] == rows["y_control"]).to_numpy()
        assert same[kind != "complier"].all(), name
        compliers = kind == "complier"
        assert (
            rows["y_treatment"].to_numpy()[compliers] == rows["y_treated"].to_numpy()[compliers]
        ).all()


def test_itt_is_cace_times_complier_share(studies):
    for study in studies:
        eff = study.truth["effects"]
        assert np.allclose(eff["true_itt"], eff["true_cace"] * eff["complier_share"], atol=1e-12)
        assert np.allclose(eff["p_treatment"] - eff["p_control"], eff["true_itt"], atol=1e-12)


def test_wald_estimate_near_true_cace(large):
    # ITT_y / ITT_d on 5,000 persons; SE of the Wald estimate ≈ 0.021 for network, 0.017 for job.
    offered, started = _arms(large)
    persons = large.truth["persons"].set_index("study_id")
    rand = large.tables["randomisation"]
    first_stage = started[offered].mean() - started[~offered].mean()
    assert first_stage == pytest.approx(0.68, abs=0.03)
    eff = large.truth["effects"].set_index("indicator")
    for name in ("got_job", "expanded_network", "learned_social_codes", "took_steps"):
        y = persons.loc[rand["study_id"], name].to_numpy(dtype=float)
        wald = (y[offered].mean() - y[~offered].mean()) / first_stage
        assert wald == pytest.approx(eff.loc[name, "true_cace"], abs=0.065), name


def test_take_up_stream_is_separate():
    # Changing only the take-up leaves the randomisation, the background and the draws of the
    # potential outcomes as they were.
    a = randomised_study(seed=11)
    b = randomised_study(seed=11, take_up=TakeUp(no_show=0.10, crossover=0.0))
    cols = ["study_id", "arm", "stratum", "birth_year", "gender"]
    pd.testing.assert_frame_equal(a.tables["randomisation"][cols], b.tables["randomisation"][cols])
    po_a, po_b = a.truth["potential_outcomes"], b.truth["potential_outcomes"]
    pd.testing.assert_frame_equal(
        po_a[["y_untreated", "y_treated"]], po_b[["y_untreated", "y_treated"]]
    )
    assert not b.tables["randomisation"].loc[lambda r: r["arm"] == "control", "started"].any()


def test_bad_take_up_rejected():
    with pytest.raises(ValueError, match="no_show"):
        TakeUp(no_show=0.7, crossover=0.4)
    with pytest.raises(ValueError, match="left_month_probs"):
        TakeUp(months=3)
