"""The diagnosis figure: each estimator's spread of estimates against its truth, and its
coverage and power.

Left: the middle 95 % of the estimates (line), their mean (dot) and the estimand (cross); for
Lee bounds the mean lower and upper bound. Right: coverage of the intervals (dot, with the
nominal level dashed) and power (square).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure

from impact.analysis.power import figures
from impact.analysis.power.diagnosis.result import ESTIMANDS
from impact.figures import new_figure
from impact.i18n import Lang, table

if TYPE_CHECKING:
    from impact.analysis.power.diagnosis.result import DiagnosisResult

NAMES = table("labels.diagnosis.estimators")
LABELS = table("labels.diagnosis.figures")


def _spread(result: DiagnosisResult, ax, rows: list[str], lang: Lang) -> None:
    """The left panel: estimates (or mean bounds) against the truth, in percentage points."""
    for y, name in enumerate(rows):
        draws = result.draws[name]
        truth = 100 * result.truth[ESTIMANDS[name]]
        keep = np.isfinite(draws.estimate)
        if not keep.any():
            continue
        if name == "lee":
            low, high = (100 * float(np.mean(v[keep])) for v in (draws.lower, draws.upper))
            ax.plot([low, high], [y, y], color="tab:orange", linewidth=6, alpha=0.6,
                    label=LABELS["bounds"][lang])  # fmt: skip
        else:
            values = 100 * draws.estimate[keep]
            low, high = np.percentile(values, [2.5, 97.5])
            ax.plot([low, high], [y, y], color="tab:blue", linewidth=2)
            ax.plot([values.mean()], [y], "o", color="tab:blue",
                    label=LABELS["mean"][lang] if y == 0 else None)  # fmt: skip
        ax.plot([truth], [y], "x", color="black", markersize=9, mew=2,
                label=LABELS["truth"][lang] if y == 0 else None)  # fmt: skip
    ax.axvline(0, color="grey", linewidth=1)
    ax.set_xlabel(LABELS["estimates"][lang])
    ax.set_title(LABELS["estimates_title"][lang], fontsize="medium")
    figures.number_axis(ax.xaxis, lang)
    ax.legend(loc="lower right", fontsize="x-small")


def _rates(result: DiagnosisResult, ax, rows: list[str], lang: Lang) -> None:
    """The right panel: coverage and power of each estimator."""
    table_ = result.table.set_index("estimator")
    for y, name in enumerate(rows):
        coverage, power = table_.loc[name, "coverage"], table_.loc[name, "power"]
        if np.isfinite(coverage):
            ax.plot([coverage], [y], "o", color="tab:blue",
                    label=LABELS["coverage"][lang] if y == 0 else None)  # fmt: skip
        ax.plot([power], [y], "s", color="tab:green",
                label=LABELS["power"][lang] if y == 0 else None)  # fmt: skip
    ax.axvline(1 - result.alpha, color="grey", linestyle="--", linewidth=1,
               label=LABELS["nominal"][lang])  # fmt: skip
    ax.set_xlim(0, 1.02)
    ax.set_xlabel(LABELS["rates"][lang])
    ax.set_title(LABELS["rates_title"][lang], fontsize="medium")
    figures.percent_axis(ax.xaxis, lang)
    ax.legend(loc="best", fontsize="x-small")


def diagnosis_figure(result: DiagnosisResult, lang: Lang) -> Figure:
    """Two panels, one row per estimator that was estimated (see the module)."""
    rows = [name for name in ESTIMANDS if name in result.draws]
    fig = new_figure(10.0, 1.2 + 0.6 * len(rows))
    left, right = fig.subplots(1, 2, sharey=True, gridspec_kw={"width_ratios": [3, 2]})
    for ax in (left, right):
        ax.grid(True, alpha=0.3)
    _spread(result, left, rows, lang)
    _rates(result, right, rows, lang)
    left.set_yticks(range(len(rows)), [NAMES[name][lang] for name in rows])
    left.invert_yaxis()
    return fig
