"""Matching against R's MatchIt 4.5 (exact, CEM, nearest, propensity) and sandwich/lm.

Reference values: tests/reference/matching_values.json, written by tests/reference/matching.R
from tests/reference/matching_persons.csv and matching_months.csv.
"""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from impact.analysis.matching import (
    MatchSpec,
    balance_table,
    did,
    end_difference,
    event_study,
    match_persons,
    monthly_rates,
)

HERE = Path(__file__).parent / "reference"
VALUES = json.loads((HERE / "matching_values.json").read_text())
EXACT = ("sex", "county", "education_level", "employed_at_start")


def load_persons() -> pd.DataFrame:
    persons = pd.read_csv(
        HERE / "matching_persons.csv", dtype={"county": "string", "person_id": "string"}
    )
    persons["sex"] = persons["sex"].astype("string")
    persons["employed_at_start"] = persons["employed_at_start"].astype("boolean")
    return persons


def load_months() -> pd.DataFrame:
    return pd.read_csv(HERE / "matching_months.csv", dtype={"person_id": "string"})


def check_weights(matched, ref):
    got = matched.persons.set_index("person_id")["weight"].reindex(ref["person_id"])
    np.testing.assert_allclose(got.to_numpy(), ref["weights"], rtol=1e-10, atol=1e-12)
    counts = matched.tidy().set_index("group")["n_matched"]
    assert counts["intervention"] == ref["n_matched_treated"]
    assert counts["external"] == ref["n_matched_control"]


def test_exact_matching_counts_and_weights():
    matched = match_persons(load_persons(), MatchSpec(method="exact", exact=EXACT, coarsen={}))
    check_weights(matched, VALUES["exact"])


@pytest.mark.parametrize(
    ("case", "cuts"),
    [("cem_bins", 5), ("cem_cuts", [1970, 1980, 1990]), ("cem_sturges", "sturges")],
)
def test_cem_counts_and_weights(case, cuts):
    spec = MatchSpec(
        method="cem",
        exact=("sex", "employed_at_start", "education_level"),
        coarsen={"birth_year": cuts},
    )
    check_weights(match_persons(load_persons(), spec), VALUES[case])


def score_spec(**options) -> MatchSpec:
    return MatchSpec(
        method="propensity", exact=(), coarsen={"sex": None}, distance="score", **options
    )


@pytest.mark.parametrize("ratio", [1, 3])
def test_nearest_on_a_score_without_replacement(ratio):
    check_weights(
        match_persons(load_persons(), score_spec(ratio=ratio)), VALUES[f"nearest_score_{ratio}"]
    )


def test_nearest_on_a_score_with_replacement():
    spec = score_spec(ratio=2, replace=True)
    check_weights(match_persons(load_persons(), spec), VALUES["nearest_score_replace"])


def test_nearest_on_a_score_within_exact_cells():
    spec = MatchSpec(method="propensity", exact=("sex",), coarsen={}, ratio=3, distance="score")
    check_weights(match_persons(load_persons(), spec), VALUES["nearest_score_exact"])


def test_nearest_on_a_score_with_caliper_within_exact_cells():
    spec = MatchSpec(
        method="propensity", exact=("sex",), coarsen={}, ratio=3, caliper=0.05, distance="score"
    )
    check_weights(match_persons(load_persons(), spec), VALUES["nearest_score_caliper_exact"])


@pytest.mark.parametrize("ratio", [1, 3])
def test_nearest_on_mahalanobis_distance(ratio):
    spec = MatchSpec(method="nearest", exact=(), coarsen={"x": None, "score": None}, ratio=ratio)
    check_weights(match_persons(load_persons(), spec), VALUES[f"mahalanobis_{ratio}"])


def test_propensity_score_matches_matchit_glm():
    ref = VALUES["propensity"]
    variables = ["x", "sex", "county", "birth_year", "employed_at_start"]
    spec = MatchSpec(method="propensity", exact=(), coarsen=dict.fromkeys(variables), ratio=3)
    matched = match_persons(load_persons(), spec)
    score = matched.persons.set_index("person_id")["distance"].reindex(ref["person_id"])
    np.testing.assert_allclose(score.to_numpy(), ref["distance"], rtol=1e-6)


