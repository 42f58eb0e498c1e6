"""Lee and Manski bounds: the issue's worked example, R reference values, edge cases."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from impact.analysis.attrition import (
    imbens_manski_critical_value,
    lee_bounds,
    manski_bounds,
    trimmed_mean,
)
from impact.errors import AnalysisError, InputError

REFERENCE = Path(__file__).parent / "reference"
VALUES = json.loads((REFERENCE / "attrition_values.json").read_text())


def reference_data() -> pd.DataFrame:
    data = pd.read_csv(
        REFERENCE / "attrition_data.csv", dtype={"got_job": "Int64", "income": "Float64"}
    )
    data["got_job"] = data["got_job"].astype("boolean")
    for column in ("arm", "stratum", "gender"):
        data[column] = data[column].astype("string")
    return data


def worked_example() -> pd.DataFrame:
    """Issue example: treated 100 assigned / 80 respond / 40 ones; control 100 / 70 / 28."""
    y = [True] * 40 + [False] * 40 + [pd.NA] * 20 + [True] * 28 + [False] * 42 + [pd.NA] * 30
    return pd.DataFrame(
        {
            "arm": pd.array(["treatment"] * 100 + ["control"] * 100, dtype="string"),
            "y": pd.array(y, dtype="boolean"),
            "gender": pd.array(["woman", "man"] * 100, dtype="string"),
        }
    )


def test_worked_example_lee_bounds():
    result = lee_bounds(worked_example(), outcome="y")
    assert result.trimming_share == pytest.approx(0.125)
    assert result.lower == pytest.approx(0.02857, abs=5e-6)
    assert result.upper == pytest.approx(0.17143, abs=5e-6)
    assert result.naive == pytest.approx(0.10)
    assert result.trimmed_arm == "treatment"
    assert result.outcome_type == "binary"
    assert result.ci_lower < result.lower < result.upper < result.ci_upper


def test_worked_example_manski_bounds():
    result = manski_bounds(worked_example(), outcome="y")
    assert result.lower == pytest.approx(-0.18)
    assert result.upper == pytest.approx(0.32)


def test_naive_quantile_trimming_would_collapse_but_fractional_does_not():
    ones_and_zeros = np.array([1.0] * 40 + [0.0] * 40)
    # naive trimming: keep values <= the (1 - p) quantile, which is 1 on these data
    cut = np.quantile(ones_and_zeros, 1 - 0.125)
    assert ones_and_zeros[ones_and_zeros <= cut].mean() == pytest.approx(0.5)
    assert trimmed_mean(ones_and_zeros, 0.125, keep="lower") == pytest.approx(30 / 70)
    assert trimmed_mean(ones_and_zeros, 0.125, keep="upper") == pytest.approx(40 / 70)


def test_fractional_trimming_by_hand():
    values = np.array([1.0, 2.0, 3.0, 4.0])
    # keep 3.5 units of mass from the bottom: 1 + 2 + 3 + 0.5 * 4 over 3.5
    assert trimmed_mean(values, 0.125, keep="lower") == pytest.approx(8 / 3.5)
    assert trimmed_mean(values, 0.125, keep="upper") == pytest.approx((4 + 3 + 2 + 0.5) / 3.5)
    assert trimmed_mean(values, 0.0, keep="lower") == pytest.approx(2.5)


def test_binary_analytic_se_matches_bootstrap_on_worked_example():
    analytic = lee_bounds(worked_example(), outcome="y")
    boot = lee_bounds(worked_example(), outcome="y", se_method="bootstrap", n_bootstrap=2000)
    assert boot.lower == analytic.lower
    assert boot.se_lower == pytest.approx(analytic.se_lower, rel=0.1)
    assert boot.se_upper == pytest.approx(analytic.se_upper, rel=0.1)
    again = lee_bounds(worked_example(), outcome="y", se_method="bootstrap", n_bootstrap=2000)
    assert again.se_lower == boot.se_lower  # seeded


@pytest.mark.parametrize(
    ("key", "kwargs", "swap"),
    [
        ("lee_income", {}, False),
        ("lee_income_gender", {"tighten_by": "gender"}, False),
        ("lee_income_swapped", {}, True),
    ],
)
def test_continuous_lee_bounds_match_r(key, kwargs, swap):
    # Source: tests/reference/attrition.R, section 5 (fractional trimming and Lee 2009 SEs).
    data = reference_data()
    if swap:
        data["arm"] = data["arm"].map({"treatment": "control", "control": "treatment"})
    ref = VALUES[key]
    result = lee_bounds(data, outcome="income", **kwargs)
    assert result.outcome_type == "continuous"
    assert result.trimming_share == pytest.approx(ref["trimming_share"])
    assert result.naive == pytest.approx(ref["naive"])
    assert result.lower == pytest.approx(ref["lower"])
    assert result.upper == pytest.approx(ref["upper"])
    if "se_lower" not in ref:  # tightened: SEs and CIs in tests/test_attrition_lee_tight.py
        return
    assert result.se_lower == pytest.approx(ref["se_lower"])
    assert result.se_upper == pytest.approx(ref["se_upper"])
    assert [result.ci_lower, result.ci_upper] == pytest.approx(ref["im_ci"])
    wide = lee_bounds(data, outcome="income", ci="bounds", **kwargs)
    assert [wide.ci_lower, wide.ci_upper] == pytest.approx(ref["bounds_ci"])


def test_binary_lee_bounds_and_delta_se_match_r():
    # Source: tests/reference/attrition.R, section 6 (closed form, hand-derived gradient).
    ref = VALUES["lee_got_job"]
    result = lee_bounds(reference_data(), outcome="got_job")
    assert result.lower == pytest.approx(ref["lower"])
    assert result.upper == pytest.approx(ref["upper"])
    assert result.se_lower == pytest.approx(ref["se_lower"], rel=1e-6)
    assert result.se_upper == pytest.approx(ref["se_upper"], rel=1e-6)


def test_manski_bounds_match_r():
    # Source: tests/reference/attrition.R, section 7.
    ref = VALUES["manski_got_job"]
    result = manski_bounds(reference_data(), outcome="got_job")
    assert result.lower == pytest.approx(ref["lower"])
    assert result.upper == pytest.approx(ref["upper"])
    if "se_lower" not in ref:  # tightened: SEs and CIs in tests/test_attrition_lee_tight.py
        return
    assert result.se_lower == pytest.approx(ref["se_lower"])
    assert result.se_upper == pytest.approx(ref["se_upper"])
    assert [result.ci_lower, result.ci_upper] == pytest.approx(ref["im_ci"])


def test_tightening_binary_by_hand():
    # Two cells. Women: treated 50 / 45 observed / 30 ones, control 50 / 40 / 20.
    # Men: treated 50 / 35 / 10, control 50 / 35 / 14.  Treated respond more overall
    # (80 % vs 75 %), so treated are trimmed within each cell.
    # Women: p = 1 - 0.8/0.9 = 1/9, keep 40 of 45: lower mean 25/40, upper 30/40; control 0.5.
    # Men: p = 0 → both bounds 10/35 - 14/35 = -4/35.
    # Weights: control respondents by cell 40/75 and 35/75.
    def block(n_ones, n_zeros, n_missing):
        return [True] * n_ones + [False] * n_zeros + [pd.NA] * n_missing

    y = block(30, 15, 5) + block(10, 25, 15) + block(20, 20, 10) + block(14, 21, 15)
    data = pd.DataFrame(
        {
            "arm": ["treatment"] * 100 + ["control"] * 100,
            "gender": (["woman"] * 50 + ["man"] * 50) * 2,
            "y": pd.array(y, dtype="boolean"),
        }
    )
    result = lee_bounds(data, outcome="y", tighten_by="gender")
    w_women, w_men = 40 / 75, 35 / 75
    assert result.lower == pytest.approx(w_women * (25 / 40 - 0.5) + w_men * (-4 / 35))
    assert result.upper == pytest.approx(w_women * (30 / 40 - 0.5) + w_men * (-4 / 35))
    plain = lee_bounds(data, outcome="y")
    assert plain.lower - 1e-12 <= result.lower <= result.upper <= plain.upper + 1e-12
    cells = result.cells.set_index("cell")
    assert cells.loc["woman", "trimming_share"] == pytest.approx(1 / 9)
    assert cells.loc["man", "trimming_share"] == 0


def test_equal_response_gives_no_trimming():
    data = worked_example()
    data.loc[190:199, "y"] = False  # control now observes 80 too
    result = lee_bounds(data, outcome="y")
    assert result.trimming_share == 0
    assert result.trimmed_arm == "none"
    assert result.lower == pytest.approx(result.naive)
    assert result.upper == pytest.approx(result.naive)


def test_imbens_manski_critical_values():
    assert imbens_manski_critical_value(0.0, 1.0, 0.95) == pytest.approx(1.959964, abs=1e-6)
    assert imbens_manski_critical_value(100.0, 1.0, 0.95) == pytest.approx(1.644854, abs=1e-6)
    c = imbens_manski_critical_value(0.5, 0.25, 0.90)
    assert 1.2815 < c < 1.6449


def test_errors_are_clear():
    data = worked_example()
    with pytest.raises(InputError, match="lacks columns"):
        lee_bounds(data, outcome="nope")
    with pytest.raises(InputError, match="se_method"):
        lee_bounds(data, outcome="y", se_method="jackknife")
    z = pd.array(np.where(data["y"].isna(), np.nan, 1.5), dtype="Float64")
    continuous = data.assign(z=z)
    with pytest.raises(InputError, match="range"):
        manski_bounds(continuous, outcome="z")
    bounded = manski_bounds(continuous, outcome="z", outcome_min=0, outcome_max=2)
    # treated: 80 × 1.5 observed, 20 missing; control: 70 × 1.5 observed, 30 missing
    assert bounded.lower == pytest.approx((80 * 1.5) / 100 - (70 * 1.5 + 30 * 2) / 100)
    assert bounded.upper == pytest.approx((80 * 1.5 + 20 * 2) / 100 - (70 * 1.5) / 100)
    with pytest.raises(InputError, match="outside"):
        manski_bounds(continuous, outcome="z", outcome_min=0, outcome_max=1)
    bad_arm = data.assign(arm=pd.array(["treatment", "placebo"] * 100, dtype="string"))
    with pytest.raises(InputError, match="'arm'"):
        lee_bounds(bad_arm, outcome="y")
    with pytest.raises(InputError, match="missing for some"):
        lee_bounds(data.assign(gender=pd.array([pd.NA] * 200, dtype="string")), outcome="y",
                   tighten_by="gender")  # fmt: skip
    only_one = data[data["arm"] == "treatment"]
    with pytest.raises(AnalysisError, match="both arms"):
        lee_bounds(only_one, outcome="y")
