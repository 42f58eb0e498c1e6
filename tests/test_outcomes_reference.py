"""Outcome estimators against independent reference values.

Sources (see tests/reference/outcomes_values.json, written by tests/reference/outcomes.R from
tests/reference/outcomes_fixture.csv):

* Wilson CIs — R ``prop.test(x, n, correct = FALSE)$conf.int``;
* Newcombe difference CIs — R (assembled from prop.test limits), Newcombe (1998) Table II
  method 10, and statsmodels ``confint_proportions_2indep(method="newcomb")``;
* Fisher / χ² — R ``fisher.test`` and ``chisq.test(correct = FALSE)``;
* adjusted difference — R ``glm(binomial)`` + AME with numerical-derivative delta-method SE;
* target tests — R ``binom.test`` (two-sided and ``alternative = "less"``);
* response, attribution and trajectory counts — R base counting on the same CSV.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import confint_proportions_2indep

from impact.analysis.outcomes.attribution import attribution
from impact.analysis.outcomes.comparison import gender_comparison
from impact.analysis.outcomes.proportions import (
    binomial_test_against,
    difference_interval,
    two_by_two_test,
    wilson_interval,
)
from impact.analysis.outcomes.response import response_rates
from impact.analysis.outcomes.shares import indicator_shares
from impact.analysis.outcomes.targets import target_attainment
from impact.analysis.outcomes.trajectories import trajectories

REFERENCE = Path(__file__).parent / "reference"
VALUES = json.loads((REFERENCE / "outcomes_values.json").read_text(encoding="utf-8"))


def _fixture_module():
    spec = importlib.util.spec_from_file_location(
        "outcomes_fixture", REFERENCE / "outcomes_fixture.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    """The committed fixture CSV that the R script read."""
    return _fixture_module().read_indicator_table()


@pytest.mark.parametrize("case", VALUES["wilson_fixed"]["values"], ids=lambda c: str(c))
def test_wilson_matches_prop_test(case):
    # source: R prop.test(x, n, conf.level, correct = FALSE)$conf.int
    low, high = wilson_interval(int(case["x"]), int(case["n"]), case["level"])
    assert low == pytest.approx(case["low"], abs=1e-12)
    assert high == pytest.approx(case["high"], abs=1e-12)


def test_wilson_vectorised_and_empty_group():
    low, high = wilson_interval(np.array([0, 3, 0]), np.array([10, 7, 0]))
    assert low[0] == 0.0 and np.isnan(low[2]) and np.isnan(high[2])
    assert high[1] == pytest.approx(wilson_interval(3, 7).high)


def test_shares_match_r_for_every_indicator_and_group(table):
    # source: R prop.test per indicator × (overall, woman, man, R01…R10)
    result = indicator_shares(table, by=["gender", "round_id"]).tidy()
    keyed = result.set_index(["indicator", "group_var", "group"])
    for ref in VALUES["shares"]["values"]:
        row = keyed.loc[(ref["indicator"], ref["group_var"], ref["group"])]
        assert row["n"] == ref["n"]
        assert row["numerator"] == ref["numerator"]
        assert row["missing"] == ref["missing"]
        assert row["share"] == pytest.approx(ref["share"], abs=1e-12)
        assert row["ci_low"] == pytest.approx(ref["low"], abs=1e-12)
        assert row["ci_high"] == pytest.approx(ref["high"], abs=1e-12)


@pytest.fixture(scope="module")
def comparison(table):
    return gender_comparison(table).tidy().set_index("indicator")


def test_gender_difference_newcombe_and_tests_match_r(comparison):
    # source: R — Newcombe from prop.test limits, fisher.test, chisq.test(correct = FALSE)
    for ref in VALUES["comparison"]["values"]:
        row = comparison.loc[ref["indicator"]]
        assert (row["n_a"], row["x_a"], row["n_b"], row["x_b"]) == (
            ref["n_a"], ref["x_a"], ref["n_b"], ref["x_b"],
        )  # fmt: skip
        assert row["difference"] == pytest.approx(ref["difference"], abs=1e-12)
        assert row["diff_ci_low"] == pytest.approx(ref["newcombe_low"], abs=1e-12)
        assert row["diff_ci_high"] == pytest.approx(ref["newcombe_high"], abs=1e-12)
        assert row["p_fisher"] == pytest.approx(ref["p_fisher"], rel=1e-9)
        assert row["p_chisq"] == pytest.approx(ref["p_chisq"], rel=1e-9)
        assert row["chisq"] == pytest.approx(ref["chisq"], rel=1e-9)
        assert row["min_expected"] == pytest.approx(ref["min_expected"], rel=1e-12)
        expected_test = "chisq" if ref["min_expected"] >= 5 else "fisher"
        assert row["test"] == expected_test
        assert row["p_value"] == pytest.approx(ref["p_" + expected_test], rel=1e-9)


def test_adjusted_difference_matches_r_glm_ame(comparison):
    # source: R glm(binomial) + AME, delta-method SE with numerical gradient (h = 1e-6)
    for ref in VALUES["comparison"]["values"]:
        assert ref["glm_converged"]
        row = comparison.loc[ref["indicator"]]
        assert row["adjusted_note"] == ""
        assert row["adjusted_n"] == ref["ame_n"]
        assert row["adjusted_difference"] == pytest.approx(ref["ame"], abs=1e-7)
        assert row["adjusted_se"] == pytest.approx(ref["ame_se"], rel=1e-5)
        half = 1.959963984540054 * ref["ame_se"]
        assert row["adjusted_ci_low"] == pytest.approx(ref["ame"] - half, abs=1e-6)


@pytest.mark.parametrize("ref", VALUES["small_tables"]["values"], ids=lambda r: str(r))
def test_small_tables_fisher_and_chisq(ref):
    # source: R fisher.test / chisq.test(correct = FALSE) on small 2×2 tables
    result = two_by_two_test(ref["x_a"], ref["n_a"], ref["x_b"], ref["n_b"])
    assert result.p_fisher == pytest.approx(ref["p_fisher"], rel=1e-9)
    assert result.p_chisq == pytest.approx(ref["p_chisq"], rel=1e-9)
    assert result.chisq == pytest.approx(ref["chisq"], rel=1e-9)
    assert result.test == "fisher"  # every table has an expected count below 5 (Cochran)
    assert result.p_value == result.p_fisher


@pytest.mark.parametrize("ref", VALUES["newcombe_published"]["values"], ids=lambda r: str(r))
def test_newcombe_matches_published_table_and_statsmodels(ref):
    # source: Newcombe (1998) Table II method 10 (4 decimals) and statsmodels "newcomb"
    ci = difference_interval(ref["x_a"], ref["n_a"], ref["x_b"], ref["n_b"])
    assert ci.low == pytest.approx(ref["low"], abs=5e-5)
    assert ci.high == pytest.approx(ref["high"], abs=5e-5)
    low, high = confint_proportions_2indep(
        ref["x_a"], ref["n_a"], ref["x_b"], ref["n_b"], method="newcomb", compare="diff"
    )
    assert ci.low == pytest.approx(low, abs=1e-10)
    assert ci.high == pytest.approx(high, abs=1e-10)


def test_wald_difference_interval():
    # source: hand computation, 0.8 − 0.6 ± 1.959964 · sqrt(.8·.2/70 + .6·.4/80) (Newcombe ex. a)
    ci = difference_interval(56, 70, 48, 80, method="wald")
    se = np.sqrt(0.8 * 0.2 / 70 + 0.6 * 0.4 / 80)
    assert ci.low == pytest.approx(0.2 - 1.959963984540054 * se, abs=1e-12)
    assert ci.high == pytest.approx(0.2 + 1.959963984540054 * se, abs=1e-12)


def test_targets_match_binom_test(table):
    # source: R binom.test(x, n, p) two-sided and alternative = "less"
    refs = VALUES["targets"]["values"]
    result = target_attainment(table, {r["indicator"]: r["target"] for r in refs}).tidy()
    keyed = result.set_index("indicator")
    for ref in refs:
        row = keyed.loc[ref["indicator"]]
        assert (row["n"], row["numerator"]) == (ref["n"], ref["numerator"])
        assert row["ci_low"] == pytest.approx(ref["low"], abs=1e-12)
        assert row["p_two_sided"] == pytest.approx(ref["p_two_sided"], rel=1e-7)
        assert row["p_below"] == pytest.approx(ref["p_below"], rel=1e-9)
        test = binomial_test_against(ref["numerator"], ref["n"], ref["target"])
        assert test.p_below == pytest.approx(ref["p_below"], rel=1e-9)


def test_response_matches_r_counts(table):
    # source: R sums of responded_* columns and prop.test Wilson CI
    result = response_rates(table, by=None).tidy().set_index("wave")
    for ref in VALUES["response"]["values"]:
        row = result.loc[ref["wave"]]
        assert row["participants"] == ref["participants"]
        assert row["respondents"] == ref["respondents"]
        assert row["linked"] == ref["linked"]
        assert row["with_baseline"] == ref["with_baseline"]
        assert row["rr_ci_low"] == pytest.approx(ref["rr_low"], abs=1e-12)
        assert row["rr_ci_high"] == pytest.approx(ref["rr_high"], abs=1e-12)


def test_attribution_matches_r(table):
    # source: R counts of r_contributed_* among those with the outcome, prop.test Wilson CIs
    result = attribution(table, by=None).tidy().set_index("outcome")
    for ref in VALUES["attribution"]["values"]:
        row = result.loc[ref["outcome"]]
        assert (row["n_outcome"], row["n_answered"]) == (ref["n_outcome"], ref["n_answered"])
        for answer in ("yes", "no", "dont_know"):
            assert row[answer] == ref[answer]
            assert row[f"ci_low_{answer}"] == pytest.approx(ref[f"low_{answer}"], abs=1e-12)
            assert row[f"ci_high_{answer}"] == pytest.approx(ref[f"high_{answer}"], abs=1e-12)
        if "yes_relevant" in ref:
            assert row["yes_relevant"] == ref["yes_relevant"]
        else:
            assert pd.isna(row["yes_relevant"])


def test_employment_trajectory_matches_r(table):
    # source: R share with employment in {part_time, full_time} among each wave's respondents
    result = trajectories(table, ["employment"]).tidy().set_index("wave")
    for ref in VALUES["trajectories"]["values"]:
        row = result.loc[ref["wave"]]
        assert (row["n"], row["numerator"]) == (ref["n"], ref["numerator"])
        assert row["ci_low"] == pytest.approx(ref["low"], abs=1e-12)
        assert row["ci_high"] == pytest.approx(ref["high"], abs=1e-12)
