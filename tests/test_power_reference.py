"""impact.analysis.power against R (pwr, power.prop.test, the unpooled formula) and statsmodels.

R values: tests/reference/power_values.json, written by tests/reference/power.R (R 4.2.2,
pwr 1.3.0). statsmodels values are computed here (an independent implementation installed with
the package). Which method matches which reference:

- ``method="arcsine"`` ↔ ``pwr::pwr.2p2n.test`` and statsmodels ``NormalIndPower`` (h).
- ``method="pooled"``  ↔ ``power.prop.test(strict = TRUE)`` (equal n) and statsmodels
  ``power_proportions_2indep`` (any ratio).
- ``method="unpooled"`` ↔ the Wald formula written out in power.R and statsmodels
  ``normal_power_het`` with ``std_null = std_alternative``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from statsmodels.stats.power import NormalIndPower, normal_power_het
from statsmodels.stats.proportion import _std_diff_prop, power_proportions_2indep

from impact.analysis.power import mde, power, sample_size

REF = json.loads((Path(__file__).parent / "reference" / "power_values.json").read_text())
ALT = {1: "larger", 2: "two-sided"}
# pwr and power.prop.test solve with uniroot at tol = .Machine$double.eps^0.25 ≈ 1.2e-4, so
# values R *solves for* (h, n, p2) are only that accurate; values R evaluates are exact.
R_SOLVED_TOL = 3e-4
EXACT_TOL = 1e-9


@pytest.mark.parametrize("case", REF["pwr_2p2n_h"], ids=lambda c: f"{c['n1']}-{c['n2']}")
def test_arcsine_h_matches_pwr(case):
    """pwr.2p2n.test(n1, n2, sig.level, power) → h; our MDE at any base rate has that h."""
    found = mde(
        case["n1"],
        case["n2"],
        control_rate=0.3,
        power=case["power"],
        alpha=case["alpha"],
        sides=case["sides"],
        method="arcsine",
        direction="increase",
    ).detectable[0]
    assert found.cohens_h == pytest.approx(case["h"], abs=R_SOLVED_TOL)
    # statsmodels NormalIndPower (ratio = nobs2 / nobs1): at our h its power is the target
    # exactly; its own root finder is, like R's, only accurate to about 1e-5
    sm = NormalIndPower()
    kwargs = {"nobs1": case["n1"], "ratio": case["n2"] / case["n1"], "alpha": case["alpha"]}
    alternative = ALT[case["sides"]]
    assert sm.power(found.cohens_h, alternative=alternative, **kwargs) == pytest.approx(
        case["power"], abs=1e-9
    )
    sm_h = sm.solve_power(power=case["power"], alternative=alternative, **kwargs)
    assert found.cohens_h == pytest.approx(sm_h, abs=1e-4)


def test_issue_worked_value_73_78():
    """Issue: n1 = 73, n2 = 78, α = 0.05, power 0.8 → h = 0.4562 → +22.2 pp at 30 % (arcsine)."""
    ref = REF["pwr_2p2n_mde_pp"]
    result = mde(73, 78, control_rate=ref["control_rate"], method="arcsine")
    rise, fall = result.get("increase"), result.get("decrease")
    assert round(rise.cohens_h, 4) == 0.4562
    assert rise.mde_pp == pytest.approx(ref["rise_pp"], abs=0.01)
    assert fall.mde_pp == pytest.approx(ref["fall_pp"], abs=0.01)
    assert round(rise.mde_pp, 1) == 22.2
    assert "22.2 percentage points" in result.sentence()


@pytest.mark.parametrize("case", REF["pwr_2p2n_power"], ids=lambda c: f"h{c['h']}")
def test_arcsine_power_matches_pwr(case):
    """pwr.2p2n.test(h, n1, n2) → power; we feed the rates with that h at a 40 % base rate."""
    p0 = 0.4
    p1 = np.sin(np.arcsin(np.sqrt(p0)) + case["h"] / 2) ** 2
    got = power(
        case["n1"],
        case["n2"],
        control_rate=p0,
        effect_pp=100 * (p1 - p0),
        alpha=case["alpha"],
        sides=case["sides"],
        method="arcsine",
    )
    assert got.power == pytest.approx(case["power"], abs=EXACT_TOL)
    assert got.cohens_h == pytest.approx(case["h"], abs=1e-12)


@pytest.mark.parametrize("case", REF["power_prop_test_power"], ids=lambda c: f"n{c['n']}")
def test_pooled_power_matches_power_prop_test(case):
    """power.prop.test(n, p1, p2, strict = TRUE) = pooled method with equal arms."""
    got = power(
        case["n"],
        case["n"],
        control_rate=case["p1"],
        effect_pp=100 * (case["p2"] - case["p1"]),
        alpha=case["alpha"],
        sides=case["sides"],
        method="pooled",
    )
    assert got.power == pytest.approx(case["power_strict"], abs=EXACT_TOL)
    # R's default strict = FALSE drops the far rejection region: never more than ours
    assert case["power_default"] <= got.power + EXACT_TOL
    sm = power_proportions_2indep(
        case["p2"] - case["p1"],
        case["p1"],
        case["n"],
        alpha=case["alpha"],
        alternative=ALT[case["sides"]],
        return_results=False,
    )
    assert got.power == pytest.approx(sm, abs=EXACT_TOL)


@pytest.mark.parametrize("case", REF["power_prop_test_n"], ids=lambda c: f"{c['p1']}-{c['p2']}")
def test_pooled_sample_size_matches_power_prop_test(case):
    got = sample_size(
        control_rate=case["p1"],
        effect_pp=100 * (case["p2"] - case["p1"]),
        power=case["power"],
        alpha=case["alpha"],
        sides=case["sides"],
        method="pooled",
    )
    assert got.exact_treatment == pytest.approx(case["n"], rel=R_SOLVED_TOL)
    assert got.analysed_treatment == int(np.ceil(case["n"]))


@pytest.mark.parametrize("case", REF["power_prop_test_p2"], ids=lambda c: f"n{c['n']}")
def test_pooled_mde_matches_power_prop_test(case):
    got = mde(
        case["n"],
        case["n"],
        control_rate=case["p1"],
        power=case["power"],
        alpha=case["alpha"],
        method="pooled",
        direction="increase",
    ).detectable[0]
    assert got.treatment_rate == pytest.approx(case["p2"], abs=R_SOLVED_TOL)


@pytest.mark.parametrize("case", REF["unpooled_wald"], ids=lambda c: f"{c['p0']}-{c['n1']}")
def test_unpooled_matches_r_formula_and_statsmodels(case):
    result = mde(
        case["n1"],
        case["n0"],
        control_rate=case["p0"],
        power=case["power"],
        alpha=case["alpha"],
        sides=case["sides"],
        method="unpooled",
    )
    assert result.get("increase").mde_pp == pytest.approx(case["rise_pp"], abs=1e-6)
    assert result.get("decrease").mde_pp == pytest.approx(case["fall_pp"], abs=1e-6)
    got = power(
        case["n1"],
        case["n0"],
        control_rate=case["p0"],
        effect_pp=10,
        alpha=case["alpha"],
        sides=case["sides"],
        method="unpooled",
    )
    assert got.power == pytest.approx(case["power_at_10pp"], abs=EXACT_TOL)
    ratio = case["n0"] / case["n1"]
    std = _std_diff_prop(case["p0"] + 0.10, case["p0"], ratio=ratio)
    sm = normal_power_het(
        0.10,
        case["n1"],
        case["alpha"],
        std_null=std,
        std_alternative=std,
        alternative=ALT[case["sides"]],
    )
    assert got.power == pytest.approx(sm, abs=EXACT_TOL)


@pytest.mark.parametrize(
    ("n1", "n2", "p0", "effect", "sides"),
    [(73, 78, 0.3, 15, 2), (200, 100, 0.1, -5, 2), (60, 180, 0.74, 10, 1), (500, 500, 0.49, 3, 2)],
)
def test_pooled_unequal_arms_matches_statsmodels(n1, n2, p0, effect, sides):
    """power_proportions_2indep handles any ratio; prop2 is the control rate."""
    got = power(n1, n2, control_rate=p0, effect_pp=effect, sides=sides, method="pooled")
    alternative = ALT[sides] if effect > 0 or sides == 2 else "smaller"
    sm = power_proportions_2indep(
        effect / 100, p0, n1, ratio=n2 / n1, alternative=alternative, return_results=False
    )
    assert got.power == pytest.approx(sm, abs=EXACT_TOL)
