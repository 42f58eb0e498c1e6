"""Linking codes: layout of true codes and the configured rates of typing errors."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from impact.synth import CodeNoise, draw_true_codes, programme_study, type_codes
from test_synth_helpers import elements, normalise_code

CODE = re.compile(r"^[A-Z]{2}\d{2}[A-Z]{2}\d$")


def test_true_codes_follow_layout_and_are_distinct():
    codes = draw_true_codes(np.random.default_rng(1), 3000)
    assert all(CODE.match(c) for c in codes)
    assert len(set(codes)) == 3000
    days = np.array([int(c[2:4]) for c in codes])
    assert days.min() >= 1 and days.max() <= 31


@pytest.fixture(scope="module")
def typed():
    rng = np.random.default_rng(7)
    codes = draw_true_codes(rng, 10000)
    noise = CodeNoise()
    return codes, type_codes(rng, codes, later_wave=True, noise=noise)


def test_typo_rate_and_exactly_one_element(typed):
    codes, out = typed
    # 10,000 codes: SE of a 15 % rate is 0.36 pp.
    assert out["code_typo"].mean() == pytest.approx(0.15, abs=0.01)
    for true, got, typo, element in zip(
        codes, out["link_code"], out["code_typo"], out["typo_element"], strict=True
    ):
        clean = normalise_code(got)
        if not typo:
            assert clean == true
        else:
            wrong = [
                k + 1
                for k, (a, b) in enumerate(zip(elements(true), elements(clean), strict=True))
                if a != b
            ]
            assert wrong == [int(element)]


def test_format_and_lookalike_rates(typed):
    _, out = typed
    assert (out["code_format"] != "clean").mean() == pytest.approx(0.25, abs=0.015)
    assert (
        out["code_format"]
        .isin(["clean", "lower", "mixed_case", "spaces", "dashes", "lower_spaces"])
        .all()
    )
    # Look-alikes are only possible when the code holds O/I/S/B/Z or 0/1/5/8/2.
    assert 0.02 < out["code_lookalike"].mean() <= 0.05 + 0.01
    raw = out.loc[~out["code_lookalike"] & (out["code_format"] == "clean"), "link_code"]
    assert raw.str.match(r"^[A-Z]{2}\d{2}[A-Z]{2}\d$").all()


def test_baseline_has_no_typos():
    rng = np.random.default_rng(3)
    codes = draw_true_codes(rng, 2000)
    out = type_codes(rng, codes, later_wave=False, noise=CodeNoise())
    assert not out["code_typo"].any()
    assert all(normalise_code(t) == c for t, c in zip(out["link_code"], codes, strict=True))


def test_rates_in_a_study_and_truth_records_whose_response():
    noise = CodeNoise(typo_rate=0.3, gender_not_stated_rate=0.1, duplicate_rate=0.05)
    s = programme_study(seed=11, n_participants=2500, noise=noise)
    resp = s.truth["responses"]
    persons = s.truth["persons"].set_index("person")
    result = resp[resp["table"] == "result"]
    assert result["code_typo"].mean() == pytest.approx(0.3, abs=0.035)
    assert result["gender_not_stated"].mean() == pytest.approx(0.1, abs=0.02)
    first = resp[~resp["duplicate"]]
    share_twice = resp["duplicate"].sum() / len(first)
    assert share_twice == pytest.approx(0.05, abs=0.012)
    assert not resp.loc[resp["table"] == "baseline", "gender_not_stated"].any()
    # Every response's typed code normalises to its person's true code unless it has a typo.
    waves = pd.concat([s.tables["baseline"], s.tables["result"]]).set_index("response_id")
    typed = waves.loc[resp["response_id"], "link_code"].map(normalise_code).to_numpy()
    true = persons.loc[resp["person"], "link_code"].to_numpy()
    typo = resp["code_typo"].to_numpy(dtype=bool)
    assert (typed[~typo] == true[~typo]).all()
    assert (typed[typo] != true[typo]).all()
    # A duplicate keeps the person's round and birth year but gets a later timestamp.
    dup = resp[resp["duplicate"]]
    firsts = first.set_index(["table", "person"])["response_id"]
    for row in dup.itertuples():
        original = waves.loc[firsts.loc[(row.table, row.person)]]
        again = waves.loc[row.response_id]
        assert again["submitted_at"] > original["submitted_at"]
        assert again["birth_year"] == original["birth_year"]


def test_noise_parameters_validated():
    with pytest.raises(ValueError, match="typo_rate"):
        CodeNoise(typo_rate=1.5)
    with pytest.raises(ValueError, match="letters"):
        CodeNoise(elements=(("symbols", 2),))


def test_custom_layout():
    layout = (("letters", 3), ("digits", 4))
    rng = np.random.default_rng(2)
    codes = draw_true_codes(rng, 500, layout)
    assert all(re.match(r"^[A-Z]{3}\d{4}$", c) for c in codes)
    out = type_codes(rng, codes, later_wave=True, noise=CodeNoise(elements=layout, typo_rate=1.0))
    assert out["code_typo"].all()
