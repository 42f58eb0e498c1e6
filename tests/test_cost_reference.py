"""Cost per additional outcome against reference values from R (tests/reference/cost.R).

``Rscript tests/reference/cost.R`` computed every number compared here: ITTs with estimatr
``lm_robust`` (HC2, stratum fixed effects), CACE point estimates with ``AER::ivreg``, and
Fieller's set solved with ``polyroot`` from the published formula; the values are committed in
``tests/reference/cost_values.json`` (R is not needed to run these tests).
"""

import json
import math
from pathlib import Path

import pandas as pd
import pytest

from impact.analysis.cost import bootstrap_effect, cost_effectiveness, fieller_set
from impact.analysis.cost.fieller import cost_reading

REF_DIR = Path(__file__).parent / "reference"
REF = json.loads((REF_DIR / "cost_values.json").read_text())
OUTCOMES = ["got_job", "job_or_steps", "took_steps"]
TOL = 1e-6
COSTS = {"per_participant": REF["per_participant"], "price_year": 2025, "bootstrap_draws": 200}


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    frame = pd.read_csv(REF_DIR / "cost_data.csv")
    for column in [*OUTCOMES, "started"]:
        frame[column] = frame[column].astype("boolean")
    return frame


@pytest.fixture(scope="module")
def result(data):
    return cost_effectiveness(data, COSTS, outcomes=OUTCOMES, seed=1).tidy().set_index("outcome")


def test_cost_basis_matches(data):
    found = cost_effectiveness(data, COSTS, outcomes=["got_job"], draws=200).basis
    assert found["n_offered"] == REF["n_offered"]
    assert found["n_participants"] == REF["n_started"]
    assert found["total"] == pytest.approx(REF["total"], rel=TOL)
    assert found["per_offered"] == pytest.approx(REF["cost_per_offered"], rel=TOL)


@pytest.mark.parametrize("outcome", OUTCOMES)
def test_itt_cost_and_impact_match_r(result, outcome):
    ref, row = REF["itt"][outcome], result.loc[outcome]
    for name in ("estimate", "std_error", "df", "impact", "impact_low", "impact_high"):
        assert row[name] == pytest.approx(ref[name], rel=TOL, abs=TOL), name
    if ref["cost_per_outcome"] is None:
        assert math.isnan(row["cost_per_outcome"])
    else:
        assert row["cost_per_outcome"] == pytest.approx(ref["cost_per_outcome"], rel=TOL)


@pytest.mark.parametrize("outcome", OUTCOMES)
def test_fieller_interval_matches_r(result, outcome):
    ref, row = REF["itt"][outcome], result.loc[outcome]
    if ref["fieller_kind"] == "bounded" and ref["fieller_low"] > 0:
        assert row["fieller_interval"] == "bounded"
        assert row["fieller_low"] == pytest.approx(ref["fieller_low"], rel=TOL)
        assert row["fieller_high"] == pytest.approx(ref["fieller_high"], rel=TOL)
    elif ref["fieller_kind"] == "exclusive":
        # the positive ray [high, ∞): a lower limit and no finite upper one, never printed
        assert row["fieller_interval"] == "no_upper_limit"
        assert row["fieller_low"] == pytest.approx(ref["fieller_high"], rel=TOL)
        assert math.isnan(row["fieller_high"])
    else:
        assert ref["fieller_high"] < 0
        assert row["fieller_interval"] == "not_positive"
        assert math.isnan(row["fieller_low"]) and math.isnan(row["fieller_high"])


@pytest.mark.parametrize("outcome", OUTCOMES)
def test_raw_fieller_set_matches_r(result, outcome):
    ref = REF["itt"][outcome]
    from impact.analysis.cost.fieller import critical_value

    found = fieller_set(REF["cost_per_offered"], ref["estimate"], ref["std_error"] ** 2,
                        crit=critical_value(REF["level"], ref["df"]))  # fmt: skip
    assert found.kind == ref["fieller_kind"]
    assert found.low == pytest.approx(ref["fieller_low"], rel=TOL)
    assert found.high == pytest.approx(ref["fieller_high"], rel=TOL)


@pytest.mark.parametrize("case", range(3))
def test_general_fieller_with_uncertain_cost_matches_r(case):
    ref = REF["general"][case]
    found = fieller_set(ref["a"], ref["b"], ref["vb"], var_numerator=ref["va"],
                        covariance=ref["vab"], crit=ref["crit"])  # fmt: skip
    assert found.kind == ref["kind"]
    if ref["kind"] == "unbounded":
        assert math.isnan(found.low) and math.isnan(found.high)
        assert cost_reading(found)[0] == "unbounded"
    else:
        assert found.low == pytest.approx(ref["low"], rel=TOL)
        assert found.high == pytest.approx(ref["high"], rel=TOL)


@pytest.mark.parametrize("outcome", OUTCOMES)
def test_bootstrap_centre_is_the_estimator_r_computes(data, outcome):
    itt = bootstrap_effect(data, outcome, draws=10, seed=1)
    assert itt.estimate == pytest.approx(REF["itt"][outcome]["estimate"], rel=TOL)
    cace = bootstrap_effect(data, outcome, take_up="started", draws=10, seed=1)
    assert cace.estimate == pytest.approx(REF["cace"][outcome]["estimate"], rel=TOL)


def test_cace_cost_uses_the_cost_per_participant(data):
    from impact.rct import cace

    estimates = cace(data, outcomes=["got_job"], take_up="started").tidy()
    assert estimates["estimate"].iloc[0] == pytest.approx(REF["cace"]["got_job"]["estimate"],
                                                          rel=TOL)  # fmt: skip
    found = cost_effectiveness(data, COSTS, outcomes=["got_job"], effect="cace",
                               estimates=estimates, seed=1).tidy().iloc[0]  # fmt: skip
    assert found["effect"] == "cace"
    assert found["cost_per_person"] == pytest.approx(REF["per_participant"], rel=TOL)
    expected = REF["per_participant"] / REF["cace"]["got_job"]["estimate"]
    assert found["cost_per_outcome"] == pytest.approx(expected, rel=TOL)
