"""The probabilistic model: EM recovers known parameters, Splink agrees with the formula,
and the one-to-one assignment is optimal."""

import itertools

import numpy as np
import pandas as pd
import pytest

from impact.link import link_waves
from impact.link.assign import one_to_one
from impact.link.probabilistic import SETTINGS_TEMPLATE, blocking_rules, build_settings
from impact.link.training import level_indices, log2_bayes_factors, train
from link_fixtures import SECRET, make_study


def _simulate(rng, n_match, n_non, m, u):
    levels = {}
    for comp in m:
        lv_m = rng.choice(len(m[comp]), n_match, p=m[comp])
        lv_u = rng.choice(len(u[comp]), n_non, p=u[comp])
        levels[comp] = np.concatenate([lv_m, lv_u])
    return levels


def test_em_recovers_known_m_and_lambda():
    rng = np.random.default_rng(2024)
    m = {
        "a": np.array([0.9, 0.1]),
        "b": np.array([0.8, 0.15, 0.05]),
        "c": np.array([0.7, 0.3]),
        "d": np.array([0.95, 0.05]),
    }
    u = {
        "a": np.array([0.05, 0.95]),
        "b": np.array([0.03, 0.06, 0.91]),
        "c": np.array([0.1, 0.9]),
        "d": np.array([0.02, 0.98]),
    }
    n_match, n_non = 4000, 40000
    levels = _simulate(rng, n_match, n_non, m, u)
    prior = {c: np.full(len(v), 1 / len(v)) for c, v in m.items()}
    empty = {c: np.array([], dtype=int) for c in m}
    model = train(levels, empty, u, prior, n_pairs=n_match + n_non, pseudo_count=0.0)
    for comp in m:
        assert model.m[comp] == pytest.approx(m[comp], abs=0.02)
    assert model.prior_lambda == pytest.approx(n_match / (n_match + n_non), rel=0.05)


def test_known_matches_enter_m_and_the_prior():
    u = {"a": np.array([0.1, 0.9])}
    prior = {"a": np.array([0.5, 0.5])}
    candidates = {"a": np.array([1, 1, 1, 1])}  # disagreeing pairs, mostly non-matches
    known = {"a": np.zeros(96, dtype=int)}  # 96 exact links, all agree
    model = train(candidates, known, u, prior, n_pairs=1000.0, pseudo_count=0.0)
    assert model.m["a"][0] > 0.95
    assert model.prior_lambda >= 96 / 1000


def test_splink_match_weights_equal_the_fellegi_sunter_formula():
    study = make_study(300, seed=31)
    res = link_waves(study.baseline, study.result, secret=SECRET)
    settings = res.report.splink_settings["r"]
    cand = res.report.candidates
    elements = [c.removeprefix("agree_") for c in cand.columns if c.startswith("agree_")]
    names = [f"h_{e}" for e in elements]
    m, u = {}, {}
    for comp in settings["comparisons"]:
        lv = [x for x in comp["comparison_levels"] if not x.get("is_null_level")]
        m[comp["output_column_name"]] = np.array([x["m_probability"] for x in lv])
        u[comp["output_column_name"]] = np.array([x["u_probability"] for x in lv])
    pattern = cand.rename(columns={f"agree_{e}": f"agree_{e.removeprefix('h_')}" for e in names})
    levels = level_indices(pattern, names)
    lam = settings["probability_two_random_records_match"]
    expected = log2_bayes_factors(levels, m, u) + np.log2(lam / (1 - lam))
    assert cand["match_weight"].to_numpy() == pytest.approx(expected, abs=1e-6)
    assert cand["match_probability"].to_numpy() == pytest.approx(1 / (1 + 2.0**-expected), abs=1e-9)


def test_settings_are_declarative_and_json_ready():
    import json

    elements = ["h_e1", "h_e2", "h_e3", "h_e4"]
    two = {c: np.array([0.9, 0.1]) for c in [*elements, "gender", "round_id"]}
    three = {"birth_year": np.array([0.9, 0.05, 0.05])}
    settings = build_settings(elements, {**two, **three}, {**two, **three}, 0.001)
    json.dumps(settings)
    assert settings["link_type"] == SETTINGS_TEMPLATE["link_type"] == "link_only"
    assert len(settings["comparisons"]) == 7
    assert len(blocking_rules(elements)) == 6 + 4


def _brute_force(weights):
    n_l, n_r = weights.shape
    best = 0.0
    for perm in itertools.permutations(range(n_r), n_l) if n_l <= n_r else []:
        total = sum(weights[i, j] for i, j in enumerate(perm) if not np.isnan(weights[i, j]))
        best = max(best, total)
    return best


def test_one_to_one_is_optimal_and_never_links_twice():
    rng = np.random.default_rng(5)
    for _ in range(30):
        n_l, n_r = 3, 4
        weights = rng.uniform(0.5, 8, (n_l, n_r))
        weights[rng.random((n_l, n_r)) < 0.4] = np.nan
        rows = [
            {
                "left_uid": f"l{i}",
                "right_uid": f"r{j}",
                "match_weight": weights[i, j],
                "match_probability": 1 / (1 + 2 ** -weights[i, j]),
            }
            for i in range(n_l)
            for j in range(n_r)
            if not np.isnan(weights[i, j])
        ]
        if not rows:
            continue
        chosen = one_to_one(pd.DataFrame(rows), threshold=0.5).chosen
        assert chosen["left_uid"].is_unique and chosen["right_uid"].is_unique
        assert chosen["match_weight"].sum() == pytest.approx(_brute_force(weights))


def test_one_to_one_counts_ambiguous_records():
    cand = pd.DataFrame(
        {
            "left_uid": ["a", "a", "b"],
            "right_uid": ["x", "y", "z"],
            "match_weight": [5.0, 4.0, 6.0],
            "match_probability": [0.97, 0.94, 0.98],
        }
    )
    result = one_to_one(cand, threshold=0.5)
    assert result.ambiguous == 1
    assert set(zip(result.chosen["left_uid"], result.chosen["right_uid"], strict=True)) == {
        ("a", "x"),
        ("b", "z"),
    }
