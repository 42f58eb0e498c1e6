"""Matching on the synthetic register extract (impact.synth.register), whose truth holds the
effect on the treated month by month: matched estimates must beat the naive comparison and
balance must meet |SMD| < 0.1."""

import numpy as np
import pandas as pd
import pytest

from impact.analysis.matching import MatchSpec, balance_table, did, match_persons
from impact.synth.register import register_extract

SEEDS = (1, 2, 3, 4, 5)


def panel_of(months: pd.DataFrame, persons: pd.DataFrame) -> pd.DataFrame:
    long = months[["person_id", "month"]].copy()
    long["y"] = months["employed"].astype(float).to_numpy()
    return long.merge(persons[["person_id", "group", "treated", "weight"]], on="person_id")


def monthly_gap(panel: pd.DataFrame) -> pd.Series:
    used = panel[panel["weight"] > 0]
    sums = (
        used.assign(yw=used["y"] * used["weight"])
        .groupby(["month", "treated"])[["yw", "weight"]]
        .sum()
    )
    rate = (sums["yw"] / sums["weight"]).unstack("treated")
    return rate[1] - rate[0]


@pytest.fixture(scope="module", params=SEEDS)
def extract(request):
    x = register_extract(seed=request.param)
    matched = match_persons(x.tables["register_persons"], MatchSpec())
    return x, matched


def test_matched_estimates_are_closer_to_the_truth(extract):
    x, matched = extract
    truth = x.truth["register_effects"].set_index("month")["att_employment"]
    months = x.tables["register_months"]
    naive_persons = matched.persons.assign(weight=1.0)
    matched_panel = panel_of(months, matched.persons)
    naive_panel = panel_of(months, naive_persons)
    # month-by-month differences, pre-period included (true effect 0 there)
    err_matched = np.sqrt(((monthly_gap(matched_panel) - truth) ** 2).mean())
    err_naive = np.sqrt(((monthly_gap(naive_panel) - truth) ** 2).mean())
    assert err_matched < err_naive
    # difference-in-differences against the true mean post-period effect
    true_did = truth[truth.index > 0].mean() - truth[truth.index <= 0].mean()
    est_matched = did(matched_panel)["estimate"]
    est_naive = did(naive_panel)["estimate"]
    assert abs(est_matched - true_did) < abs(est_naive - true_did)


def test_balance_after_matching_is_below_threshold(extract):
    x, matched = extract
    spec = matched.spec
    table = balance_table(matched.persons, spec.variables, matched.persons["weight"].to_numpy())
    assert table["smd_after"].abs().max() < 0.1
    assert table["smd_before"].abs().max() > 0.5  # the naive comparison is confounded
    counts = matched.tidy().set_index("group")["n_matched"]
    assert counts["intervention"] == 53
    assert counts["external"] == 159  # three controls each, as in the register check


def test_cem_balance_and_weights():
    x = register_extract(seed=11)
    matched = match_persons(x.tables["register_persons"], MatchSpec(method="cem"))
    p = matched.persons
    table = balance_table(p, matched.spec.variables, p["weight"].to_numpy())
    assert table["smd_after"].abs().max() < 0.1
    controls = p[(p["treated"] == 0) & p["matched"]]
    assert controls["weight"].sum() == pytest.approx(len(controls))
