"""Linking on every engine: the same panel, pairs and report on pandas and DuckDB.

:func:`impact.link.link_waves` (and :func:`impact.link.link_study`) run on the engine named by
``engine=``. References: the pandas engine for DuckDB (pairs, link report, candidates and
trained settings equal); :func:`impact.link.training.train` for the pattern-count EM; the
synthetic truth of ``tests/link_fixtures.py`` for precision and recall of each blocking rule set.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from impact.engines import open_session
from impact.errors import InputError
from impact.link import link_waves
from impact.link.blocking import blocking_keys
from impact.link.frequencies import u_from_frequencies, u_probabilities
from impact.link.probabilistic import prior_m
from impact.link.training import train, train_patterns
from link_fixtures import SECRET, make_study, record_pseudonyms

ELEMENTS = ["h_e1", "h_e2", "h_e3", "h_e4"]


@pytest.fixture(scope="module")
def study():
    return make_study(500, seed=7)


@pytest.fixture(scope="module")
def duck():
    with open_session("duckdb") as session:
        yield session


def assert_same_links(on_pandas, on_engine):
    pd.testing.assert_frame_equal(on_pandas.panel, on_engine.panel)
    pd.testing.assert_frame_equal(on_pandas.pairs, on_engine.pairs, rtol=1e-9)
    pd.testing.assert_frame_equal(on_pandas.report.waves, on_engine.report.waves, rtol=1e-9)
    pd.testing.assert_frame_equal(
        on_pandas.report.candidates, on_engine.report.candidates, rtol=1e-9
    )


@pytest.mark.parametrize("blocking", ["linear", "thorough"])
def test_duckdb_equals_pandas(study, duck, blocking):
    on_pandas = link_waves(study.baseline, study.result, secret=SECRET, blocking=blocking)
    on_duck = link_waves(
        study.baseline,
        study.result,
        secret=SECRET,
        blocking=blocking,
        engine="duckdb",
        session=duck,
    )
    assert_same_links(on_pandas, on_duck)
    settings = on_duck.report.splink_settings["r"]
    assert settings["blocking_rules_to_generate_predictions"]
    assert "linked" in on_duck.summary()


def test_randomised_study_with_study_ids(duck):
    study = make_study(300, seed=4, randomised=True)
    on_pandas = link_waves(study.baseline, study.result, secret=SECRET)
    on_duck = link_waves(study.baseline, study.result, secret=SECRET, engine="duckdb", session=duck)
    assert_same_links(on_pandas, on_duck)
    assert (on_duck.pairs["stage"] == "study_id").sum() > 0


def test_linear_blocking_is_accurate_and_cheaper(study):
    linear = link_waves(study.baseline, study.result, secret=SECRET, blocking="linear")
    thorough = link_waves(study.baseline, study.result, secret=SECRET, blocking="thorough")
    assert len(linear.report.candidates) < len(thorough.report.candidates)
    truth = record_pseudonyms(study.truth).set_index("record")["person"]
    for result in (linear, thorough):
        pairs = result.pairs
        right = (
            truth.reindex(pairs["spine_record"]).to_numpy()
            == truth.reindex(pairs["record"]).to_numpy()
        )
        both = set(study.truth.query("wave == 'b'")["person"]) & set(
            study.truth.query("wave == 'r'")["person"]
        )
        precision, recall = right.mean(), right.sum() / len(both)
        assert precision > 0.97 and recall > 0.9


def _meet(left: dict, right: dict, keys: list[tuple[str, ...]]) -> bool:
    """Whether two records share a block (every column of some rule equal and present)."""
    return any(all(left[c] is not None and left[c] == right[c] for c in key) for key in keys)


def test_linear_rules_meet_every_one_element_typo():
    keys = blocking_keys(ELEMENTS, "linear")
    base = {"h_e1": "x1", "h_e2": "x2", "h_e3": "x3", "h_e4": "x4", "birth_year": 1980.0}
    for changed in ELEMENTS:
        assert _meet(base, {**base, changed: "other"}, keys)
    assert _meet(base, {**base, "birth_year": 1981.0}, keys)  # year off, code right
    assert not _meet(base, {**base, "h_e1": "o", "h_e2": "o"}, keys)
    assert len(keys) == len(ELEMENTS) + 1


def test_pattern_em_equals_pairwise_em():
    rng = np.random.default_rng(3)
    comps = {**{e: 2 for e in ELEMENTS}, "birth_year": 3, "gender": 2, "round_id": 2}
    n = 400
    levels = {c: rng.integers(-1, k, n) for c, k in comps.items()}
    known = {c: rng.integers(-1, k, 150) for c, k in comps.items()}
    u = {c: np.full(k, 1.0 / k) for c, k in comps.items()}
    m0 = prior_m(ELEMENTS)
    pairwise = train(levels, known, u, m0, 1e6)
    frame = pd.DataFrame(levels)
    patterns = frame.value_counts().reset_index(name="n")
    kframe = pd.DataFrame(known).value_counts().reset_index(name="n")
    weighted = train_patterns(
        {c: patterns[c].to_numpy() for c in comps},
        patterns["n"].to_numpy(),
        {c: kframe[c].to_numpy() for c in comps},
        kframe["n"].to_numpy(),
        u,
        m0,
        1e6,
    )
    assert weighted.iterations == pairwise.iterations
    assert weighted.prior_lambda == pytest.approx(pairwise.prior_lambda, rel=1e-9)
    for c in comps:
        np.testing.assert_allclose(weighted.m[c], pairwise.m[c], rtol=1e-9)


def test_u_from_frequencies_equals_u_from_values():
    rng = np.random.default_rng(5)

    def frame(n):
        return pd.DataFrame(
            {
                **{e: rng.choice(["a", "b", "c", None], n) for e in ELEMENTS},
                "birth_year": rng.choice([1980.0, 1981.0, 1983.0, np.nan], n),
                "gender": rng.choice(["woman", "man", None], n),
                "round_id": rng.choice(["R1", "R2"], n),
            }
        )

    lf, rf = frame(300), frame(200)
    counts = lambda f: {c: f[c].dropna().value_counts().astype(float) for c in f.columns}  # noqa: E731
    ours = u_from_frequencies(counts(lf), counts(rf), ELEMENTS)
    reference = u_probabilities(lf, rf, ELEMENTS)
    for comp, values in reference.items():
        np.testing.assert_allclose(ours[comp], values, rtol=1e-12)


def test_bad_options_are_named(study):
    args = (study.baseline, study.result)
    with pytest.raises(InputError, match="blocking"):
        link_waves(*args, secret=SECRET, blocking="fast")
    with pytest.raises(InputError, match="threshold"):
        link_waves(*args, secret=SECRET, threshold=1.5)
    with pytest.raises(InputError, match="engine"):
        link_waves(*args, secret=SECRET, engine="dask")
    with pytest.raises(InputError, match="secret"):
        link_waves(*args, secret=None, secret_env=None)
    with pytest.raises(InputError, match="link_code"):
        link_waves(study.baseline.drop(columns="link_code"), study.result, secret=SECRET)


def test_no_raw_codes_in_outputs(study, duck):
    result = link_waves(study.baseline, study.result, secret=SECRET, engine="duckdb", session=duck)
    text = (
        result.pairs.to_csv()
        + result.report.waves.to_csv()
        + result.report.candidates.to_csv()
        + repr(result.report.splink_settings)
    )
    raw = set(study.baseline["response_id"]) | set(
        c for c in study.baseline["link_code"].dropna() if len(c) >= 7
    )
    assert not any(value in text for value in itertools.islice(raw, 300))


def test_shared_codes_are_told_apart_by_round_on_every_engine(duck):
    study = make_study(200, seed=12)
    baseline, result = study.baseline.copy(), study.result.copy()
    truth = study.truth.set_index(["wave", "response_id"])["person"]
    people_b = truth.loc["b"].reindex(baseline["response_id"]).to_numpy()
    people_r = truth.loc["r"].reindex(result["response_id"]).to_numpy()
    both = [p for p in dict.fromkeys(people_b) if p in set(people_r)]
    rounds = baseline.set_index(pd.Index(people_b))["round_id"]
    # give pairs of people in different rounds the same code, birth year and gender
    for a, b in zip(both[0:40:2], both[1:40:2], strict=True):
        if rounds.loc[[a]].iloc[0] == rounds.loc[[b]].iloc[0]:
            continue
        for frame, people in ((baseline, people_b), (result, people_r)):
            source = frame.loc[people == a, ["link_code", "birth_year", "gender"]].iloc[0]
            frame.loc[people == b, ["link_code", "birth_year", "gender"]] = source.to_numpy()
    shared = baseline.duplicated(["link_code", "birth_year", "gender"], keep=False)
    assert shared.sum() >= 10  # people who differ only in their round
    on_pandas = link_waves(baseline, result, secret=SECRET)
    on_duck = link_waves(baseline, result, secret=SECRET, engine="duckdb", session=duck)
    assert_same_links(on_pandas, on_duck)
