"""Figures of programme outcomes in the house style, with Swedish or English labels.

Every function takes a result object and returns a :class:`matplotlib.figure.Figure` (never
shown); save it with :func:`impact.figures.save_figure` (PNG and SVG). By default
figures are drawn from the **publishable** (suppressed) tables: a bar whose share is hidden by
small-cell suppression is left out and marked "n<5".

* :func:`plot_shares` — share bars with CIs, overall or by a group (gender);
* :func:`plot_targets` — observed share with CI against each target;
* :func:`plot_components` — job + steps stacked, and the component indicators;
* :func:`plot_trajectories` — shares across waves (baseline → follow-ups → result);
* :func:`plot_attribution` — yes / no / don't know among those with each outcome.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from impact.analysis.outcomes.attribution import ANSWERS, Attribution
from impact.analysis.outcomes.inputs import GENDER_ORDER, OVERALL
from impact.analysis.outcomes.shares import IndicatorShares
from impact.analysis.outcomes.targets import TargetAttainment
from impact.analysis.outcomes.trajectories import Trajectories
from impact.errors import ImpactError
from impact.figures import (
    CI_COLOUR,
    GROUP_COLOURS,
    PALETTE,
    TARGET_COLOUR,
    house_style,
    new_figure,
    percent_axis,
)
from impact.i18n import Lang, check_lang
from impact.i18n.labels import label, wave_label
from impact.i18n.numbers import decimal, percent
from impact.indicators.components import JOB_AND_STEP_COMPONENTS

#: Component indicators of "job or steps", in display order.
COMPONENTS: tuple[str, ...] = JOB_AND_STEP_COMPONENTS


def _table(result, publishable: bool) -> pd.DataFrame:
    return result.publishable() if publishable else result.tidy()


def _threshold(result) -> int:
    return int(result.suppression_threshold)


def _select_groups(table: pd.DataFrame, by: str | None, groups: Sequence[str] | None):
    if by is None:
        return OVERALL, ["all"]
    present = list(dict.fromkeys(table.loc[table["group_var"] == by, "group"]))
    if not present:
        raise ImpactError(f"the result has no rows grouped by '{by}'")
    if groups is None:
        if by == "gender":
            groups = [g for g in ("woman", "man") if g in present] or present
        else:
            groups = present
    missing = [g for g in groups if g not in present]
    if missing:
        raise ImpactError(f"groups {missing} are not in the result (have {present})")
    return by, list(groups)


def _group_label(group: str, by: str, lang: Lang) -> str:
    if by == OVERALL:
        return label("overall", lang)
    if by == "gender" or group in GENDER_ORDER:
        return label(group, lang)
    return str(group)


def _hbar_panel(ax, rows: pd.DataFrame, names, by, groups, lang, threshold, key="indicator"):
    """Horizontal bars: one block per name, one bar per group, CI whiskers and value labels.

    Each group is drawn with one ``barh`` and one ``errorbar`` call (not one per bar): the
    figure looks the same and is built several times faster.
    """
    height = 0.8 / len(groups)
    ypos = np.arange(len(names))[::-1].astype(float)
    found = _first_rows(rows, key)
    for g_index, group in enumerate(groups):
        colour = GROUP_COLOURS[g_index % len(GROUP_COLOURS)]
        bars: list[tuple[float, float, float, float]] = []
        for name, y0 in zip(names, ypos, strict=True):
            hit = found.get((name, group))
            if hit is None:
                continue
            y = y0 + (len(groups) - 1) / 2 * height - g_index * height
            share, low, high = hit
            if not np.isfinite(share):
                ax.text(0.01, y, label("suppressed", lang).format(k=threshold), va="center",
                        fontsize=7, color=PALETTE["grey"])  # fmt: skip
                continue
            bars.append((y, share, low, high))
        if not bars:
            continue
        y, share, low, high = (np.array(column) for column in zip(*bars, strict=True))
        ax.barh(y, share, height=height * 0.9, color=colour, label=_group_label(group, by, lang))
        ax.errorbar(share, y, xerr=[share - low, high - share], fmt="none", ecolor=CI_COLOUR,
                    elinewidth=0.8, capsize=2)  # fmt: skip
        for yi, si, hi in zip(y, share, high, strict=True):
            ax.text(min(hi + 0.01, 0.99), yi, percent(si, lang, 0), va="center", fontsize=7)
    ax.set_yticks(ypos, [label(n, lang) for n in names])
    percent_axis(ax.xaxis, lang, 1.05)
    ax.set_xlim(0, 1.08)
    if (len(groups) > 1 or by != OVERALL) and ax.get_legend_handles_labels()[0]:
        ax.legend(loc="lower right")


def _first_rows(rows: pd.DataFrame, key: str) -> dict[tuple[str, str], tuple[float, ...]]:
    """``{(name, group): (share, ci_low, ci_high)}`` of the first row of each pair (NaN if NA)."""
    numbers = {
        column: pd.to_numeric(rows[column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        for column in ("share", "ci_low", "ci_high")
    }
    found: dict[tuple[str, str], tuple[float, ...]] = {}
    pairs = zip(rows[key].tolist(), rows["group"].tolist(), strict=True)
    for i, pair in enumerate(pairs):
        found.setdefault(pair, tuple(float(numbers[c][i]) for c in ("share", "ci_low", "ci_high")))
    return found


def _once(text: str, labelled: set[str]) -> str | None:
    """``text`` the first time it is asked for (one legend entry per series), then None."""
    if text in labelled:
        return None
    labelled.add(text)
    return text


def plot_shares(
    result: IndicatorShares,
    indicators: Sequence[str] | None = None,
    *,
    by: str | None = None,
    groups: Sequence[str] | None = None,
    lang: Lang = "en",
    publishable: bool = True,
) -> Figure:
    """Share of each indicator with its CI, overall (``by=None``) or by group (``by="gender"``).

    Parameters
    ----------
    result : IndicatorShares
        From :func:`impact.analysis.outcomes.shares.indicator_shares`.
    indicators : sequence of str, optional
        Indicators to show, top to bottom (default all).
    by : str, optional
        Grouping column (must be one of the result's groupings).
    groups : sequence of str, optional
        Levels to show (default for gender: women and men).
    lang : {"en", "sv"}
        Label language and number format.
    publishable : bool
        Draw from the suppressed table (default) or the full one.
    """
    lang = check_lang(lang)
    table = _table(result, publishable)
    names = _names(table, indicators, "indicator")
    by_var, levels = _select_groups(table, by, groups)
    rows = table[table["group_var"] == by_var]
    with house_style():
        fig = new_figure(6.5, 0.9 + 0.28 * len(names) * max(1, len(levels) * 0.8))
        ax = fig.add_subplot()
        _hbar_panel(ax, rows, names, by_var, levels, lang, _threshold(result))
        title = "shares_title" if by is None else "shares_by_gender_title"
        ax.set_title(label(title, lang) if by in (None, "gender") else f"{label(title, lang)}")
        _ci_note(fig, result.level, lang)
    return fig


def _names(table: pd.DataFrame, chosen, key: str) -> list[str]:
    available = list(dict.fromkeys(table[key]))
    if chosen is None:
        return available
    missing = [c for c in chosen if c not in available]
    if missing:
        raise ImpactError(f"not in the result: {', '.join(missing)} (have {', '.join(available)})")
    return list(chosen)


def _ci_note(fig: Figure, level: float, lang: Lang, key: str = "ci_note") -> None:
    pct = decimal(100.0 * level, 0 if round(100 * level) == 100 * level else 1, lang)
    fig.text(0.0, 0.0, label(key, lang).format(pct=pct), fontsize=7, color=PALETTE["grey"],
             ha="left", va="top")  # fmt: skip


def plot_targets(
    result: TargetAttainment, *, lang: Lang = "en", publishable: bool = True
) -> Figure:
    """Observed share with CI for each target indicator, the target drawn as a red mark."""
    lang = check_lang(lang)
    table = _table(result, publishable)
    rows = table[table["group_var"] == OVERALL]
    names = list(dict.fromkeys(rows["indicator"]))
    with house_style():
        fig = new_figure(6.5, 1.1 + 0.45 * len(names))
        ax = fig.add_subplot()
        _hbar_panel(ax, rows, names, OVERALL, ["all"], lang, _threshold(result))
        ypos = np.arange(len(names))[::-1]
        for name, y in zip(names, ypos, strict=True):
            target = float(rows.loc[rows["indicator"] == name, "target"].iloc[0])
            ax.plot([target, target], [y - 0.45, y + 0.45], color=TARGET_COLOUR, lw=2,
                    label=label("target", lang) if name == names[0] else None)  # fmt: skip
        ax.legend(loc="lower right")
        ax.set_title(label("targets_title", lang))
        _ci_note(fig, result.level, lang)
    return fig


def plot_components(
    result: IndicatorShares,
    components: Sequence[str] | None = None,
    *,
    by: str | None = None,
    groups: Sequence[str] | None = None,
    lang: Lang = "en",
    publishable: bool = True,
) -> Figure:
    """Job + steps as a stacked bar (= job or steps), beside the shares of their components.

    ``got_job`` and ``took_steps`` are mutually exclusive, so their shares stack to
    ``job_or_steps``. The right panel shows the components present in the result (default
    :data:`COMPONENTS`).
    """
    lang = check_lang(lang)
    table = _table(result, publishable)
    present = set(table["indicator"])
    names = [c for c in (components or COMPONENTS) if c in present]
    if components is not None and len(names) < len(components):
        missing = sorted(set(components) - present)
        raise ImpactError(f"components not in the result: {', '.join(missing)}")
    stacked = {"got_job", "took_steps"} <= present
    if not names and not stacked:
        raise ImpactError("the result has neither got_job/took_steps nor any component indicator")
    by_var, levels = _select_groups(table, by, groups)
    rows = table[table["group_var"] == by_var]
    with house_style():
        fig = new_figure(9.5 if stacked and names else 6.5, 1.2 + 0.3 * max(len(names), 3))
        ratios = [1.0, 1.6] if stacked and names else [1.0]
        axes = fig.subplots(1, len(ratios), squeeze=False, width_ratios=ratios)[0]
        if stacked:
            _stacked_job_steps(axes[0], rows, by_var, levels, lang, _threshold(result))
        if names:
            _hbar_panel(axes[-1], rows, names, by_var, levels, lang, _threshold(result))
            axes[-1].set_title(label("components_panel", lang))
        fig.suptitle(label("components_title", lang), fontweight="bold")
        _ci_note(fig, result.level, lang)
    return fig


def _stacked_job_steps(ax, rows, by, levels, lang, threshold) -> None:
    ypos = np.arange(len(levels))[::-1]
    parts = (("got_job", PALETTE["blue"]), ("took_steps", PALETTE["sky"]))
    labelled: set[str] = set()
    for group, y in zip(levels, ypos, strict=True):
        left = 0.0
        for name, colour in parts:
            hit = rows[(rows["indicator"] == name) & (rows["group"] == group)]
            share = float(hit["share"].iloc[0]) if not hit.empty and pd.notna(
                hit["share"].iloc[0]) else np.nan  # fmt: skip
            if not np.isfinite(share):
                ax.text(left + 0.01, y, label("suppressed", lang).format(k=threshold),
                        va="center", fontsize=7, color=PALETTE["grey"])  # fmt: skip
                break
            ax.barh(y, share, left=left, color=colour, height=0.5,
                    label=_once(label(name, lang), labelled))  # fmt: skip
            if share >= 0.06:
                ax.text(left + share / 2, y, percent(share, lang, 0), ha="center",
                        va="center", fontsize=7, color="white")  # fmt: skip
            left += share
        else:
            ax.text(left + 0.01, y, percent(left, lang, 0), va="center", fontsize=7)
    ax.set_yticks(ypos, [_group_label(g, by, lang) for g in levels])
    ax.set_ylim(-1.3, len(levels) - 0.4)  # room below the bars for the legend
    percent_axis(ax.xaxis, lang, 1.05)
    ax.set_xlim(0, 1.1)
    if labelled:
        ax.legend(loc="lower center", ncol=2)
    ax.set_title(label("job_steps_title", lang))


def plot_trajectories(
    result: Trajectories,
    items: Sequence[str] | None = None,
    *,
    by: str | None = None,
    groups: Sequence[str] | None = None,
    lang: Lang = "en",
    publishable: bool = True,
) -> Figure:
    """Share with each item's event across waves, with CIs (one panel per item).

    With ``by`` (e.g. ``"gender"``), each panel has one line per group.
    """
    lang = check_lang(lang)
    table = _table(result, publishable)
    names = _names(table, items, "item")
    by_var, levels = _select_groups(table, by, groups)
    rows = table[table["group_var"] == by_var]
    with house_style():
        fig = new_figure(3.2 * len(names) + 0.5, 3.2)
        axes = fig.subplots(1, len(names), squeeze=False, sharey=True)[0]
        for ax, item in zip(axes, names, strict=True):
            sub = rows[rows["item"] == item].sort_values("wave_order")
            waves = list(dict.fromkeys(sub["wave"]))
            for g_index, group in enumerate(levels):
                line = sub[sub["group"] == group].set_index("wave").reindex(waves)
                x = np.arange(len(waves)) + (g_index - (len(levels) - 1) / 2) * 0.06
                share = pd.to_numeric(line["share"]).to_numpy(dtype=float, na_value=np.nan)
                low = pd.to_numeric(line["ci_low"]).to_numpy(dtype=float, na_value=np.nan)
                high = pd.to_numeric(line["ci_high"]).to_numpy(dtype=float, na_value=np.nan)
                colour = GROUP_COLOURS[g_index % len(GROUP_COLOURS)]
                ax.errorbar(x, share, yerr=[share - low, high - share], marker="o", ms=4,
                            color=colour, capsize=2, lw=1.5,
                            label=_group_label(group, by_var, lang))  # fmt: skip
                for xi, s in zip(x, share, strict=True):
                    if np.isfinite(s):
                        ax.annotate(percent(s, lang, 0), (xi, s), xytext=(4, 4),
                                    textcoords="offset points", fontsize=7)  # fmt: skip
            ax.set_xticks(np.arange(len(waves)), [wave_label(w, lang) for w in waves])
            ax.set_title(label(sub["event"].iloc[0] if not sub.empty else item, lang))
            ax.grid(axis="y")
            ax.grid(axis="x", visible=False)
            percent_axis(ax.yaxis, lang)
            ax.set_ylim(0, 1.05)
        if by is not None:
            axes[-1].legend(loc="upper left")
        fig.suptitle(label("trajectories_title", lang), fontweight="bold")
        _ci_note(fig, result.level, lang, "ci_note_points")
    return fig


def plot_attribution(result: Attribution, *, lang: Lang = "en", publishable: bool = True) -> Figure:
    """Stacked bars: yes / no / don't know among those with each outcome (overall)."""
    lang = check_lang(lang)
    table = _table(result, publishable)
    rows = table[table["group_var"] == OVERALL]
    names = list(dict.fromkeys(rows["outcome"]))
    colours = {"yes": PALETTE["green"], "no": PALETTE["vermillion"], "dont_know": PALETTE["grey"]}
    with house_style():
        fig = new_figure(6.5, 1.1 + 0.45 * len(names))
        ax = fig.add_subplot()
        ypos = np.arange(len(names))[::-1]
        labelled: set[str] = set()
        for name, y in zip(names, ypos, strict=True):
            r = rows[rows["outcome"] == name].iloc[0]
            left = 0.0
            for answer in ANSWERS:
                share = r[f"share_{answer}"]
                if pd.isna(share):
                    ax.text(left + 0.01, y, label("suppressed", lang).format(k=_threshold(result)),
                            va="center", fontsize=7, color=PALETTE["grey"])  # fmt: skip
                    break
                share = float(share)
                ax.barh(y, share, left=left, color=colours[answer], height=0.6,
                        label=_once(label(answer, lang), labelled))  # fmt: skip
                if share >= 0.06:
                    ax.text(left + share / 2, y, percent(share, lang, 0), ha="center",
                            va="center", fontsize=7, color="white")  # fmt: skip
                left += share
        ax.set_yticks(ypos, [label(n, lang) for n in names])
        ax.set_ylim(-0.6, len(names) - 0.4)
        percent_axis(ax.xaxis, lang, 1.0)
        ax.set_xlim(0, 1.0)
        if labelled:
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3)
        ax.set_title(label("attribution_title", lang))
    return fig
