"""register_comparison end to end: specifications side by side, tidy/summary/HTML, write(),
figures, and clear errors for bad input."""

import json

import numpy as np
import pandas as pd
import pytest

from impact.analysis.matching import MatchSpec, RegisterComparison, register_comparison
from impact.errors import AnalysisError, InputError
from impact.synth.register import register_extract


@pytest.fixture(scope="module")
def tables():
    x = register_extract(seed=5, n_external=700)
    return x.tables["register_persons"], x.tables["register_months"]


@pytest.fixture(scope="module")
def comparison(tables) -> RegisterComparison:
    persons, months = tables
    return register_comparison(persons, months)


def test_specifications_side_by_side(comparison):
    tidy = comparison.tidy()
    assert list(dict.fromkeys(tidy["specification"])) == [
        "unmatched",
        "main",
        "cem",
        "propensity_caliper",
    ]
    assert set(tidy["estimator"]) == {"end_difference", "adjusted", "did"}
    assert {"estimate", "std_error", "ci_lower", "ci_upper", "p_value", "max_abs_smd"} <= set(
        tidy.columns
    )
    assert np.isfinite(tidy["estimate"]).all() and (tidy["std_error"] > 0).all()
    main = tidy[tidy["specification"] == "main"]
    assert (main["n_intervention"] == 53).all() and (main["n_comparison"] == 159).all()
    assert comparison.end_month == 18


def test_summary_is_honest(comparison):
    text = comparison.summary()
    assert "Unmatched comparison" in text and "Sensitivity to the matching choice" in text
    assert "not a randomised effect" in text
    assert "<h4>" in comparison._repr_html_()


def test_rates_and_event_study(comparison):
    rates = comparison.main.rates
    assert set(rates["group"]) == {"intervention", "external"}
    assert rates["rate"].between(0, 1).all()
    assert (rates["ci_lower"] <= rates["rate"]).all() and (rates["rate"] <= rates["ci_upper"]).all()
    events = comparison.main.events
    assert events.loc[events["month"] == 0, "estimate"].iloc[0] == 0.0
    assert len(events) == 25


def test_write_creates_tables_and_figures(comparison, tmp_path):
    out = comparison.write(tmp_path / "register", languages=["sv"], formats=["svg"])
    names = {p.name for p in out.iterdir()}
    for expected in (
        "register_comparison.csv",
        "balance.csv",
        "matched_counts.csv",
        "matched_set_main.csv",
        "rates_main.csv",
        "event_study_main.csv",
        "summary.txt",
        "settings.json",
        "love_plot_main_sv.svg",
        "rates_cem_sv.svg",
        "event_study_main_sv.svg",
        "specifications_sv.svg",
    ):
        assert expected in names
    assert "Matchad jämförelsegrupp" in (out / "rates_main_sv.svg").read_text()
    with pytest.raises(InputError, match="languages"):
        comparison.write(tmp_path / "bad", languages=["de"])
    settings = json.loads((out / "settings.json").read_text())
    assert settings["specifications"]["main"]["ratio"] == 3
    matched = pd.read_csv(out / "matched_set_main.csv")
    assert list(matched.columns) == ["person_id", "group", "weight", "subclass"]
    assert "Kvinnor" not in (out / "summary.txt").read_text()


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_figures_are_bilingual(comparison, lang):
    from impact.analysis.matching import love_plot, rates_figure

    fig = rates_figure(comparison.main.rates, lang)
    title = fig.axes[0].get_title()
    assert title == {"sv": "Andel sysselsatta per månad", "en": "Employed by month"}[lang]
    love = love_plot(comparison.main.balance.tidy(), lang)
    assert love.axes[0].get_xlabel().startswith({"sv": "Absolut", "en": "Absolute"}[lang])


def test_custom_specifications_and_wage_outcome(tables):
    persons, months = tables
    result = register_comparison(
        persons,
        months,
        method="exact",
        specifications={"nearest_1to1": {"method": "nearest", "ratio": 1, "replace": True}},
        outcome="wage_income",
        end_month=12,
    )
    tidy = result.tidy()
    assert set(tidy["specification"]) == {"unmatched", "main", "nearest_1to1"}
    assert result.end_month == 12 and result.outcome == "wage_income"
    assert "SEK" in result.summary()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"method": "fuzzy"}, "matching method"),
        ({"ratio": 0}, "ratio"),
        ({"caliper": 0.2}, "caliper"),
        ({"coarsen": {"birth_year": "weekly"}}, "cutpoints"),
        ({"exact": ["sex"], "coarsen": {"sex": None}}, "both in"),
        ({"outcome": "income"}, "outcome"),
        ({"end_month": 99}, "end_month"),
        ({"specifications": {"main": {}}}, "reserved"),
        ({"specifications": {"alt": {"ratios": 2}}}, "unknown option"),
    ],
)
def test_bad_options(tables, kwargs, message):
    persons, months = tables
    with pytest.raises(InputError, match=message):
        register_comparison(persons, months, **kwargs)


def test_bad_tables(tables):
    persons, months = tables
    with pytest.raises(InputError, match="county"):
        register_comparison(persons.drop(columns="county"), months)
    bad = persons.copy()
    bad.loc[bad.index[0], "group"] = "treated"
    with pytest.raises(InputError, match="'group'") as err:
        register_comparison(bad, months)
    assert err.value.problems[0].row == 1
    with pytest.raises(InputError, match="person_id"):
        register_comparison(persons, months.assign(person_id="nobody"))
    with pytest.raises(InputError, match="one row per person and month"):
        register_comparison(persons, pd.concat([months, months.iloc[:1]]))
    with pytest.raises(AnalysisError, match="intervention"):
        register_comparison(persons[persons["group"] == "external"], months)
    with pytest.raises(InputError, match="DataFrame"):
        register_comparison("persons.csv", months)


def test_missing_matching_variables_are_counted(tables):
    from impact.analysis.matching import match_persons

    persons, _ = tables
    gappy = persons.copy()
    gappy["county"] = gappy["county"].astype("string")
    gappy.loc[gappy.index[:10], "county"] = pd.NA
    matched = match_persons(gappy, MatchSpec())
    counts = matched.tidy().set_index("group")
    assert counts["dropped_missing"].sum() == 10
    assert len(matched.persons) == len(persons) - 10
