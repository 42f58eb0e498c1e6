"""Outcome figures: returned (never shown), bilingual, Swedish numbers, suppression, saving."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.figure import Figure

from impact.analysis.outcomes import programme_outcomes
from impact.analysis.outcomes.figures import (
    plot_components,
    plot_shares,
    plot_targets,
    plot_trajectories,
)
from impact.errors import ImpactError
from impact.figures import save_figure
from impact.i18n.labels import label, wave_label
from impact.i18n.numbers import decimal, percent

REFERENCE = Path(__file__).parent / "reference"
NBSP = "\u00a0"


def _fixture_module():
    spec = importlib.util.spec_from_file_location(
        "outcomes_fixture", REFERENCE / "outcomes_fixture.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def result():
    table = _fixture_module().make_indicator_table(seed=11)
    return programme_outcomes(
        table, targets={"job_or_steps": 0.90, "expanded_network": 0.80}, lang="sv"
    )


def _texts(fig: Figure) -> list[str]:
    fig.canvas.draw()
    return [t.get_text() for t in fig.findobj(match=lambda a: hasattr(a, "get_text"))]


def test_number_formatting():
    assert percent(0.274, "sv", 1) == f"27,4{NBSP}%"
    assert percent(0.274, "en", 1) == "27.4%"
    assert percent(0.8, "sv", 0) == f"80{NBSP}%"
    assert decimal(1234.5, 1, "sv") == f"1{NBSP}234,5"
    assert decimal(-0.05, 2, "sv") == "−0,05"
    assert percent(float("nan"), "en") == "–"
    assert percent(0.125, "en", 0, whole_when_exact=True) == "12.5%"
    assert percent(0.3, "sv", 0, whole_when_exact=True) == f"30{NBSP}%"
    assert label("got_job", "sv") != label("got_job", "en")
    assert label("got_job", "sv", extra={"got_job": {"sv": "Jobb!"}}) == "Jobb!"
    assert label("brand_new_indicator", "sv") == "brand_new_indicator"
    assert label("woman", "sv") == "Kvinnor" and label("man", "en") == "Men"
    assert wave_label("f2", "sv") == "Uppföljning 2" and wave_label("b", "en") == "Baseline"


def test_all_report_figures_in_both_languages(result):
    before = plt.get_fignums()
    figures = result.figures("en")
    assert set(figures) == {
        "shares", "shares_by_gender", "components", "targets", "trajectories", "attribution"
    }  # fmt: skip
    assert all(isinstance(f, Figure) for f in figures.values())
    assert plt.get_fignums() == before  # never registered with pyplot, never shown


def test_swedish_labels_and_decimal_comma(result):
    texts = " ".join(_texts(plot_shares(result.shares, by="gender", lang="sv")))
    assert "Kvinnor" in texts and "Män" in texts and label("got_job", "sv") in texts
    assert f"{NBSP}%" in texts
    assert "95 % konfidensintervall" in texts.replace(NBSP, " ")
    english = " ".join(_texts(plot_shares(result.shares, by="gender", lang="en")))
    assert "Women" in english and label("got_job", "en") in english
    trajectory = " ".join(_texts(plot_trajectories(result.trajectories, lang="sv")))
    assert "Start" in trajectory and "Slut" in trajectory and label("employed", "sv") in trajectory
    targets = " ".join(_texts(plot_targets(result.targets, lang="sv")))
    assert "Mål" in targets


def test_suppressed_bars_are_marked_not_drawn(result):
    fig = plot_shares(result.shares, ["job_changed_other"], by="round_id", lang="en")
    texts = _texts(fig)
    assert "n<5" in texts
    full = plot_shares(
        result.shares, ["job_changed_other"], by="round_id", lang="en", publishable=False
    )
    assert "n<5" not in _texts(full)


def test_components_figure_with_gender(result):
    fig = plot_components(result.shares, by="gender", lang="sv")
    texts = " ".join(_texts(fig))
    assert "Jobb eller steg" in texts and label("took_steps", "sv") in texts


def test_figure_errors(result):
    with pytest.raises(ImpactError, match="language"):
        plot_shares(result.shares, lang="fi")
    with pytest.raises(ImpactError, match="not in the result"):
        plot_shares(result.shares, ["no_such"])
    with pytest.raises(ImpactError, match="no rows grouped"):
        plot_shares(result.shares, by="arm")
    with pytest.raises(ImpactError, match="formats"):
        save_figure(Figure(), "/tmp/x", formats=("gif",))


def test_save_png_and_svg(result, tmp_path):
    written = save_figure(plot_targets(result.targets), tmp_path / "targets.whatever")
    assert [p.name for p in written] == ["targets.png", "targets.svg"]
    assert written[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<svg" in written[1].read_text(encoding="utf-8")
    small = programme_outcomes(
        pd.DataFrame({"gender": ["woman", "man"] * 10, "got_job": [True, False, False, True] * 5})
    )
    files = small.save_figures(tmp_path / "all", lang="sv", formats=("svg",))
    assert sorted(p.name for p in files) == ["shares_all_sv.svg", "shares_by_gender_all_sv.svg"]
