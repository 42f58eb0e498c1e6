"""Figures of the register comparison: love plot, monthly rates, event study, specifications.

Built as :class:`matplotlib.figure.Figure` objects without pyplot, in the house style of
:mod:`impact.figures`, with Swedish or English labels.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from impact.figures import (
    CI_COLOUR,
    GROUP_COLOURS,
    NOTE_COLOUR,
    PALETTE,
    house_style,
    new_figure,
    percent_axis,
)
from impact.i18n import Lang, check_lang, table

TEXT: dict[str, dict[str, str]] = table("labels.matching.figures")


def text(key: str, lang: Lang) -> str:
    """Figure text ``key`` in ``lang`` (the key itself when unknown)."""
    return TEXT.get(key, {}).get(lang, key)


def love_plot(balance: pd.DataFrame, lang: Lang = "en", threshold: float = 0.1) -> Figure:
    """|SMD| of each term before and after matching, with the threshold line."""
    lang = check_lang(lang)
    table = balance.sort_values("smd_before", key=np.abs).reset_index(drop=True)
    with house_style():
        fig = new_figure(6.0, 1.2 + 0.22 * len(table))
        ax = fig.add_subplot()
        y = np.arange(len(table))
        ax.scatter(
            table["smd_before"].abs(),
            y,
            marker="o",
            facecolors="none",
            edgecolors=PALETTE["grey"],
            label=text("before", lang),
        )
        ax.scatter(
            table["smd_after"].abs(),
            y,
            marker="o",
            color=PALETTE["blue"],
            label=text("after", lang),
        )
        ax.axvline(threshold, color=PALETTE["vermillion"], linestyle="--", linewidth=0.8)
        ax.set_yticks(y, table["term"], fontsize=7)
        ax.set_xlabel(text("smd", lang))
        ax.set_title(text("love_title", lang))
        ax.set_xlim(left=0)
        ax.legend(loc="lower right")
    return fig


def rates_figure(
    rates: pd.DataFrame, lang: Lang = "en", *, outcome: str = "employed", level: float = 0.95
) -> Figure:
    """Monthly rate by group with interval bands; the study start is marked."""
    lang = check_lang(lang)
    suffix = "" if outcome == "employed" else f"_{outcome}"
    with house_style():
        fig = new_figure(6.5, 3.8)
        ax = fig.add_subplot()
        for k, group in enumerate(("intervention", "external")):
            part = rates[rates["group"] == group]
            colour = GROUP_COLOURS[k]
            ax.plot(
                part["month"],
                part["rate"],
                color=colour,
                marker="o",
                markersize=2.5,
                label=text(group, lang),
            )
            ax.fill_between(
                part["month"],
                part["ci_lower"],
                part["ci_upper"],
                color=colour,
                alpha=0.18,
                linewidth=0,
            )
        ax.axvline(0, color=PALETTE["grey"], linewidth=0.8, linestyle=":")
        if outcome == "employed":
            percent_axis(ax.yaxis, lang, float(min(1.0, rates["ci_upper"].max() + 0.05)))
        ax.set_xlabel(text("month", lang))
        ax.set_ylabel(text(f"rate{suffix}", lang))
        ax.set_title(text(f"rates_title{suffix}", lang))
        ax.legend(loc="upper left")
        fig.text(
            0.01,
            -0.03,
            text("ci_note", lang).format(pct=round(100 * level)),
            fontsize=7,
            color=NOTE_COLOUR,
        )
    return fig


def event_study_figure(
    events: pd.DataFrame, lang: Lang = "en", *, reference_month: int = 0
) -> Figure:
    """Event-study coefficients with intervals; zero line and reference month."""
    lang = check_lang(lang)
    with house_style():
        fig = new_figure(6.5, 3.6)
        ax = fig.add_subplot()
        ax.axhline(0, color=CI_COLOUR, linewidth=0.8)
        ax.axvline(reference_month, color=PALETTE["grey"], linewidth=0.8, linestyle=":")
        ax.errorbar(
            events["month"],
            events["estimate"],
            yerr=[events["estimate"] - events["ci_lower"], events["ci_upper"] - events["estimate"]],
            fmt="o",
            color=PALETTE["blue"],
            markersize=3,
            capsize=2,
            linewidth=0.8,
        )
        ax.set_xlabel(text("month", lang))
        ax.set_ylabel(text("difference", lang))
        ax.set_title(text("event_title", lang))
    return fig


def specifications_figure(estimates: pd.DataFrame, lang: Lang = "en") -> Figure:
    """Forest plot: estimate and interval of each estimator under each specification."""
    lang = check_lang(lang)
    kinds = [k for k in ("end_difference", "adjusted", "did") if k in set(estimates["estimator"])]
    specs = list(dict.fromkeys(estimates["specification"]))
    with house_style():
        fig = new_figure(6.5, 1.2 + 0.35 * len(specs) * len(kinds))
        ax = fig.add_subplot()
        ax.axvline(0, color=CI_COLOUR, linewidth=0.8)
        labels, y = [], 0
        for s in specs:
            for k, kind in enumerate(kinds):
                row = estimates[
                    (estimates["specification"] == s) & (estimates["estimator"] == kind)
                ]
                if row.empty:
                    continue
                r = row.iloc[0]
                ax.errorbar(
                    r["estimate"],
                    y,
                    xerr=[[r["estimate"] - r["ci_lower"]], [r["ci_upper"] - r["estimate"]]],
                    fmt="o",
                    color=GROUP_COLOURS[k % len(GROUP_COLOURS)],
                    markersize=3.5,
                    capsize=2,
                    label=text(kind, lang) if s == specs[0] else None,
                )
                labels.append(f"{s}: {text(kind, lang)}")
                y += 1
        ax.set_yticks(np.arange(len(labels)), labels, fontsize=7)
        ax.invert_yaxis()
        ax.set_xlabel(text("difference", lang))
        ax.set_title(text("spec_title", lang))
    return fig
