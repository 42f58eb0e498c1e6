"""Small-cell suppression: primary, complementary, dependent columns, and the publication check."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from impact.analysis.outcomes import programme_outcomes
from impact.analysis.outcomes.disclosure_check import assert_publishable
from impact.analysis.outcomes.suppression import (
    DisclosureError,
    share_rules,
    suppress_small_cells,
    suppression_mask,
)
from impact.errors import ImpactError, InputError

REFERENCE = Path(__file__).parent / "reference"


def _fixture_module():
    spec = importlib.util.spec_from_file_location(
        "outcomes_fixture", REFERENCE / "outcomes_fixture.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_primary_suppression_labels_and_hides_dependents():
    table = pd.DataFrame(
        {"n": [40, 40, 40, 3], "numerator": [3, 20, 0, 1], "share": [3 / 40, 0.5, 0.0, 1 / 3]}
    )
    out = suppress_small_cells(table, ["n", "numerator"], ["share"], 5)
    assert out["numerator"].tolist() == ["<5", "20", "0", "<5"]
    assert out["n"].tolist() == ["40", "40", "40", "<5"]
    assert out["share"].isna().tolist() == [True, False, False, True]
    assert out["suppressed"].tolist() == [True, False, False, True]
    # the analyst's table is untouched
    assert table["numerator"].tolist() == [3, 20, 0, 1]


def test_threshold_is_configurable():
    table = pd.DataFrame({"count": [4, 9, 10, 0]})
    out = suppress_small_cells(table, ["count"], threshold=10)
    assert out["count"].tolist() == ["<10", "<10", "10", "0"]
    out = suppress_small_cells(table, ["count"], threshold=1)  # threshold 1: nothing hidden
    assert out["count"].tolist() == ["4", "9", "10", "0"]


def test_complementary_suppression_when_one_part_hidden():
    # yes + no + dont_know = total; "no" = 2 alone would be recoverable from the total
    table = pd.DataFrame({"total": [50], "yes": [40], "no": [2], "dont_know": [8]})
    rules = {"additive": [("total", ["yes", "no", "dont_know"])]}
    mask = suppression_mask(table, ["total", "yes", "no", "dont_know"], **rules)
    assert mask.loc[0, "no"] == "primary"
    assert mask.loc[0, "dont_know"] == "secondary"  # the smallest other part
    assert mask.loc[0, "yes"] == ""
    out = suppress_small_cells(table, ["total", "yes", "no", "dont_know"], **rules)
    assert out.loc[0, "no"] == "<5" and out.loc[0, "dont_know"] == ".."
    assert_publishable(out, ["total", "yes", "no", "dont_know"], **rules)


def test_no_complementary_suppression_when_two_parts_already_hidden():
    table = pd.DataFrame({"total": [50], "yes": [45], "no": [2], "dont_know": [3]})
    rules = {"additive": [("total", ["yes", "no", "dont_know"])]}
    mask = suppression_mask(table, ["total", "yes", "no", "dont_know"], **rules)
    assert mask.loc[0].tolist() == ["", "", "primary", "primary"]


def test_total_suppressed_when_no_other_part_is_shown():
    # only two parts: hiding one and showing the total reveals it unless the other hides too
    table = pd.DataFrame({"n": [30], "x": [2], "y": [28]})
    mask = suppression_mask(table, ["n", "x", "y"], additive=[("n", ["x", "y"])])
    assert mask.loc[0, "y"] == "secondary"


def test_derived_complement_protects_the_rest():
    # 98 of 100: the 2 who did not are derivable from n − numerator
    table = pd.DataFrame({"n": [100, 100], "numerator": [98, 50], "share": [0.98, 0.5]})
    rules = share_rules(participants=None, missing=None, dependent=("share",))
    out = rules.apply(table, 5)
    assert out["numerator"].tolist() == ["..", "50"]
    assert out["share"].isna().tolist() == [True, False]
    rules.check(out, 5)
    with pytest.raises(DisclosureError, match="non_events"):
        rules.check(table, 5)


def test_complement_hides_the_total_rather_than_the_denominator():
    # missing = 3 is small; hiding participants (no dependents) protects it, the share stays
    table = pd.DataFrame(
        {
            "participants": [53],
            "n": [50],
            "numerator": [20],
            "missing": [3],
            "share": [0.4],
            "ci_low": [0.3],
            "ci_high": [0.5],
        }
    )
    rules = share_rules()
    out = rules.apply(table, 5)
    assert out.loc[0, "missing"] == "<5"
    assert out.loc[0, "participants"] == ".."
    assert out.loc[0, "n"] == "50"
    assert out.loc[0, "share"] == 0.4
    rules.check(out, 5)


def test_secondary_cascades_across_groups():
    # t1 = a + b and t2 = b + c: a = 2 hides b, which in turn must hide c (or t2)
    table = pd.DataFrame({"t1": [12], "t2": [30], "a": [2], "b": [10], "c": [20]})
    additive = [("t1", ["a", "b"]), ("t2", ["b", "c"])]
    mask = suppression_mask(table, ["t1", "t2", "a", "b", "c"], additive=additive)
    assert mask.loc[0].to_dict() == {
        "t1": "", "t2": "", "a": "primary", "b": "secondary", "c": "secondary"
    }  # fmt: skip
    out = suppress_small_cells(table, ["t1", "t2", "a", "b", "c"], additive=additive)
    assert_publishable(out, ["t1", "t2", "a", "b", "c"], additive=additive)


def test_assert_publishable_catches_each_kind_of_leak():
    counts = ["total", "yes", "no"]
    additive = [("total", ["yes", "no"])]
    with pytest.raises(DisclosureError) as info:
        assert_publishable(pd.DataFrame({"total": [9], "yes": [3], "no": [6]}), counts)
    assert info.value.problems[0].column == "yes"
    assert info.value.problems[0].value == "3"
    # exactly one hidden part while the total is shown
    leak = pd.DataFrame({"total": ["9"], "yes": ["<5"], "no": ["6"]})
    with pytest.raises(DisclosureError, match="second hidden cell"):
        assert_publishable(leak, counts, additive=additive)
    # a dependent shown although its count is hidden
    shown = pd.DataFrame({"n": ["40"], "x": ["<5"], "share": [0.075]})
    with pytest.raises(DisclosureError, match="depends on hidden"):
        assert_publishable(shown, ["n", "x"], ["share"])
    # unrecognised text in a count column
    with pytest.raises(DisclosureError, match="a count"):
        assert_publishable(pd.DataFrame({"n": ["about 7"]}), ["n"])


def test_bad_rules_give_clear_errors():
    table = pd.DataFrame({"n": [10]})
    with pytest.raises(InputError, match="cannot apply"):
        suppress_small_cells(table, ["n", "absent"])
    with pytest.raises(ImpactError, match="threshold"):
        suppress_small_cells(table, ["n"], threshold=0)
    with pytest.raises(InputError, match="count"):
        suppress_small_cells(pd.DataFrame({"n": ["ten"]}), ["n"])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 40), st.integers(0, 40), st.integers(0, 40)),
        min_size=1,
        max_size=6,
    ),
    st.integers(2, 11),
)
def test_property_suppressed_output_always_passes_the_check(rows, threshold):
    table = pd.DataFrame(rows, columns=["yes", "no", "dont_know"])
    table["answered"] = table.sum(axis=1)
    table["missing"] = [r[0] % 4 for r in rows]
    table["with_outcome"] = table["answered"] + table["missing"]
    table["share_yes"] = table["yes"] / table["answered"].replace(0, np.nan)
    counts = ["with_outcome", "answered", "missing", "yes", "no", "dont_know"]
    additive = [
        ("with_outcome", ["answered", "missing"]),
        ("answered", ["yes", "no", "dont_know"]),
    ]
    deps = {"share_yes": ["yes", "answered", "no", "dont_know"]}
    out = suppress_small_cells(table, counts, deps, threshold, additive=additive)
    assert_publishable(out, counts, deps, threshold, additive=additive)


def test_every_publishable_table_of_the_bundle_passes_and_hides_small_cells():
    fixture = _fixture_module()
    table = fixture.make_indicator_table(seed=7)
    result = programme_outcomes(table, targets={"job_or_steps": 0.9}, suppression_threshold=5)
    full = result.tables()
    published = result.publishable()
    shares = published["shares"]
    raw = full["shares"]
    small = (raw["numerator"] >= 1) & (raw["numerator"] < 5)
    assert small.any()
    assert (shares.loc[small, "numerator"] == "<5").all()
    assert shares.loc[small, "share"].isna().all()
    # the full numbers remain available to analysts
    assert raw.loc[small, "share"].notna().all()
    # tiny groups (e.g. gender "other") never show their size
    tiny = (raw["participants"] >= 1) & (raw["participants"] < 5)
    assert tiny.any()
    assert (shares.loc[tiny, "participants"] == "<5").all()
    comparison = published["comparison"]
    assert comparison.columns.tolist()[-1] == "suppressed"


def test_higher_threshold_suppresses_more():
    fixture = _fixture_module()
    result = programme_outcomes(fixture.make_indicator_table(seed=3), suppression_threshold=5)
    five = result.publishable()["shares"]["suppressed"].sum()
    ten = result.publishable(10)["shares"]["suppressed"].sum()
    assert ten > five
