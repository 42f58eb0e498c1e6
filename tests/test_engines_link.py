"""Linking at scale: the same pairs and metrics on pandas and DuckDB, and as ``impact.link``.

References: :func:`impact.link.link_waves` (Splink-scored, the package's linking) for the
``thorough`` rule set; :func:`impact.link.training.train` and
:func:`impact.link.probabilistic.u_probabilities` for the pattern-count EM and frequency-table
u; the synthetic truth of ``tests/link_fixtures.py`` for precision and recall.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from impact.engines import link_at_scale, open_session
from impact.engines.link_blocking import blocking_keys, pandas_candidates
from impact.engines.link_em import train_patterns, u_from_frequencies
from impact.errors import InputError
from impact.link import link_waves
from impact.link.probabilistic import prior_m, u_probabilities
from impact.link.training import train
from link_fixtures import SECRET, make_study, record_pseudonyms

ELEMENTS = ["h_e1", "h_e2", "h_e3", "h_e4"]


@pytest.fixture(scope="module")
def study():
    return make_study(500, seed=7)


@pytest.fixture(scope="module")
def duck():
    with open_session("duckdb") as session:
        yield session


def test_thorough_blocking_reproduces_impact_link(study):
    reference = link_waves(study.baseline, study.result, secret=SECRET)
    ours = link_at_scale(study.baseline, study.result, secret=SECRET, blocking="thorough")
    ref = reference.pairs.sort_values("record").reset_index(drop=True)
    pd.testing.assert_series_equal(ref["record"], ours.pairs["record"], check_names=False)
    pd.testing.assert_series_equal(ref["spine_record"], ours.pairs["spine_record"])
    pd.testing.assert_series_equal(ref["stage"], ours.pairs["stage"])
    np.testing.assert_allclose(
        ref["match_probability"].to_numpy(float),
        ours.pairs["match_probability"].to_numpy(float),
        rtol=1e-9,
    )
    columns = [
        "linked_study_id",
        "linked_exact",
        "linked_splink",
        "linked",
        "unmatched",
        "ambiguous",
    ]
    pd.testing.assert_frame_equal(
        reference.report.waves[columns].iloc[[-1]].reset_index(drop=True),
        ours.metrics[columns].iloc[[-1]].reset_index(drop=True),
    )


@pytest.mark.parametrize("blocking", ["linear", "thorough"])
def test_duckdb_equals_pandas(study, duck, blocking):
    on_pandas = link_at_scale(study.baseline, study.result, secret=SECRET, blocking=blocking)
    on_duck = link_at_scale(
        study.baseline,
        study.result,
        secret=SECRET,
        blocking=blocking,
        engine="duckdb",
        session=duck,
    )
    pd.testing.assert_frame_equal(on_pandas.pairs, on_duck.pairs, rtol=1e-9)
    pd.testing.assert_frame_equal(on_pandas.metrics, on_duck.metrics, rtol=1e-9)
    assert on_pandas.comparisons == on_duck.comparisons
    assert on_pandas.candidates == on_duck.candidates
    assert on_duck.settings["blocking_rules_to_generate_predictions"]
    assert "linked" in on_duck.summary()


def test_randomised_study_with_study_ids(duck):
    study = make_study(300, seed=4, randomised=True)
    on_pandas = link_at_scale(study.baseline, study.result, secret=SECRET)
    on_duck = link_at_scale(
        study.baseline, study.result, secret=SECRET, engine="duckdb", session=duck
    )
    pd.testing.assert_frame_equal(on_pandas.pairs, on_duck.pairs, rtol=1e-9)
    assert (on_duck.pairs["stage"] == "study_id").sum() > 0


def test_linear_blocking_is_accurate_and_cheaper(study):
    linear = link_at_scale(study.baseline, study.result, secret=SECRET, blocking="linear")
    thorough = link_at_scale(study.baseline, study.result, secret=SECRET, blocking="thorough")
    assert linear.comparisons < thorough.comparisons
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


def test_linear_rules_meet_every_one_element_typo():
    keys = blocking_keys(ELEMENTS, "linear")
    base = {
        "uid": "a",
        "h_e1": "x1",
        "h_e2": "x2",
        "h_e3": "x3",
        "h_e4": "x4",
        "birth_year": 1980.0,
    }
    left = pd.DataFrame([base])
    for changed in ELEMENTS:
        right = pd.DataFrame([{**base, "uid": "b", changed: "other"}])
        assert len(pandas_candidates(left, right, keys)) == 1
    right = pd.DataFrame([{**base, "uid": "b", "birth_year": 1981.0}])  # year off, code right
    assert len(pandas_candidates(left, right, keys)) == 1
    two = pd.DataFrame([{**base, "uid": "b", "h_e1": "o", "h_e2": "o"}])
    assert len(pandas_candidates(left, two, keys)) == 0
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
        link_at_scale(*args, secret=SECRET, blocking="fast")
    with pytest.raises(InputError, match="threshold"):
        link_at_scale(*args, secret=SECRET, threshold=1.5)
    with pytest.raises(InputError, match="engine"):
        link_at_scale(*args, secret=SECRET, engine="dask")
    with pytest.raises(InputError, match="secret"):
        link_at_scale(*args, secret=None, secret_env=None)
    with pytest.raises(InputError, match="link_code"):
        link_at_scale(study.baseline.drop(columns="link_code"), study.result, secret=SECRET)


def test_no_raw_codes_in_outputs(study, duck):
    result = link_at_scale(
        study.baseline, study.result, secret=SECRET, engine="duckdb", session=duck
    )
    text = result.pairs.to_csv() + result.metrics.to_csv() + repr(result.settings)
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
    reference = link_waves(baseline, result, secret=SECRET)
    on_pandas = link_at_scale(baseline, result, secret=SECRET, blocking="thorough")
    on_duck = link_at_scale(
        baseline, result, secret=SECRET, blocking="thorough", engine="duckdb", session=duck
    )
    pd.testing.assert_frame_equal(on_pandas.pairs, on_duck.pairs, rtol=1e-9)
    pd.testing.assert_frame_equal(on_pandas.metrics, on_duck.metrics, rtol=1e-9)
    expected = reference.report.waves.iloc[-1]
    got = on_duck.metrics.iloc[-1]
    for column in ("linked_exact", "linked_splink", "linked", "ambiguous"):
        assert got[column] == expected[column], column


def test_records_prepared_in_chunks_give_the_same_links(study):
    """Records are normalised and hashed ``chunk_size`` at a time; ids continue across chunks."""
    whole = link_at_scale(study.baseline, study.result, secret=SECRET)
    chunked = link_at_scale(study.baseline, study.result, secret=SECRET, chunk_size=97)
    pd.testing.assert_frame_equal(whole.pairs, chunked.pairs)
    pd.testing.assert_frame_equal(whole.metrics, chunked.metrics)
