"""The linked panel contract: one row per person, prefixes, responded flags, randomisation."""

import pandas as pd
import pytest

from impact.link import link_study
from link_fixtures import SECRET, make_study, pair_accuracy, record_pseudonyms


@pytest.fixture(scope="module")
def study():
    return make_study(300, seed=8, followups=2, randomised=True)


@pytest.fixture(scope="module")
def linked(study):
    return link_study(
        study.baseline, study.followup, study.result, study.randomisation, secret=SECRET
    )


def test_every_randomised_person_is_a_row(study, linked):
    panel = linked.panel
    rand_ids = set(study.randomisation["study_id"])
    assert rand_ids <= set(panel["study_id"].dropna())
    never = panel[panel["study_id"].isin(rand_ids) & ~panel["responded_b"]]
    assert len(never) == len(rand_ids) - study.truth.query("wave == 'b'")["person"].nunique()
    assert never["arm"].notna().all() and never["stratum"].notna().all()
    assert panel["person_id"].is_unique


def test_columns_follow_the_contract(linked):
    panel = linked.panel
    head = ["person_id", "round_id", "study_id", "arm", "stratum"]
    assert list(panel.columns[: len(head)]) == head
    for flag in ("responded_b", "responded_f1", "responded_f2", "responded_r"):
        assert panel[flag].dtype == bool
    for col in ("gender", "age", "education_level", "years_in_sweden"):
        assert col in panel.columns
    assert {
        "b_employment",
        "f1_employment",
        "f2_employment",
        "r_employment",
        "r_satisfaction",
    } <= set(panel.columns)
    assert not {"link_code", "b_link_code", "b_response_id", "f1_followup_number"} & set(
        panel.columns
    )
    assert str(panel["age"].dtype) == "Int64"
    assert str(panel["education_level"].dtype) == "Int64"


def test_links_to_the_randomisation_list_are_accurate(study, linked):
    # every wave is linked to the randomisation list (the spine) in a randomised study
    truth = study.truth.copy()
    rand = study.randomisation.assign(wave="rand", response_id=study.randomisation["study_id"])
    people = study.people.iloc[: len(study.randomisation)]
    rand["person"] = people["person"].to_numpy()
    truth = pd.concat([truth, rand[["response_id", "person", "wave"]]], ignore_index=True)
    for wave in ("b", "f1", "f2", "r"):
        acc = pair_accuracy(linked.panel, linked.pairs, truth, wave, spine_wave="rand")
        assert acc["precision"] >= 0.98, wave
        assert acc["recall"] >= 0.97, wave


def test_responded_flags_and_wave_answers_agree(study, linked):
    panel = linked.panel
    for wave in ("b", "f1", "f2", "r"):
        answered = panel[f"{wave}_submitted_at"].notna()
        assert (answered == panel[f"responded_{wave}"]).all()
    kept_result = len(study.result) - linked.report.waves.set_index("wave").loc["r", "duplicates"]
    assert panel["responded_r"].sum() == kept_result


def test_person_level_gender_and_age(linked):
    panel = linked.panel
    with_b = panel[panel["responded_b"] & (panel["b_gender"] != "not_stated")]
    assert (with_b["gender"] == with_b["b_gender"]).all()
    fallback = panel[panel["responded_b"] & (panel["b_gender"] == "not_stated")]
    assert len(fallback) > 0
    assert (fallback["gender"] != "not_stated").mean() > 0.8  # a later wave or the list said it
    age = panel.loc[panel["responded_b"], ["age", "b_birth_year", "b_submitted_at"]]
    expected = age["b_submitted_at"].dt.year - age["b_birth_year"]
    assert (age["age"] == expected).all()


def test_programme_design_without_randomisation():
    study = make_study(150, seed=4, followups=1)
    result = link_study(study.baseline, study.followup, study.result, secret=SECRET)
    panel = result.panel
    assert "arm" not in panel.columns
    newcomers = panel[~panel["responded_b"]]
    # result-only people (newcomers) are rows with responded_b False
    assert newcomers["responded_r"].any()
    assert (result.pairs["spine_wave"].isin(["b", "f1"])).all()
    truth = record_pseudonyms(study.truth)
    assert set(result.pairs["record"]) <= set(truth["record"])
