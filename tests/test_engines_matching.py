"""Exact matching and CEM as SQL group-bys (DuckDB) against MatchIt and the pandas module.

References: ``tests/reference/matching_values.json``, written by ``tests/reference/matching.R``
(R MatchIt 4.5: ``method = "exact"`` and ``method = "cem"`` with ``cutpoints``; weighted monthly
rates with ``aggregate``) on ``tests/reference/matching_persons.csv`` / ``matching_months.csv``;
and :mod:`impact.analysis.matching` (``match_persons``, ``monthly_rates``).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from impact.analysis.matching import matched_rates
from impact.engines import open_session
from impact.errors import AnalysisError, InputError
from impact.synth.register import register_extract

REFERENCE = Path(__file__).parent / "reference"
EXACT = ["sex", "county", "education_level", "employed_at_start"]
CEM_EXACT = ["sex", "employed_at_start", "education_level"]
CASES = {  # MatchIt call in matching.R → our options
    "exact": {"method": "exact", "exact": EXACT, "coarsen": {}},
    "cem_bins": {"method": "cem", "exact": CEM_EXACT, "coarsen": {"birth_year": 5}},
    "cem_cuts": {
        "method": "cem",
        "exact": CEM_EXACT,
        "coarsen": {"birth_year": [1970, 1980, 1990]},
    },
    "cem_sturges": {"method": "cem", "exact": CEM_EXACT, "coarsen": {"birth_year": "sturges"}},
}


@pytest.fixture(scope="module")
def reference():
    persons = pd.read_csv(REFERENCE / "matching_persons.csv")
    persons["employed_at_start"] = persons["employed_at_start"].astype("boolean")
    months = pd.read_csv(REFERENCE / "matching_months.csv")
    months["employed"] = months["employed"].astype("boolean")
    values = json.loads((REFERENCE / "matching_values.json").read_text())
    return persons, months, values


@pytest.fixture(scope="module")
def duck():
    with open_session("duckdb") as session:
        yield session


@pytest.mark.parametrize("case", list(CASES))
def test_weights_equal_matchit(reference, duck, case):
    persons, months, values = reference
    result = matched_rates(
        persons, months, engine="duckdb", session=duck, collect=True, **CASES[case]
    )
    expected = pd.Series(values[case]["weights"], index=values[case]["person_id"])
    got = result.weights.set_index("person_id")["weight"].reindex(expected.index).fillna(0.0)
    np.testing.assert_allclose(got.to_numpy(float), expected.to_numpy(float), rtol=1e-9, atol=1e-12)
    groups = result.groups.set_index("group")
    assert groups.loc["intervention", "n_matched"] == values[case]["n_matched_treated"]
    assert groups.loc["external", "n_matched"] == values[case]["n_matched_control"]


def test_monthly_rates_equal_r(reference, duck):
    persons, months, values = reference
    result = matched_rates(persons, months, engine="duckdb", session=duck, **CASES["exact"])
    rates = values["outcomes"]["rates"]
    expected = (
        pd.DataFrame(
            {
                "group": np.where(np.array(rates["treat"]) == 1, "intervention", "external"),
                "month": rates["month"],
                "rate": rates["rate"],
            }
        )
        .sort_values(["group", "month"])
        .reset_index(drop=True)
    )
    np.testing.assert_allclose(result.rates["rate"], expected["rate"], rtol=1e-9)
    assert result.rates["month"].tolist() == expected["month"].tolist()


@pytest.mark.parametrize("method,coarsen", [("exact", None), ("cem", {"birth_year": 4})])
def test_duckdb_equals_pandas_on_a_register(duck, method, coarsen):
    extract = register_extract(seed=3, n_external=2500)
    persons, months = extract.tables["register_persons"], extract.tables["register_months"]
    on_pandas = matched_rates(persons, months, method=method, coarsen=coarsen, collect=True)
    on_duck = matched_rates(
        persons, months, engine="duckdb", method=method, coarsen=coarsen, collect=True, session=duck
    )
    pd.testing.assert_frame_equal(on_pandas.groups, on_duck.groups, check_dtype=False, rtol=1e-12)
    pd.testing.assert_frame_equal(on_pandas.rates, on_duck.rates, check_dtype=False, rtol=1e-9)
    pd.testing.assert_frame_equal(on_pandas.weights, on_duck.weights, check_dtype=False, rtol=1e-12)
    assert "intervention members matched" in on_duck.summary()


def test_wage_income_outcome(reference, duck):
    extract = register_extract(seed=5, n_external=800)
    persons, months = extract.tables["register_persons"], extract.tables["register_months"]
    a = matched_rates(persons, months, outcome="wage_income")
    b = matched_rates(persons, months, outcome="wage_income", engine="duckdb", session=duck)
    pd.testing.assert_frame_equal(a.rates, b.rates, check_dtype=False, rtol=1e-9)
    assert (b.rates["ci_upper"] > 1).any()  # not clipped to [0, 1] for amounts


def test_bad_requests(reference, duck):
    persons, months, _ = reference
    with pytest.raises(InputError, match="method"):
        matched_rates(persons, engine="duckdb", method="nearest", session=duck)
    with pytest.raises(InputError, match="outcome"):
        matched_rates(persons, months, engine="duckdb", outcome="salary", session=duck)
    with pytest.raises(InputError, match="lacks columns"):
        matched_rates(
            persons.drop(columns="county"), engine="duckdb", exact=EXACT, coarsen={}, session=duck
        )
    bad = persons.assign(group="treated")
    with pytest.raises(InputError, match="groups"):
        matched_rates(bad, engine="duckdb", exact=EXACT, coarsen={}, session=duck)
    alone = persons[persons["group"] == "intervention"]
    with pytest.raises(AnalysisError, match="no complete person"):
        matched_rates(alone, engine="duckdb", exact=EXACT, coarsen={}, session=duck)
    with pytest.raises(AnalysisError, match="no intervention member"):
        matched_rates(persons, engine="duckdb", exact=[*EXACT, "x"], coarsen={}, session=duck)
