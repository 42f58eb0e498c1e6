"""Figures: the CONSORT flow, forest plots of effects and the balance love plot (sv or en labels).

Figures are built with :class:`matplotlib.figure.Figure` directly (no pyplot state, no GUI
backend), so they are safe in batch runs; save them with :func:`impact.figures.save_figure`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch

from impact.figures import FLOW_COLOURS, NOTE_COLOUR, PALETTE, house_style, new_figure
from impact.i18n import Lang, check_lang

from .balance import BalanceResult
from .consort import ConsortFlow
from .design import CONTROL, TREATMENT
from .heterogeneity import HeterogeneityResult
from .itt import IttResult
from .labels import COVARIATE_LABELS, balance_text, level_label, outcome_label, text

_BOX = {"boxstyle": "round,pad=0.02,rounding_size=0.08", "linewidth": 1.0}


def _stage_label(stage: str, lang: Lang) -> str:
    if stage.startswith("followup_"):
        return text("followup", lang, k=stage.split("_", 1)[1])
    return text(stage, lang)


def _reason_label(reason: str, lang: Lang) -> str:
    keys = {
        "did not answer baseline": "no_baseline",
        "no answer": "no_answer",
        "outcome missing": "outcome_missing",
    }
    return text(keys[reason], lang) if reason in keys else reason


def _box(ax, x, y, w, h, label, face=FLOW_COLOURS["box"], size=8.5):
    ax.add_patch(
        FancyBboxPatch(
            (x - w / 2, y - h / 2), w, h, facecolor=face, edgecolor=FLOW_COLOURS["edge"], **_BOX
        )
    )
    ax.text(x, y, label, ha="center", va="center", fontsize=size, wrap=True)


def _arrow(ax, x0, y0, x1, y1):
    ax.annotate(
        "",
        xy=(x1, y1),
        xytext=(x0, y0),
        arrowprops={"arrowstyle": "-|>", "color": FLOW_COLOURS["edge"], "lw": 1.0},
    )


def consort_figure(flow: ConsortFlow, lang: Lang = "en") -> Figure:
    """Draw the CONSORT flow: randomised box, then one column of boxes per arm.

    Parameters
    ----------
    flow : ConsortFlow
        From :func:`consort_flow`.
    lang : {"en", "sv"}
        Language of the labels.

    Returns
    -------
    matplotlib.figure.Figure
    """
    check_lang(lang)
    t = flow.tidy()
    stages = list(dict.fromkeys(t["stage"]))
    later = stages[1:]
    height = 2.7 + 1.25 * len(later)
    fig = Figure(figsize=(8.0, 0.9 * height))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 10)
    ax.set_ylim(0, height)
    ax.axis("off")

    def n_of(stage, arm):
        row = t[(t["stage"] == stage) & (t["arm"] == arm)].iloc[0]
        return int(row["n"]), int(row["n_excluded"]), str(row["excluded_reason"])

    top = height - 0.7
    total, _, _ = n_of("randomised", "total")
    _box(
        ax,
        5,
        top,
        3.6,
        0.7,
        f"{text('randomised', lang)}\nn = {total}",
        face=FLOW_COLOURS["randomised"],
    )
    y_arm = top - 1.3
    for x, arm in ((2.5, TREATMENT), (7.5, CONTROL)):
        n, _, _ = n_of("randomised", arm)
        _box(ax, x, y_arm, 3.6, 0.6, f"{text(arm, lang)}\nn = {n}", face=FLOW_COLOURS["arm"])
        _arrow(ax, 5, top - 0.36, x, y_arm + 0.32)
        y_prev = y_arm
        for i, stage in enumerate(later):
            y = y_arm - 1.25 * (i + 1)
            n, lost, reason = n_of(stage, arm)
            label = f"{_stage_label(stage, lang)}: n = {n}"
            if reason:
                label += f"\n({_reason_label(reason, lang)}: {lost})"
            face = FLOW_COLOURS["analysed"] if stage == "analysed" else FLOW_COLOURS["box"]
            _box(ax, x, y, 4.4, 0.8, label, face=face)
            _arrow(ax, x, y_prev - (0.32 if i == 0 else 0.42), x, y + 0.42)
            y_prev = y
    fig.suptitle(text("flow_title", lang), y=0.995, fontsize=11)
    return fig


def _forest(ax, labels, est, low, high, offsets, names):
    ypos = np.arange(len(labels))[::-1]
    for k, (off, name) in enumerate(zip(offsets, names, strict=True)):
        e, lo, hi = est[k], low[k], high[k]
        ok = np.isfinite(e)
        ax.errorbar(
            e[ok],
            ypos[ok] + off,
            xerr=[e[ok] - lo[ok], hi[ok] - e[ok]],
            fmt="o",
            ms=4,
            capsize=2,
            label=name,
        )
    ax.axvline(0, color=FLOW_COLOURS["zero"], lw=0.8, ls="--")
    ax.set_yticks(ypos, labels)
    ax.grid(axis="x", alpha=0.3)


def _forest_per(
    ax: Axes,
    t: pd.DataFrame,
    column: str,
    values: Sequence[object],
    outcomes: list[str],
    spread: float,
    names: list[str],
    lang: Lang,
) -> None:
    """A forest plot of ``t`` by outcome with one marker series per value of ``column``,
    the series offset within ``±spread`` of each row."""
    est, low, high = [], [], []
    for value in values:
        sub = t[t[column] == value].set_index("outcome").reindex(outcomes)
        est.append(sub["estimate_pp"].to_numpy(float))
        low.append(sub["conf_low_pp"].to_numpy(float))
        high.append(sub["conf_high_pp"].to_numpy(float))
    offsets = np.linspace(-spread, spread, len(values)) if len(values) > 1 else [0.0]
    _forest(ax, [outcome_label(o, lang) for o in outcomes], est, low, high, offsets, names)


def effects_figure(
    itt: IttResult, specifications: tuple[str, ...] | None = None, lang: Lang = "en"
) -> Figure:
    """Forest plot of ITT effects (percentage points with CIs), one row per outcome.

    Parameters
    ----------
    itt : IttResult
        The estimates.
    specifications : tuple of str, optional
        Specifications to show side by side (default: all).
    lang : {"en", "sv"}
        Language of the labels.
    """
    check_lang(lang)
    t = itt.tidy()
    specs = list(specifications or dict.fromkeys(t["specification"]))
    outcomes = list(dict.fromkeys(t["outcome"]))
    fig = Figure(figsize=(8.0, 1.2 + 0.45 * len(outcomes)))
    ax = fig.add_subplot()
    _forest_per(ax, t, "specification", specs, outcomes, 0.25, [text(s, lang) for s in specs], lang)
    ax.set_xlabel(text("effect_pp", lang))
    ax.set_title(text("effects_title", lang), fontsize=11)
    ax.legend(fontsize=7, loc="best")
    fig.tight_layout()
    return fig


def subgroup_figure(het: HeterogeneityResult, lang: Lang = "en") -> Figure:
    """Forest plot of subgroup effects (one marker per level) for each outcome."""
    check_lang(lang)
    t = het.tidy()
    outcomes = list(dict.fromkeys(t["outcome"]))
    levels = list(dict.fromkeys(t["level"]))
    fig = Figure(figsize=(8.0, 1.2 + 0.45 * max(len(outcomes), 1)))
    ax = fig.add_subplot()
    _forest_per(ax, t, "level", levels, outcomes, 0.2, [level_label(v, lang) for v in levels], lang)
    subgroup = t["subgroup"].iloc[0] if len(t) else ""
    ax.set_xlabel(text("effect_pp", lang))
    ax.set_title(text("subgroup_title", lang, g=subgroup), fontsize=11)
    if levels:
        ax.legend(fontsize=7, loc="best")
    fig.tight_layout()
    return fig


_SAMPLE_MARKERS = {"randomised": ("o", "grey", True), "analysed": ("o", "blue", False)}


def _term_label(covariate: str, level: str, lang: Lang) -> str:
    name = COVARIATE_LABELS.get(covariate, {}).get(lang, covariate)
    if not level or level == "True":
        return name
    return f"{name}: {level_label(level, lang)}"


def balance_figure(balance: BalanceResult, lang: Lang = "en") -> Figure:
    """Love plot: the normalised difference of every covariate term, one marker per sample.

    Guides at 0, ±0.1 (dashed: worth a look) and ±0.25 (dotted: a serious imbalance). For a
    yes/no covariate only the "yes" share is shown (the "no" share is its mirror image).
    """
    check_lang(lang)
    t = balance.tidy()
    t = t[(t["level"].fillna("") != "False") & t["smd"].notna()]
    terms = list(dict.fromkeys(zip(t["covariate"], t["level"].fillna(""), strict=True)))
    samples = list(dict.fromkeys(t["sample"]))
    with house_style():
        fig = new_figure(6.0, 1.3 + 0.28 * max(len(terms), 1))
        ax = fig.add_subplot()
        position = {term: k for k, term in enumerate(reversed(terms))}
        for k, sample in enumerate(samples):
            part = t[t["sample"] == sample]
            marker, colour, hollow = _SAMPLE_MARKERS.get(sample, ("^", "orange", False))
            keys = zip(part["covariate"], part["level"].fillna(""), strict=True)
            y = [position[key] for key in keys]
            ax.scatter(
                part["smd"], np.asarray(y) + 0.12 * (k - (len(samples) - 1) / 2),
                marker=marker, s=22, label=balance_text(f"sample_{sample}", lang, name=sample),
                facecolors="none" if hollow else PALETTE[colour], edgecolors=PALETTE[colour],
            )  # fmt: skip
        ax.axvline(0, color=NOTE_COLOUR, linewidth=0.8)
        for guide, style in ((0.1, "--"), (0.25, ":")):
            for sign in (-1, 1):
                ax.axvline(sign * guide, color=PALETTE["vermillion"], linestyle=style, lw=0.8)
        ax.set_yticks(
            [position[term] for term in terms], [_term_label(c, lev, lang) for c, lev in terms]
        )
        limit = max(0.3, float(np.nanmax(np.abs(t["smd"]))) * 1.1) if len(t) else 0.3
        ax.set_xlim(-limit, limit)
        ax.set_xlabel(balance_text("normalised_difference", lang))
        ax.set_title(balance_text("love_title", lang))
        ax.legend(loc="best", fontsize=7)
    return fig
