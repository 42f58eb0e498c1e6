"""E-values and Rosenbaum bounds against base-R reference values (tests/reference/sensitivity.R).

The R script writes the published formulas out in base R (EValue and rbounds are not
installed); its values are committed in ``tests/reference/sensitivity_values.json``.
"""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from impact.errors import InputError
from impact.matching import EValueResult, RosenbaumResult, e_value, rosenbaum_bounds

REF_DIR = Path(__file__).parent / "reference"
REF = json.loads((REF_DIR / "sensitivity_values.json").read_text())
TOL = 1e-6


def _evalue_rows():
    table = pd.read_csv(REF_DIR / "sensitivity_evalues.csv")
    return list(zip(table.to_dict(orient="records"), REF["evalues"], strict=True))


@pytest.mark.parametrize("row,ref", _evalue_rows())
def test_e_value_matches_reference(row, ref):
    def value(name):
        return None if pd.isna(row[name]) else row[name]

    result = e_value(
        row["estimate"],
        value("ci_lower"),
        value("ci_upper"),
        measure=row["measure"],
        rare=bool(row["rare"]),
        baseline_risk=value("baseline_risk"),
        std_error=value("std_error"),
    )
    assert isinstance(result, EValueResult)
    got = result.tidy().iloc[0]
    for key in ("rr", "rr_lower", "rr_upper", "e_value", "e_value_ci"):
        assert got[key] == pytest.approx(ref[key], abs=TOL), key


def test_e_value_paper_example_and_vectors():
    # VanderWeele & Ding (2017): RR 3.9 (1.8 to 8.7) -> E-value 7.26, CI 3.00
    result = e_value([3.9, 1.0], [1.8, 0.8], [8.7, 1.2], labels=["paper", "null"])
    t = result.tidy()
    assert t["e_value"].round(2).tolist() == [7.26, 1.0]
    assert t["e_value_ci"].round(2).tolist() == [3.0, 1.0]
    assert "7.26" in result.summary()
    assert result.to_dict()["rows"][0]["label"] == "paper"


@pytest.mark.parametrize(
    "kwargs,fragment",
    [
        ({"estimate": 0.1, "measure": "RD"}, "baseline_risk"),
        ({"estimate": -1.0, "measure": "RR"}, "positive"),
        ({"estimate": 1.2, "measure": "XX"}, "measure"),
        ({"estimate": [1.2, 1.3], "ci_lower": [1.0, 1.1, 1.2]}, "ci_lower"),
    ],
)
def test_e_value_bad_input(kwargs, fragment):
    with pytest.raises(InputError, match=fragment):
        e_value(**kwargs)


def _sets(name):
    data = pd.read_csv(REF_DIR / "sensitivity_sets.csv")
    return data[data["dataset"] == name]


@pytest.mark.parametrize("name", list(REF["rosenbaum"]))
def test_rosenbaum_bounds_match_reference(name):
    ref = REF["rosenbaum"][name]
    result = rosenbaum_bounds(_sets(name), outcome="y", group="treated", matched_set="set")
    assert isinstance(result, RosenbaumResult)
    assert result.method == ref["method"]
    assert result.alternative == ref["alternative"]
    assert result.statistic == pytest.approx(ref["statistic"], abs=TOL)
    assert (result.n_sets, result.n_informative) == (ref["n_sets"], ref["n_informative"])
    t = result.tidy()
    np.testing.assert_allclose(t["gamma"], ref["gamma"], atol=1e-12)
    np.testing.assert_allclose(t["p_upper"], ref["p_upper"], atol=TOL, rtol=0)
    np.testing.assert_allclose(t["p_lower"], ref["p_lower"], atol=TOL, rtol=0)
    if "p_upper_mcnemar" in ref:  # pairs: the McNemar form P(Binom(D, G/(1+G)) >= T)
        np.testing.assert_allclose(t["p_upper"], ref["p_upper_mcnemar"], atol=TOL, rtol=0)
    if ref["gamma_critical"] is None:
        assert np.isnan(result.gamma_critical)
    else:
        assert result.gamma_critical == pytest.approx(ref["gamma_critical"], abs=TOL)


def test_rosenbaum_bounds_bad_sets():
    data = pd.DataFrame({"set": [1, 1, 1, 2, 2], "treated": [1, 1, 0, 1, 0], "y": [1, 0, 0, 1, 0]})
    with pytest.raises(InputError, match="exactly one member"):
        rosenbaum_bounds(data, matched_set="set")
    with pytest.raises(InputError, match="'arm'"):
        rosenbaum_bounds(data, group="arm", matched_set="set")


@pytest.fixture(scope="module")
def comparison():
    from impact.matching import register_comparison
    from impact.synth.register import register_extract

    x = register_extract(seed=5, n_external=700)
    return register_comparison(x.tables["register_persons"], x.tables["register_months"])


def test_register_comparison_shows_sensitivity_beside_estimates(comparison, tmp_path):
    tidy = comparison.tidy()
    assert {"e_value", "e_value_ci"} <= set(tidy.columns)
    table = comparison.sensitivity_table()
    assert set(table["specification"]) == set(comparison.specifications)
    main = table[table["specification"] == "main"].set_index("estimator")
    # RD -> RR with the comparison group's matched end-month rate p0
    rates = comparison.main.rates
    p0 = rates[(rates["group"] == "external") & (rates["month"] == comparison.end_month)]["rate"]
    assert main.loc["end_difference", "baseline"] == pytest.approx(float(p0.iloc[0]), abs=1e-12)
    rd = main.loc["end_difference", "estimate"]
    rr = (p0.iloc[0] + rd) / p0.iloc[0]
    assert main.loc["end_difference", "rr"] == pytest.approx(rr, abs=1e-12)
    assert main.loc["end_difference", "e_value"] == pytest.approx(rr + np.sqrt(rr * (rr - 1)))
    # nearest 3:1 without replacement forms one-member sets: bounds; CEM cells do not
    assert (main["bounds_method"] == "binary").all()
    assert table[table["specification"] == "cem"]["bounds_method"].isna().all()
    bounds = comparison.main.sensitivity.bounds
    assert bounds.n_sets == int(comparison.main.matched.tidy().iloc[0]["n_matched"])
    for lang in ("sv", "en"):
        text = comparison.sentence(lang)
        assert ("E-värde" if lang == "sv" else "E-value") in text
        assert "Γ" in text
    assert "E-value" in comparison.summary()
    comparison.write(tmp_path / "reg", languages=("en",), formats=("png",))
    written = pd.read_csv(tmp_path / "reg" / "sensitivity.csv")
    assert list(written.columns)[:3] == ["specification", "estimator", "estimate"]
    assert set(comparison.tables()) == {"", "sensitivity"}
