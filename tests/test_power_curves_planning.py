"""Power curves, the RISE reproduction and the 500-participant plan: tables, figures, files."""

from __future__ import annotations

import json

import pytest
from matplotlib.figure import Figure

from impact.analysis.power import (
    PowerRequestError,
    mde,
    mde_curve,
    plan_study,
    power,
    power_curve,
    rise_reproduction,
)


def test_power_curve_table_and_bilingual_figure(tmp_path):
    curve = power_curve(
        73, 78, control_rate=0.3, methods=["unpooled", "arcsine"], outcome="got_job"
    )
    table = curve.tidy()
    assert list(table.columns) == [
        "method",
        "effect_pp",
        "control_rate",
        "treatment_rate",
        "power",
        "n_treatment",
        "n_control",
    ]
    row = table[(table["method"] == "unpooled")].iloc[100]
    direct = power(73, 78, control_rate=0.3, effect_pp=row["effect_pp"]).power
    assert row["power"] == pytest.approx(direct)
    en, sv = curve.figure("en"), curve.figure("sv")
    assert isinstance(en, Figure)
    ax = sv.axes[0]
    assert ax.get_xlabel() == "Effekt (procentenheter)"
    assert ax.get_ylabel() == "Styrka"
    sv.canvas.draw()
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert "80\u00a0%" in labels
    assert en.axes[0].get_xlabel() == "Effect (percentage points)"
    curve.write(tmp_path / "curve")
    names = sorted(p.name for p in (tmp_path / "curve").iterdir())
    assert names == [
        ".impact-manifest.json",  # written under the output contract
        "power_curve.csv",
        "power_curve_en.png",
        "power_curve_en.svg",
        "power_curve_sv.png",
        "power_curve_sv.svg",
    ]
    json.dumps(curve.to_dict())


def test_mde_curve_matches_mde_and_uses_decimal_comma():
    curve = mde_curve([100, 151.5, 300], control_rate=0.3, direction="increase")
    table = curve.tidy()
    assert table["mde_pp"].is_monotonic_decreasing
    assert table.loc[0, "mde_pp"] == pytest.approx(mde(n=100, control_rate=0.3).mde_pp)
    fig = curve.figure("sv")
    fig.canvas.draw()
    assert fig.axes[0].get_ylabel() == "Minsta upptäckbara effekt (procentenheter)"
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert any("," in t for t in ticks) or all(t.lstrip("−").isdigit() for t in ticks if t)
    with pytest.raises(PowerRequestError, match="n = 4"):
        mde_curve([4, 100], control_rate=0.5)
    with pytest.raises(PowerRequestError, match="method"):
        power_curve(73, 78, control_rate=0.3, methods=["bad"])


def test_rise_reproduction_finds_the_17_to_20_range(tmp_path):
    result = rise_reproduction()
    grid = result.tidy()
    assert set(grid["design"]) == {
        "analysed_73_78",
        "randomised_109_109",
        "randomised_109_109_attrition",
    }
    # the worked value sits in the grid: arcsine, 73 vs 78, 30 % → +22.2 pp (out of range)
    cell = grid[
        (grid["design"] == "analysed_73_78")
        & (grid["method"] == "arcsine")
        & (grid["r2"] == 0)
        & (grid["control_rate"] == 0.3)
        & (grid["direction"] == "increase")
    ]
    assert round(float(cell["mde_pp"].iloc[0]), 1) == 22.2
    assert not bool(cell["in_range"].iloc[0])
    # 218 randomised 109/109, no covariates: rises from 25–50 % give 17–19 pp
    matches = result.matches()
    main = matches[
        (matches["design"] == "randomised_109_109")
        & (matches["method"] == "unpooled")
        & (matches["r2"] == 0)
        & (matches["direction"] == "increase")
    ].iloc[0]
    assert main["base_rate_max"] == pytest.approx(0.5)
    assert 16.5 <= main["mde_pp_min"] <= main["mde_pp_max"] < 20.5
    # a fall from 5 % is not detectable at all with 73 vs 78: flagged, not a silent NaN
    assert (~grid["detectable"]).any()
    assert grid.loc[~grid["detectable"], "in_range"].eq(False).all()
    assert "218 randomised 109/109" in result.sentence()
    assert "procentenheter" in result.sentence("sv")
    result.write(tmp_path / "rise")
    names = {p.name for p in (tmp_path / "rise").iterdir()}
    assert {"rise_grid.csv", "rise_matches.csv", "rise_mde_by_base_rate_sv.svg"} <= names
    json.dumps(result.to_dict())


def test_plan_study_for_500_participants(tmp_path):
    plan = plan_study(500, attrition=0.3, r2_values=(0.0, 0.2), curve_n=[200, 500, 800])
    table = plan.tidy()
    assert set(table["outcome"]) == {"got_job", "took_steps", "job_or_steps", "expanded_network"}
    job = table[(table["outcome"] == "got_job") & (table["r2"] == 0)]
    rise = job[job["direction"] == "increase"]["mde_pp"].iloc[0]
    assert rise == pytest.approx(
        mde(175, 175, control_rate=0.29, direction="increase").mde_pp, abs=1e-9
    )
    assert (table["n_treatment_analysed"] == 175).all()
    sentence = plan.sentence()
    assert sentence.startswith("With 500 participants (250 and 250 randomised, 175 and 175")
    assert "job rate (29%)" in sentence
    assert "andel som fått jobb (29\u00a0%)" in plan.sentence("sv")
    plan.write(tmp_path / "plan")
    names = {p.name for p in (tmp_path / "plan").iterdir()}
    assert names == {
        ".impact-manifest.json",
        "plan_mde.csv",
        "plan_mde_curves.csv",
        "plan_mde_by_n_en.png",
        "plan_mde_by_n_en.svg",
        "plan_mde_by_n_sv.png",
        "plan_mde_by_n_sv.svg",
    }
    json.dumps(plan.to_dict())
    with pytest.raises(PowerRequestError, match="outcomes"):
        plan_study(500, outcomes={})