def _terms(names):
    """MatchIt's term names (sexman, employed_at_startTRUE) → ours (sex[man], employed_at_start)."""
    out = []
    for name in names:
        for var in ("sex", "county"):
            if name.startswith(var) and name != var:
                name = f"{var}[{name[len(var) :]}]"
        out.append(name.replace("TRUE", ""))
    return out


def _expected(values):
    return np.array([np.nan if v is None or v == "NA" else v for v in values], float)


@pytest.mark.parametrize("case", ["exact", "mahalanobis"])
def test_balance_matches_matchit_summary(case):
    persons = load_persons()
    if case == "exact":
        ref = VALUES["exact"]["balance"]
        spec = MatchSpec(method="exact", exact=EXACT, coarsen={})
        variables = list(EXACT)
    else:
        ref = VALUES["mahalanobis_balance"]
        spec = MatchSpec(method="nearest", exact=(), coarsen={"x": None, "score": None}, ratio=3)
        variables = ["x", "score", "sex", "county", "birth_year", "employed_at_start"]
    matched = match_persons(persons, spec)
    data = matched.persons[["person_id", "treated", "weight"]].merge(persons, on="person_id")
    table = balance_table(data, variables, data["weight"].to_numpy()).set_index("term")
    table = table.loc[_terms(ref["term"])]
    for column in ("smd_before", "smd_after", "var_ratio_before", "var_ratio_after"):
        np.testing.assert_allclose(
            table[column].to_numpy(float), _expected(ref[column]), rtol=1e-8, atol=1e-12
        )


@pytest.fixture(scope="module")
def exact_panel():
    matched = match_persons(load_persons(), MatchSpec(method="exact", exact=EXACT, coarsen={}))
    months = load_months().rename(columns={"employed": "y"})
    months["y"] = months["y"].astype(float)
    panel = months.merge(
        matched.persons[["person_id", "group", "treated", "weight"]], on="person_id"
    )
    return matched, panel


def test_outcome_estimates_match_lm_and_sandwich(exact_panel):
    matched, panel = exact_panel
    ref = VALUES["outcomes"]
    end = end_difference(panel, matched.persons, end_month=6)
    assert end["estimate"] == pytest.approx(ref["end_difference"]["estimate"], rel=1e-9)
    assert end["std_error"] == pytest.approx(ref["end_difference"]["std_error"], rel=1e-9)
    adj = end_difference(panel, matched.persons, end_month=6, adjust=list(EXACT))
    assert adj["estimate"] == pytest.approx(ref["adjusted"]["estimate"], rel=1e-8)
    assert adj["std_error"] == pytest.approx(ref["adjusted"]["std_error"], rel=1e-8)
    d = did(panel, reference_month=0)
    assert d["estimate"] == pytest.approx(ref["did"]["estimate"], rel=1e-9)
    assert d["std_error"] == pytest.approx(ref["did"]["std_error"], rel=1e-9)
    events = event_study(panel, reference_month=0).set_index("month")
    got = events.loc[ref["event_study"]["month"]]
    np.testing.assert_allclose(got["estimate"], ref["event_study"]["estimate"], rtol=1e-8)
    np.testing.assert_allclose(got["std_error"], ref["event_study"]["std_error"], rtol=1e-8)
    assert events.loc[0, "estimate"] == 0.0


def test_monthly_rates_are_weighted_means(exact_panel):
    _, panel = exact_panel
    ref = VALUES["outcomes"]["rates"]
    rates = monthly_rates(panel)
    rates["treat"] = (rates["group"] == "intervention").astype(int)
    got = rates.set_index(["treat", "month"])["rate"]
    expected = pd.Series(ref["rate"], index=pd.MultiIndex.from_arrays([ref["treat"], ref["month"]]))
    np.testing.assert_allclose(got.loc[expected.index].to_numpy(), expected.to_numpy(), rtol=1e-10)
