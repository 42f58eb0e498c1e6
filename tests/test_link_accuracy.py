"""Linking accuracy against synthetic truth: exact and fuzzy links, duplicates, one-to-one."""

import pandas as pd
import pytest

from impact.link import link_waves
from link_fixtures import SECRET, make_study, pair_accuracy, record_pseudonyms


def _wave(codes, birth_years, genders, prefix, rounds=None):
    n = len(codes)
    return pd.DataFrame(
        {
            "response_id": pd.array([f"{prefix}{i}" for i in range(n)], dtype="string"),
            "round_id": pd.array(rounds or ["R01"] * n, dtype="string"),
            "submitted_at": pd.Timestamp("2024-01-01") + pd.to_timedelta(range(n), unit="h"),
            "link_code": pd.array(codes, dtype="string"),
            "birth_year": pd.array(birth_years, dtype="Int64"),
            "gender": pd.array(genders, dtype="string"),
        }
    )


@pytest.fixture(scope="module")
def study():
    return make_study(500, seed=11)


@pytest.fixture(scope="module")
def linked(study):
    return link_waves(study.baseline, study.result, secret=SECRET)


def test_full_linker_reaches_target_where_exact_only_does_not(study, linked):
    full = pair_accuracy(linked.panel, linked.pairs, study.truth, "r")
    exact_only = pair_accuracy(
        linked.panel, linked.pairs[linked.pairs["stage"] != "splink"], study.truth, "r"
    )
    assert full["f1"] >= 0.99
    assert full["precision"] >= 0.99
    assert exact_only["precision"] == 1.0
    assert exact_only["f1"] < 0.85  # mistyped codes, not_stated, birth-year slips all fail
    assert full["recall"] - exact_only["recall"] > 0.2


def test_fuzzy_links_have_one_or_two_elements_different(linked):
    fuzzy = linked.pairs[linked.pairs["stage"] == "splink"]
    assert len(fuzzy) > 20
    assert fuzzy["elements_differing"].between(0, 2).all()
    assert (fuzzy["match_probability"] >= linked.report.threshold).all()
    exact = linked.pairs[linked.pairs["stage"] == "exact"]
    assert (exact["elements_differing"] == 0).all()
    assert (exact["birth_year_agreement"] == "exact").all()


def test_one_to_one_no_record_or_person_linked_twice(linked):
    pairs = linked.pairs
    assert not pairs["record"].duplicated().any()
    assert not pairs.groupby("wave")["spine_record"].apply(lambda s: s.duplicated().any()).any()
    assert linked.panel["person_id"].is_unique


def test_duplicates_are_dropped_and_reported(study, linked):
    truth = record_pseudonyms(study.truth)
    dup_records = set(truth.loc[truth["response_id"].str.contains("dup"), "record"])
    report = linked.report.duplicates
    assert set(report["dropped_record"]) == dup_records
    assert (report["key"] == "code+birth_year+round").all()
    # the duplicate is the later, identical answer: the first answer is kept
    first = truth.set_index("record")["response_id"]
    assert not first.loc[report["kept_record"]].str.contains("dup").any()
    assert not linked.pairs["record"].isin(dup_records).any()
    waves = linked.report.waves.set_index("wave")
    assert (
        waves.loc["r", "duplicates"] == (study.truth["response_id"].str.startswith("r-dup")).sum()
    )


def test_more_complete_duplicate_is_kept():
    base = _wave(["AB12CD3", "EF04GH1", "IJ05KL2"], [1980, 1990, 1985], ["woman"] * 3, "b")
    later = _wave(["AB12CD3", "AB12CD3", "EF04GH1"], [1980, 1980, 1990], ["woman"] * 3, "r")
    later["employment"] = pd.array([pd.NA, "none", "none"], dtype="string")
    res = link_waves(base, later, secret=SECRET)
    dropped = res.report.duplicates
    assert len(dropped) == 1
    pseud_first = record_pseudonyms(pd.DataFrame({"wave": ["r"], "response_id": ["r0"]}))
    assert dropped["dropped_record"].iloc[0] == pseud_first["record"].iloc[0]
    person = res.panel[res.panel["b_birth_year"] == 1980]
    assert person["r_employment"].iloc[0] == "none"


def test_single_mistyped_element_links_and_competitor_is_rejected():
    codes_b = ["AB12CD3", "AB12XY3", "MN07OP1", "QR30ST0"]
    years = [1980, 1980, 1975, 1999]
    base = _wave(codes_b, years, ["woman", "woman", "man", "woman"], "b")
    # person 0 mistypes the place element, person 2 types a look-alike and not_stated
    later = _wave(
        ["ab-12-cz-3", "MN O7 OP l", "QR30ST0"],
        [1980, 1975, 1999],
        ["woman", "not_stated", "woman"],
        "r",
    )
    res = link_waves(base, later, secret=SECRET, threshold=0.5)
    pairs = res.pairs.sort_values("record")
    truth = record_pseudonyms(
        pd.DataFrame(
            {
                "wave": ["b"] * 4 + ["r"] * 3,
                "response_id": ["b0", "b1", "b2", "b3", "r0", "r1", "r2"],
            }
        )
    ).set_index("response_id")["record"]
    expected = {truth["r0"]: truth["b0"], truth["r1"]: truth["b2"], truth["r2"]: truth["b3"]}
    assert dict(zip(pairs["record"], pairs["spine_record"], strict=True)) == expected
    stage = dict(zip(pairs["record"], pairs["stage"], strict=True))
    assert stage[truth["r0"]] == "splink"  # one element different
    assert stage[truth["r1"]] == "splink"  # not_stated gender is no exact match
    assert stage[truth["r2"]] == "exact"


def test_study_id_links_first():
    base = _wave(["AB12CD3", "EF04GH1"], [1980, 1990], ["woman", "man"], "b")
    later = _wave(["ZZ99ZZ9", "EF04GH1"], [1950, 1990], ["man", "man"], "r")
    base["study_id"] = pd.array(["S1", "S2"], dtype="string")
    later["study_id"] = pd.array(["S1", pd.NA], dtype="string")
    res = link_waves(base, later, secret=SECRET)
    assert sorted(res.pairs["stage"]) == ["exact", "study_id"]
    assert res.panel["responded_r"].all()
