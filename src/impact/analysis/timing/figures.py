"""Figure: cumulative share employed by month and group (Kaplan–Meier, with intervals).

Built as a :class:`matplotlib.figure.Figure` without pyplot, in the house style of
:mod:`impact.figures`, with Swedish or English labels.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from impact.figures import GROUP_COLOURS, NOTE_COLOUR, house_style, new_figure, percent_axis
from impact.i18n import Lang, check_lang, table
from impact.i18n.labels import wave_label
from impact.i18n.numbers import percent

from .kaplan_meier import KaplanMeier

TEXT: dict[str, dict[str, str]] = table("labels.timing.figures")


def text(key: str, lang: Lang) -> str:
    """Figure text ``key`` in ``lang`` (the key itself for an unknown group)."""
    return TEXT.get(key, {}).get(lang, key)


def _draw_group(
    ax: Axes, part: pd.DataFrame, risk: pd.DataFrame, k: int, label: str, lang: Lang
) -> None:
    """One group's step curve, interval band, final share and n at risk under the waves."""
    colour = GROUP_COLOURS[k % len(GROUP_COLOURS)]
    ax.step(
        part["month"],
        part["employed_share"],
        where="post",
        color=colour,
        label=label,
    )
    ax.fill_between(
        part["month"],
        part["ci_lower"],
        part["ci_upper"],
        step="post",
        color=colour,
        alpha=0.18,
        linewidth=0,
    )
    final = part.iloc[-1]
    ax.annotate(
        percent(final["employed_share"], lang, 0),
        (part["month"].iloc[-1], final["employed_share"]),
        xytext=(4, 0),
        textcoords="offset points",
        va="center",
        fontsize=8,
        color=colour,
    )
    for m, n in zip(risk["month"], risk["n_risk"], strict=True):
        ax.annotate(
            f"{n}",
            (m, 0.0),
            xytext=(0, -34 - 9 * k),
            textcoords="offset points",
            ha="center",
            fontsize=7,
            color=colour,
            annotation_clip=False,
        )


def cumulative_share_figure(
    km: KaplanMeier, wave_months: Mapping[str, float], lang: Lang = "en"
) -> Figure:
    """Step curves of the cumulative share employed by group, with interval bands.

    Parameters
    ----------
    km : KaplanMeier
        Curves from :func:`~impact.analysis.timing.kaplan_meier.kaplan_meier`.
    wave_months : mapping
        Wave code → month; waves are marked on the x axis and n at risk is shown there.
    lang : {"sv", "en"}
        Lang of all labels.
    """
    lang = check_lang(lang)
    last = max(wave_months.values())
    # run the steps a little past the last wave so the final jump and its band show
    months = np.linspace(0.0, last * 1.04, int(round(last * 20)) + 1)
    share = km.at(months)
    at_waves = km.at(sorted(wave_months.values()))
    with house_style():
        fig = new_figure(6.5, 4.2)
        ax = fig.add_subplot()
        for k, (group, part) in enumerate(share.groupby("group", sort=True)):
            risk = at_waves[at_waves["group"] == group]
            _draw_group(ax, part, risk, k, text(str(group), lang), lang)
        top = float(min(1.0, max(0.2, share["ci_upper"].max() + 0.05)))
        percent_axis(ax.yaxis, lang, top)
        ticks = sorted(wave_months.items(), key=lambda kv: kv[1])
        ax.set_xticks(
            [m for _, m in ticks], [f"{m:g}\n{wave_label(w, lang)}" for w, m in ticks], fontsize=7
        )
        ax.set_xlim(0.0, last * 1.08)
        ax.set_xlabel(text("x", lang), labelpad=30)
        ax.set_ylabel(text("y", lang))
        ax.set_title(text("title", lang))
        ax.legend(loc="upper left")
        fig.text(
            0.01,
            -0.02,
            text("note", lang).format(pct=round(100 * km.confidence_level)),
            fontsize=7,
            color=NOTE_COLOUR,
        )
    return fig
