"""Figures of the competing-risks and interval-censored analyses (house style, sv/en).

* :func:`cumulative_incidence_figure` — one panel per group: the cumulative shares who had a
  job, moved into education or left the programme first, stacked;
* :func:`turnbull_figure` — the Kaplan–Meier cumulative share employed (reported start
  months) beside the Turnbull estimate (intervals between waves), by group.

Built as :class:`matplotlib.figure.Figure` without pyplot; the alt text comes from
:func:`impact.figures.alt_text` (titles, axes and legends are set for it).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from matplotlib.figure import Figure

from impact.figures import (
    GROUP_COLOURS,
    NOTE_COLOUR,
    PALETTE,
    house_style,
    new_figure,
    percent_axis,
)
from impact.i18n import Lang, check_lang, table
from impact.i18n.labels import wave_label

from .aalen_johansen import CumulativeIncidence
from .figures import text as group_text
from .kaplan_meier import KaplanMeier
from .turnbull import Turnbull

TEXT: dict[str, dict[str, str]] = table("labels.timing_competing.figures")
STATE_COLOURS = {
    "job": PALETTE["blue"],
    "education": PALETTE["green"],
    "left": PALETTE["vermillion"],
}


def text(key: str, lang: Lang) -> str:
    """Figure text ``key`` in ``lang``."""
    return TEXT[key][lang]


def _wave_ticks(ax, wave_months: Mapping[str, float], lang: Lang) -> None:
    ticks = sorted(wave_months.items(), key=lambda kv: kv[1])
    ax.set_xticks(
        [m for _, m in ticks], [f"{m:g}\n{wave_label(w, lang)}" for w, m in ticks], fontsize=7
    )
    ax.set_xlim(0.0, max(wave_months.values()) * 1.04)


def _shared_percent_axis(ax, lang: Lang, highest: float) -> None:
    """Percent y axis from 0 to a little above ``highest`` (shared by the panels)."""
    top = float(min(1.0, max(0.2, highest + 0.1)))
    percent_axis(ax.yaxis, lang, top)
    ax.set_ylim(0.0, top)


def cumulative_incidence_figure(
    cif: CumulativeIncidence, wave_months: Mapping[str, float], lang: Lang = "en"
) -> Figure:
    """Stacked cumulative incidence of job, education and leaving, one panel per group."""
    lang = check_lang(lang)
    last = max(wave_months.values())
    months = np.linspace(0.0, last * 1.04, int(round(last * 20)) + 1)
    shares = cif.at(months)
    groups = sorted(shares["group"].unique())
    with house_style():
        fig = new_figure(3.2 * len(groups) + 0.6, 3.8)
        axes = fig.subplots(1, len(groups), sharey=True, squeeze=False)[0]
        for ax, group in zip(axes, groups, strict=True):
            part = shares[shares["group"] == group]
            layers = [part.loc[part["state"] == s, "estimate"].to_numpy() for s in cif.states]
            ax.stackplot(
                months,
                *layers,
                step="post",
                colors=[STATE_COLOURS.get(s, PALETTE["grey"]) for s in cif.states],
                labels=[text(s, lang) for s in cif.states],
                alpha=0.85,
            )
            _wave_ticks(ax, wave_months, lang)
            ax.set_title(group_text(str(group), lang))
            ax.set_xlabel(text("x", lang))
        total = shares.groupby(["group", "month"])["estimate"].sum().max()
        _shared_percent_axis(axes[0], lang, total)
        axes[0].set_ylabel(text("y", lang))
        axes[-1].legend(loc="upper left", fontsize=7)
        fig.suptitle(text("title", lang))
        fig.text(0.01, -0.03, text("note", lang), fontsize=7, color=NOTE_COLOUR)
    return fig


def _turnbull_lines(ax, tb: Turnbull, group: str, colour: str, label: str) -> None:
    part = tb.table[tb.table["group"] == group]
    ends = part["upper"].to_numpy(float)
    finite = np.isfinite(ends)
    x = np.concatenate([[0.0], ends[finite]])
    y = np.concatenate([[0.0], part["employed_share"].to_numpy(float)[finite]])
    ax.plot(x, y, linestyle="--", marker="o", markersize=3, color=colour, label=label)


def turnbull_figure(
    km: KaplanMeier, tb: Turnbull, wave_months: Mapping[str, float], lang: Lang = "en"
) -> Figure:
    """Kaplan–Meier (reported start months) beside Turnbull (intervals), by group."""
    lang = check_lang(lang)
    last = max(wave_months.values())
    months = np.linspace(0.0, last * 1.04, int(round(last * 20)) + 1)
    share = km.at(months)
    with house_style():
        fig = new_figure(7.0, 3.8)
        left, right = fig.subplots(1, 2, sharey=True)
        for k, group in enumerate(sorted(share["group"].unique())):
            colour = GROUP_COLOURS[k % len(GROUP_COLOURS)]
            part = share[share["group"] == group]
            label = group_text(str(group), lang)
            left.step(
                part["month"], part["employed_share"], where="post", color=colour, label=label
            )
            if group in set(tb.table["group"]):
                _turnbull_lines(right, tb, group, colour, label)
        _shared_percent_axis(
            left,
            lang,
            max(
                share["employed_share"].max(),
                tb.table["employed_share"].where(np.isfinite(tb.table["upper"])).max(),
            ),
        )
        for ax, key in ((left, "km"), (right, "turnbull")):
            _wave_ticks(ax, wave_months, lang)
            ax.set_title(text(key, lang), fontsize=9)
            ax.set_xlabel(text("x", lang))
        left.set_ylabel(text("y_job", lang))
        left.legend(loc="upper left", fontsize=7)
        fig.suptitle(text("turnbull_title", lang))
        fig.text(0.01, -0.03, text("turnbull_note", lang), fontsize=7, color=NOTE_COLOUR)
    return fig
