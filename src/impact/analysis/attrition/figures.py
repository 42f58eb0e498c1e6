"""Figures of the attrition summary: response by stage, bounds, IPW weights.

Functions return :class:`matplotlib.figure.Figure` objects built without pyplot (no global
state, no display backend); :func:`save_figure` writes PNG and SVG atomically.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from impact.figures import ARM_COLOURS, BOUNDS_COLOURS, new_figure

from .rates import AttritionRates

_COLOURS = ARM_COLOURS
#: Tightened Lee bounds in a darker shade of the Lee colour.
_METHOD_COLOURS = {**BOUNDS_COLOURS, "lee_tightened": "#1d6b61"}


def _above(rate: float, other_rate: float, arm: str) -> bool:
    """Label above the point when this arm is higher (treatment wins ties)."""
    return rate > other_rate or (rate == other_rate and arm == "treatment")


def response_by_stage_figure(rates: AttritionRates) -> Figure:
    """Line chart of the response rate per stage (randomised → … → result) by arm."""
    long = rates.by_arm()
    labels = list(dict.fromkeys(long["stage_label"]))
    fig = new_figure(6.5, 3.8)
    ax = fig.add_subplot()
    x = np.arange(len(labels))
    for arm in ("treatment", "control"):
        part = long[long["arm"] == arm]
        other_arm = "control" if arm == "treatment" else "treatment"
        other = long[long["arm"] == other_arm].set_index("stage")["response_rate"]
        ax.plot(x, part["response_rate"] * 100, marker="o", color=_COLOURS[arm], label=arm)
        for xi, (_, row) in zip(x, part.iterrows(), strict=True):
            ax.annotate(
                f"{row['n_responded']}",
                (xi, row["response_rate"] * 100),
                textcoords="offset points",
                xytext=(
                    0,
                    6 if _above(row["response_rate"], other.loc[row["stage"]], arm) else -12,
                ),
                ha="center",
                fontsize=8,
                color=_COLOURS[arm],
            )
    ax.set_xticks(x, labels)
    ax.set_ylim(0, 110)
    ax.set_ylabel("responded (% of randomised)")
    ax.set_title("Response by stage and arm")
    ax.legend(frameon=False)
    ax.grid(axis="y", alpha=0.3)
    return fig


def bounds_figure(estimates: pd.DataFrame) -> Figure:
    """Forest plot, one panel per outcome: naive and IPW estimates, Lee (plain and tightened) and
    Manski bounds.

    Parameters
    ----------
    estimates : DataFrame
        Columns outcome, method, estimate, lower, upper, ci_lower, ci_upper (as returned by
        :meth:`AttritionSummary.estimates`). Bounds are drawn as thick bars, CIs as thin lines,
        point estimates as dots. Each outcome has its own x-axis (outcomes differ in scale).
    """
    outcomes = list(dict.fromkeys(estimates["outcome"]))
    methods = ["naive", "ipw", "lee", "lee_tightened", "manski"]
    fig = new_figure(7, 0.9 + 1.5 * max(1, len(outcomes)))
    axes = fig.subplots(max(1, len(outcomes)), 1, squeeze=False)[:, 0]
    for ax, outcome in zip(axes, outcomes, strict=False):
        part = estimates[estimates["outcome"] == outcome].set_index("method")
        shown = [m for m in methods if m in part.index]
        for y, method in enumerate(reversed(shown)):
            row = part.loc[method]
            colour = _METHOD_COLOURS[method]
            ax.hlines(y, row["ci_lower"], row["ci_upper"], color=colour, linewidth=1)
            if np.isfinite(row["lower"]):
                ax.hlines(y, row["lower"], row["upper"], color=colour, linewidth=6, alpha=0.8)
            if np.isfinite(row["estimate"]):
                ax.plot(row["estimate"], y, "o", color=colour, markersize=5)
        ax.set_yticks(range(len(shown)), list(reversed(shown)), fontsize=8)
        ax.set_ylim(-0.6, len(shown) - 0.4)
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_title(outcome, fontsize=9, loc="left")
        ax.grid(axis="x", alpha=0.3)
    axes[-1].set_xlabel("effect on the outcome (treatment − control)")
    fig.suptitle("ITT under attrition: estimates (dots), bounds (bars), CIs (lines)", fontsize=10)
    return fig


def weights_figure(weights: pd.DataFrame, outcome: str) -> Figure:
    """Histogram of the respondents' IPW weights per arm (columns arm, weight)."""
    fig = new_figure(6, 3.2)
    ax = fig.add_subplot()
    bins = np.histogram_bin_edges(weights["weight"], bins=20)
    for arm in ("treatment", "control"):
        part = weights.loc[weights["arm"] == arm, "weight"]
        ax.hist(part, bins=bins, alpha=0.6, color=_COLOURS[arm], label=arm)
    ax.set_xlabel("weight (1 / estimated response probability)")
    ax.set_ylabel("respondents")
    ax.set_title(f"IPW weights for {outcome}")
    ax.legend(frameon=False)
    return fig
