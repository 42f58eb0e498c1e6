"""Trajectories across waves: baseline → follow-ups → result, as in Jusek's before/during/after.

An *item* is a question asked in several waves (wave columns ``b_<item>``, ``f1_<item>``, …,
``r_<item>``). For each item an *event* is a set of answers counted as "yes" — for
``employment`` the answers ``part_time`` and ``full_time`` ("employed"); for boolean items
``True``. The trajectory is the share with the event in each wave, with a Wilson CI.

Two populations (``population``):

* ``"respondents"`` — everybody who answered the wave (``responded_<wave>``, or a known
  value when that column is absent): each wave's share describes that wave's respondents, so
  changes mix real change with changes in who answers;
* ``"balanced"`` — only people with a known value in **every** wave shown for the item: the
  same people throughout, so changes are within-person (smaller n).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar, Literal

import pandas as pd

from impact.analysis.outcomes.inputs import (
    OVERALL,
    SOURCE,
    WAVE_PREFIX,
    as_boolean,
    check_group_columns,
    check_table,
    check_threshold,
    iter_groups,
    wave_order,
)
from impact.analysis.outcomes.publishable import PublishableTable
from impact.analysis.outcomes.shares import SHARE_STATISTICS, share_row
from impact.analysis.outcomes.suppression import SuppressionRules, share_rules
from impact.errors import InputError, Problem
from impact.validation import check_choice, check_level

Population = Literal["respondents", "balanced"]
POPULATIONS: tuple[str, ...] = ("respondents", "balanced")

#: Items followed by default (when present in at least two waves) → answers counted as the event.
DEFAULT_ITEMS: dict[str, tuple] = {
    "employment": ("part_time", "full_time"),
    "job_matches_field": (True,),
    "has_reference": (True,),
    "in_internship": (True,),
    "in_education": (True,),
}

#: Names of the events of the default items (used in tables and figure labels).
EVENT_NAMES: dict[str, str] = {
    "employment": "employed",
    "job_matches_field": "job_matches_field",
    "has_reference": "has_reference",
    "in_internship": "in_internship",
    "in_education": "in_education",
}

TRAJECTORY_COLUMNS: tuple[str, ...] = (
    "item",
    "event",
    "group_var",
    "group",
    "wave",
    "wave_order",
    "population",
    *SHARE_STATISTICS,
    "level",
)

TRAJECTORY_RULES = share_rules()


@dataclass(frozen=True, repr=False)
class Trajectories(PublishableTable):
    """Share with each event by wave, overall and by group.

    Attributes
    ----------
    table : DataFrame
        Columns :data:`TRAJECTORY_COLUMNS`; ``participants`` are the wave's respondents (or the
        balanced panel) in the group, ``n`` those with a known answer.
    level : float
        Confidence level.
    """

    rules: ClassVar[SuppressionRules] = TRAJECTORY_RULES
    source: ClassVar[str] = "trajectories"
    title: ClassVar[str] = "Trajectories across waves"

    def summary(self) -> str:
        """One line per item (overall): the share in each wave."""
        lines = [self.title]
        overall = self.table[self.table["group_var"] == OVERALL]
        for item, rows in overall.groupby("item", sort=False):
            path = " → ".join(
                f"{r['wave']} {r['share']:.0%} (n={r['n']})" for _, r in rows.iterrows()
            )
            lines.append(f"  {item} ({rows['event'].iloc[0]}): {path}")
        return "\n".join(lines)


def item_waves(table: pd.DataFrame, item: str) -> list[str]:
    """Waves with a column for ``item`` (``b_item``, ``f1_item``, …), in time order."""
    waves = []
    for name in table.columns:
        if isinstance(name, str) and (m := WAVE_PREFIX.match(name)) and name[m.end() :] == item:
            waves.append(m.group(1))
    return sorted(waves, key=wave_order)


def _event(series: pd.Series, values: Collection, column: str) -> pd.Series:
    """Boolean: the answer is one of ``values`` (NA kept)."""
    if all(isinstance(v, bool) for v in values):
        flags = as_boolean(series, column)
        wanted = set(values)
        return flags.map(lambda v: pd.NA if pd.isna(v) else v in wanted).astype("boolean")
    text = series.astype("string")
    wanted_text = {str(v) for v in values}
    return text.isin(wanted_text).astype("boolean").mask(text.isna())


def trajectories(
    indicators: pd.DataFrame,
    items: Mapping[str, Collection] | Sequence[str] | None = None,
    *,
    population: Population = "respondents",
    by: Sequence[str] | str | None = None,
    level: float = 0.95,
    suppression_threshold: int = 5,
) -> Trajectories:
    """Share with each item's event in each wave (baseline → follow-ups → result).

    Parameters
    ----------
    indicators : DataFrame
        Indicator table or linked panel with wave columns (``b_employment``, ``f1_employment``,
        ``r_employment``, …).
    items : mapping item → event answers, or sequence of items, optional
        Default: the items of :data:`DEFAULT_ITEMS` found in at least two waves. A sequence
        uses the default events (items outside the defaults must be given as a mapping).
    population : {"respondents", "balanced"}
        Each wave's respondents, or only people known in every wave (see module docstring).
    by : sequence of str, optional
        Grouping columns (e.g. gender).
    level : float
        Confidence level.
    suppression_threshold : int
        Used by :meth:`Trajectories.publishable`.

    Returns
    -------
    Trajectories
    """
    level = check_level(level)
    threshold = check_threshold(suppression_threshold)
    check_choice("population", population, POPULATIONS)
    indicators = check_table(indicators)
    chosen = _resolve_items(indicators, items)
    groups = check_group_columns(indicators, by)
    rows = []
    for item, answers in chosen.items():
        waves = item_waves(indicators, item)
        events = {w: _event(indicators[f"{w}_{item}"], answers, f"{w}_{item}") for w in waves}
        frame = pd.DataFrame(events)
        if population == "balanced":
            keep = frame.notna().all(axis=1)
        for w in waves:
            if population == "balanced":
                eligible = keep
            elif f"responded_{w}" in indicators.columns:
                eligible = as_boolean(indicators[f"responded_{w}"], f"responded_{w}")
                eligible = eligible.fillna(False).astype(bool)
            else:
                eligible = frame[w].notna()
            for group_var, group, part in iter_groups(indicators, groups):
                idx = part[eligible.loc[part].to_numpy()]
                row = {
                    "item": item,
                    "event": EVENT_NAMES.get(item, item),
                    "group_var": group_var,
                    "group": group,
                    "wave": w,
                    "wave_order": wave_order(w),
                    "population": population,
                }
                row.update(share_row(frame.loc[idx, w], level))
                row["level"] = level
                rows.append(row)
    table = pd.DataFrame(rows, columns=list(TRAJECTORY_COLUMNS))
    return Trajectories(table=table, level=level, suppression_threshold=threshold)


def _resolve_items(table: pd.DataFrame, items) -> dict[str, tuple]:
    if items is None:
        found = {k: v for k, v in DEFAULT_ITEMS.items() if len(item_waves(table, k)) >= 2}
        if not found:
            raise InputError(
                f"{SOURCE} has no item measured in two or more waves (e.g. b_employment and "
                "r_employment)"
            )
        return found
    if isinstance(items, str):
        items = [items]
    if isinstance(items, Mapping):
        chosen = {k: tuple(v) for k, v in items.items()}
    else:
        unknown = [i for i in items if i not in DEFAULT_ITEMS]
        if unknown:
            raise InputError(
                "trajectory items outside the defaults need their event answers: pass a mapping "
                "such as {'knows_labour_market': (4, 5)}",
                [Problem("items", f"one of {', '.join(DEFAULT_ITEMS)}", value=i) for i in unknown],
            )
        chosen = {i: DEFAULT_ITEMS[i] for i in items}
    problems = [
        Problem(SOURCE, "the item in at least two waves (b_<item>, f1_<item>, r_<item>)",
                column=item, value=", ".join(item_waves(table, item)) or "none")
        for item in chosen
        if len(item_waves(table, item)) < 2
    ]  # fmt: skip
    problems += [
        Problem("items", "a non-empty set of answers counted as the event", column=item)
        for item, answers in chosen.items()
        if not answers
    ]
    if problems:
        raise InputError("cannot follow these items across waves", problems)
    return chosen
