"""Register extract: pool sizes, confounding, matchability, months, and the true effect."""

from __future__ import annotations

import numpy as np
import pytest

from impact.synth import register_extract
from impact.synth.register import effect_multiplier

MATCH_ON = [
    "sex",
    "birth_year",
    "citizenship",
    "county",
    "education_level",
    "immigration_period",
    "employed_at_start",
]


@pytest.fixture(scope="module")
def extract():
    return register_extract(seed=20231103)


def test_pool_sizes(extract):
    persons = extract.tables["register_persons"]
    assert (persons["group"] == "intervention").sum() == 53
    assert (persons["group"] == "external").sum() == 2000
    assert persons["person_id"].is_unique
    assert set(persons["sex"]) <= {"woman", "man"}


def test_external_pool_differs_systematically(extract):
    p = extract.tables["register_persons"]
    by = p.groupby("group")
    assert by["sex"].apply(lambda s: (s == "woman").mean())["intervention"] > 0.6
    assert by["sex"].apply(lambda s: (s == "woman").mean())["external"] < 0.55
    assert (
        by["education_level"].mean()["intervention"]
        > by["education_level"].mean()["external"] + 0.5
    )
    assert (
        by["employed_at_start"].mean()["external"] > by["employed_at_start"].mean()["intervention"]
    )


def test_159_exact_matches_without_replacement(extract):
    p = extract.tables["register_persons"]
    members = p[p["group"] == "intervention"]
    pool = p[p["group"] == "external"].copy()
    used: set[str] = set()
    matched = 0
    for member in members.itertuples(index=False):
        same = np.ones(len(pool), bool)
        for column in MATCH_ON:
            same &= (pool[column] == getattr(member, column)).to_numpy(dtype=bool)
        free = [pid for pid in pool.loc[same, "person_id"] if pid not in used][:3]
        used.update(free)
        matched += len(free)
    assert matched == 159
    twins = extract.truth["register_twins"]
    assert len(twins) == 53 * 5
    assert set(twins["twin_of"]) == set(members["person_id"])


def test_months(extract):
    months = extract.tables["register_months"]
    persons = extract.tables["register_persons"]
    assert months["month"].min() == -6 and months["month"].max() == 18
    assert len(months) == len(persons) * 25
    assert ((months["wage_income"] > 0) == months["employed"]).all()
    start = months[months["month"] == 0].set_index("person_id")["employed"]
    at_start = persons.set_index("person_id")["employed_at_start"]
    assert (start.loc[at_start.index] == at_start).all()
    assert str(months["wage_income"].dtype) == "Float64"
    assert str(months["employed"].dtype) == "boolean"


def test_true_effect_grows(extract):
    eff = extract.truth["register_effects"].set_index("month")
    assert (eff.loc[:0, "att_employment"] == 0).all()
    assert (np.diff(eff["hazard_multiplier"].to_numpy()) >= 0).all()
    multipliers = effect_multiplier(np.arange(-6, 19), 1.0)
    assert multipliers[-1] == pytest.approx(2.0)
    # Averaged over seeds the effect on the treated rises toward the end of the period.
    late = np.mean(
        [
            register_extract(seed=s).truth["register_effects"]["att_employment"].iloc[-1]
            for s in range(5)
        ]
    )
    mid = np.mean(
        [
            register_extract(seed=s).truth["register_effects"]["att_employment"].iloc[12]
            for s in range(5)
        ]
    )
    assert late > mid > 0


def test_reproducible_and_validated(extract):
    again = register_extract(seed=20231103)
    assert extract.tables["register_months"].equals(again.tables["register_months"])
    with pytest.raises(ValueError, match="look-alikes"):
        register_extract(n_external=100)
