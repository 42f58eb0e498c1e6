"""The outcome parts and the bundle: shapes, options, rules, per-round tables, bad input."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from impact.analysis.outcomes import HEADLINE_COLUMNS, outcomes_by_round, programme_outcomes
from impact.analysis.outcomes.attribution import ATTRIBUTION_COLUMNS, attribution
from impact.analysis.outcomes.comparison import (
    COMPARISON_COLUMNS,
    compare_groups,
    gender_comparison,
)
from impact.analysis.outcomes.response import RESPONSE_COLUMNS, response_rates
from impact.analysis.outcomes.shares import SHARE_COLUMNS, indicator_shares
from impact.analysis.outcomes.targets import TARGET_COLUMNS, status_of, target_attainment
from impact.analysis.outcomes.trajectories import TRAJECTORY_COLUMNS, trajectories
from impact.errors import ImpactError, InputError
from impact.i18n.labels import label

REFERENCE = Path(__file__).parent / "reference"


def _fixture_module():
    spec = importlib.util.spec_from_file_location(
        "outcomes_fixture", REFERENCE / "outcomes_fixture.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    """A fresh 10-round, 511-person indicator table generated with default_rng."""
    return _fixture_module().make_indicator_table(seed=20240611)


def test_fixture_has_ten_rounds_and_511_people(table):
    assert len(table) == 511
    assert table["round_id"].nunique() == 10


def test_tables_for_each_round_and_the_whole_project(table):
    targets = {"job_or_steps": 0.90, "expanded_network": 0.80}
    headline = ["got_job", "took_steps", "job_or_steps", "expanded_network", "got_internship"]
    results = outcomes_by_round(
        table, targets=targets, suppression_threshold=5, indicator_columns=headline
    )
    assert list(results) == ["all"] + [f"R{i:02d}" for i in range(1, 11)]
    for scope, result in results.items():
        assert result.scope == scope
        headline = result.tidy()
        assert headline.columns.tolist() == list(HEADLINE_COLUMNS)
        assert set(headline["scope"]) == {scope}
        published = result.publishable()
        assert set(published) == {
            "shares", "comparison", "targets", "response", "attribution", "trajectories"
        }  # fmt: skip
        assert result.shares.tidy().columns.tolist() == list(SHARE_COLUMNS)
        groups = set(result.shares.tidy()["group_var"])
        assert groups == ({"overall", "gender", "round_id"} if scope == "all" else
                          {"overall", "gender"})  # fmt: skip
        n_people = len(table) if scope == "all" else int((table["round_id"] == scope).sum())
        assert result.response.tidy()["participants"].iloc[0] == n_people
    all_rounds = results["all"].shares.tidy()
    by_round = all_rounds[all_rounds["group_var"] == "round_id"]
    for scope in [f"R{i:02d}" for i in range(1, 11)]:
        mine = results[scope].shares.overall()
        theirs = by_round[by_round["group"] == scope].set_index("indicator")
        pd.testing.assert_series_equal(mine["share"], theirs["share"], check_names=False)


def test_part_tables_have_stable_columns(table):
    assert indicator_shares(table).tidy().columns.tolist() == list(SHARE_COLUMNS)
    assert gender_comparison(table, ["got_job"]).tidy().columns.tolist() == list(COMPARISON_COLUMNS)
    assert target_attainment(table, {"got_job": 0.3}).tidy().columns.tolist() == list(
        TARGET_COLUMNS
    )
    assert response_rates(table).tidy().columns.tolist() == list(RESPONSE_COLUMNS)
    assert attribution(table).tidy().columns.tolist() == list(ATTRIBUTION_COLUMNS)
    assert trajectories(table).tidy().columns.tolist() == list(TRAJECTORY_COLUMNS)


def test_summary_and_html(table):
    result = programme_outcomes(table, targets={"job_or_steps": 0.9}, lang="sv")
    text = result.summary()
    assert "job_or_steps" in text and "Target attainment" in text
    html = result._repr_html_()
    assert "<table" in html and "Indicator shares" in html
    assert result.tidy()["label"].iloc[0] == label("job_from_none", "sv")
    assert result.tidy()["label"].iloc[0] != label("job_from_none", "en")
    assert repr(result.shares).startswith("Indicator shares")


def test_shares_count_missing_and_groups():
    df = pd.DataFrame(
        {
            "gender": pd.array(["woman", "woman", "man", None, "man"], dtype="string"),
            "got_job": pd.array([True, False, pd.NA, True, True], dtype="boolean"),
        }
    )
    tidy = indicator_shares(df, by="gender").tidy().set_index(["group_var", "group"])
    overall = tidy.loc[("overall", "all")]
    assert (overall["participants"], overall["n"], overall["numerator"], overall["missing"]) == (
        5, 4, 3, 1,
    )  # fmt: skip
    men = tidy.loc[("gender", "man")]
    assert (men["n"], men["numerator"], men["missing"]) == (1, 1, 1)
    assert list(tidy.index.get_level_values("group")) == ["all", "woman", "man"]


def test_cochran_rule_switches_to_fisher_on_small_expected_counts():
    df = pd.DataFrame(
        {
            "gender": ["woman"] * 40 + ["man"] * 8,
            "rare": [True] * 3 + [False] * 37 + [True] * 2 + [False] * 6,
            "common": [True] * 20 + [False] * 20 + [True] * 4 + [False] * 4,
        }
    )
    result = compare_groups(df, ["rare", "common"], covariates=()).tidy().set_index("indicator")
    assert result.loc["rare", "test"] == "fisher"
    assert result.loc["rare", "p_value"] == result.loc["rare", "p_fisher"]
    assert result.loc["common", "test"] == "fisher"  # expected 4 in the men's cells
    forced = compare_groups(df, ["rare"], covariates=(), test_rule="chisq").tidy()
    assert forced.loc[0, "test"] == "chisq"
    assert forced.loc[0, "p_value"] == forced.loc[0, "p_chisq"]
    assert result.loc["rare", "small_group"]
    assert "small group (man" in result.loc["rare", "caution"]


def test_ame_without_covariates_equals_raw_difference(table):
    # a logistic model with only the group dummy is saturated: AME = p_a − p_b exactly
    result = gender_comparison(table, ["got_job", "expanded_network"], covariates=()).tidy()
    for _, row in result.iterrows():
        assert row["adjusted_difference"] == pytest.approx(row["difference"], abs=1e-9)
        se = np.sqrt(
            row["share_a"] * (1 - row["share_a"]) / row["n_a"]
            + row["share_b"] * (1 - row["share_b"]) / row["n_b"]
        )
        assert row["adjusted_se"] == pytest.approx(se, rel=1e-6)


def test_adjusted_model_failure_is_reported_not_silent():
    df = pd.DataFrame(
        {
            "gender": ["woman"] * 30 + ["man"] * 30,
            "age": list(range(20, 50)) * 2,
            "separated": [True] * 30 + [False] * 30,
            "constant": [True] * 60,
        }
    )
    result = compare_groups(df, ["separated", "constant"], covariates=["age"]).tidy()
    notes = result.set_index("indicator")["adjusted_note"]
    assert "separation" in notes["separated"]
    assert "no variation" in notes["constant"]
    assert result["adjusted_difference"].isna().all()
    assert result.set_index("indicator").loc["constant", "p_value"] == 1.0


def test_text_covariates_become_dummies(table):
    df = table.copy()
    df["region"] = pd.array(np.where(np.arange(len(df)) % 3 == 0, "north", "south"), "string")
    result = gender_comparison(df, ["got_job"], covariates=["age", "region"]).tidy()
    assert result.loc[0, "adjusted_note"] == ""
    assert np.isfinite(result.loc[0, "adjusted_difference"])


def test_target_status_rules(table):
    assert status_of(0.95, 0.91, 0.98, 0.9) == "above"
    assert status_of(0.92, 0.85, 0.96, 0.9) == "reached"
    assert status_of(0.88, 0.82, 0.93, 0.9) == "within_ci"
    assert status_of(0.70, 0.60, 0.80, 0.9) == "below"
    result = target_attainment(table, {"job_or_steps": 0.9}, by="round_id").tidy()
    assert len(result) == 11
    assert result["target_in_ci"].dtype == "boolean"


def test_trajectories_balanced_population_keeps_the_same_people(table):
    result = trajectories(table, ["employment"], population="balanced").tidy()
    assert result["n"].nunique() == 1
    assert list(result["wave"]) == ["b", "f1", "f2", "r"]
    custom = trajectories(table, {"has_reference": [True]}, by="gender").tidy()
    assert set(custom["group"]) >= {"woman", "man"}


def test_response_with_known_participants(table):
    counts = table["round_id"].value_counts().to_dict()
    given = {str(k): int(v) + 2 for k, v in counts.items()}
    result = response_rates(table, participants=given).tidy()
    overall = result[(result["group_var"] == "overall") & (result["wave"] == "r")].iloc[0]
    assert overall["participants"] == len(table) + 20
    assert overall["response_rate"] == pytest.approx(overall["respondents"] / (len(table) + 20))
    with pytest.raises(InputError, match="smaller than"):
        response_rates(table, participants=10)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda t: indicator_shares("not a table"), "DataFrame"),
        (lambda t: indicator_shares(t.iloc[0:0]), "no rows"),
        (lambda t: indicator_shares(t, ["no_such_indicator"]), "lacks required columns"),
        (lambda t: indicator_shares(t, ["round_id"]), "must be boolean"),
        (lambda t: indicator_shares(t, by="region"), "lacks required columns"),
        (lambda t: indicator_shares(t, level=95), "confidence level"),
        (lambda t: gender_comparison(t, difference_ci="exact"), "difference_ci"),
        (lambda t: gender_comparison(t, test_rule="g-test"), "test_rule"),
        (lambda t: gender_comparison(t, groups=("woman", "nonbinary")), "cannot compare"),
        (lambda t: gender_comparison(t, covariates=["height"]), "covariate"),
        (lambda t: target_attainment(t, {"got_job": 90}), "strictly between 0 and 1"),
        (lambda t: target_attainment(t, {"world_peace": 0.5}), "invalid targets"),
        (lambda t: target_attainment(t, {}), "non-empty mapping"),
        (lambda t: trajectories(t, ["satisfaction"]), "need their event answers"),
        (lambda t: trajectories(t, {"employment": ()}), "non-empty set"),
        (lambda t: trajectories(t, population="everyone"), "population"),
        (lambda t: attribution(t, {"got_job": "r_contributed_salary"}), "lacks required"),
        (lambda t: programme_outcomes(t, lang="de"), "language"),
        (lambda t: programme_outcomes(t, suppression_threshold=0), "threshold"),
    ],
)
def test_bad_input_gives_clear_errors(table, call, message):
    with pytest.raises(ImpactError, match=message):
        call(table)


def test_non_boolean_values_are_named(table):
    df = table.copy()
    df["got_job"] = df["got_job"].astype(object)
    df.loc[0, "got_job"] = "maybe"
    with pytest.raises(InputError) as info:
        indicator_shares(df, ["got_job"])
    assert info.value.problems[0].column == "got_job"
    assert "maybe" in info.value.problems[0].value


def test_unknown_contribution_answer_is_named(table):
    df = table.copy()
    df["r_contributed_job"] = df["r_contributed_job"].astype(object)
    first = df.index[df["got_job"].fillna(False)][0]
    df.loc[first, "r_contributed_job"] = "kanske"
    with pytest.raises(InputError, match="unknown answers") as info:
        attribution(df)
    assert info.value.problems[0].value == "kanske"


def test_bundle_without_optional_inputs_notes_what_is_missing():
    df = pd.DataFrame(
        {
            "gender": ["woman"] * 10 + ["man"] * 10,
            "round_id": ["R01"] * 20,
            "got_job": [True, False] * 10,
        }
    )
    result = programme_outcomes(df)
    assert result.response is None and result.attribution is None
    assert result.trajectories is None and result.targets is None
    assert any("responded" in n for n in result.notes)
    assert set(result.publishable()) == {"shares", "comparison"}
    women_only = programme_outcomes(df[df["gender"] == "woman"])
    assert women_only.comparison is None
    assert np.isnan(women_only.tidy()["difference"]).all()


def test_duplicate_index_is_handled(table):
    doubled = pd.concat([table.iloc[:100], table.iloc[:100]])
    result = indicator_shares(doubled, ["got_job"], by=None).tidy()
    assert result.loc[0, "participants"] == 200
