"""Response: participants, respondents per wave, response rate and linked rate.

Waves are read from the ``responded_b``, ``responded_f1``, …, ``responded_r`` columns of the
indicator table (one row per person). For each wave and group:

* ``participants`` — people in the group: the rows of the table, or the number you pass (e.g.
  the 511 matched participants when the table holds only people who answered a survey);
* ``respondents`` — people who answered this wave (and were linked into the panel);
* ``response_rate`` — respondents / participants, with a Wilson CI;
* ``linked`` — respondents of this wave whose answer is linked to at least one other wave;
  ``linked_rate`` = linked / respondents;
* ``with_baseline`` — respondents of this wave who also answered the baseline (for the baseline
  row: all its respondents), i.e. people with a before/after comparison for this wave.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from impact.analysis.outcomes.inputs import (
    OVERALL,
    RESPONDED,
    SOURCE,
    as_boolean,
    check_group_columns,
    check_table,
    check_threshold,
    iter_groups,
    wave_order,
)
from impact.analysis.outcomes.proportions import wilson_interval
from impact.analysis.outcomes.publishable import PublishableTable
from impact.analysis.outcomes.suppression import SuppressionRules
from impact.errors import InputError, Problem
from impact.validation import check_level

RESPONSE_COLUMNS: tuple[str, ...] = (
    "group_var",
    "group",
    "wave",
    "wave_order",
    "participants",
    "respondents",
    "response_rate",
    "rr_ci_low",
    "rr_ci_high",
    "linked",
    "linked_rate",
    "with_baseline",
    "level",
)

RESPONSE_RULES = SuppressionRules(
    count_columns=("participants", "respondents", "linked", "with_baseline"),
    dependent_columns={
        "response_rate": ("participants", "respondents", "nonrespondents"),
        "rr_ci_low": ("participants", "respondents", "nonrespondents"),
        "rr_ci_high": ("participants", "respondents", "nonrespondents"),
        "linked_rate": ("respondents", "linked", "unlinked"),
    },
    additive=(
        ("participants", ("respondents", "nonrespondents")),
        ("respondents", ("linked", "unlinked")),
        ("respondents", ("with_baseline", "without_baseline")),
    ),
)


@dataclass(frozen=True, repr=False)
class ResponseRates(PublishableTable):
    """Respondents, response rate and linked rate per wave (overall and by group).

    Attributes
    ----------
    table : DataFrame
        Columns :data:`RESPONSE_COLUMNS`; waves ``b``, ``f1``, …, ``r``.
    level : float
        Confidence level of the response-rate CI.
    """

    rules: ClassVar[SuppressionRules] = RESPONSE_RULES
    source: ClassVar[str] = "response rates"
    title: ClassVar[str] = "Response"

    def summary(self) -> str:
        """One line per wave (overall)."""
        rows = self.table[self.table["group_var"] == OVERALL]
        if rows.empty:
            return f"{self.title}: no waves"
        lines = [f"{self.title}: {int(rows['participants'].iloc[0])} participants"]
        for _, r in rows.iterrows():
            lines.append(
                f"  {r['wave']}: {r['respondents']} respondents ({r['response_rate']:.0%}),"
                f" {r['linked_rate']:.0%} linked to another wave"
            )
        return "\n".join(lines)


def _participants_for(
    participants: int | Mapping[str, int] | None, group_var: str, group: str, rows: int
) -> int:
    if participants is None:
        return rows
    if isinstance(participants, Mapping):
        if group_var == OVERALL:
            return int(sum(participants.values()))
        if group_var == "round_id" and group in participants:
            return int(participants[group])
        return rows
    return int(participants) if group_var == OVERALL else rows


def _check_participants(participants, table: pd.DataFrame) -> None:
    if participants is None:
        return
    values = participants.values() if isinstance(participants, Mapping) else [participants]
    for value in values:
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
            raise InputError(f"participants must be non-negative integers, got {value!r}")
    if isinstance(participants, Mapping):
        if "round_id" not in table.columns:
            raise InputError("participants given per round but the table has no 'round_id'")
        counts = table["round_id"].astype("string").value_counts()
        problems = [
            Problem("participants", f"at least the {counts.get(r, 0)} people in the table",
                    column=str(r), value=str(v))
            for r, v in participants.items()
            if v < counts.get(r, 0)
        ]  # fmt: skip
        unknown = [r for r in counts.index if r not in participants]
        problems += [
            Problem("participants", "a participant count for this round", column=str(r))
            for r in unknown
        ]
        if problems:
            raise InputError("participants per round do not fit the indicator table", problems)
    elif participants < len(table):
        raise InputError(
            f"participants ({participants}) is smaller than the {len(table)} people in the table"
        )


def response_rates(
    indicators: pd.DataFrame,
    *,
    by: Sequence[str] | str | None = ("round_id",),
    participants: int | Mapping[str, int] | None = None,
    level: float = 0.95,
    suppression_threshold: int = 5,
) -> ResponseRates:
    """Respondents per wave, response rate (Wilson CI) and linked rate, overall and by group.

    Parameters
    ----------
    indicators : DataFrame
        Indicator table (or linked panel) with ``responded_<wave>`` boolean columns.
    by : sequence of str
        Grouping columns (default round).
    participants : int or mapping round → int, optional
        True number of participants when the table does not hold everybody (an int applies to
        the overall rows; a mapping gives each round's count and their sum overall).
    level : float
        Confidence level.
    suppression_threshold : int
        Used by :meth:`ResponseRates.publishable`.

    Returns
    -------
    ResponseRates
    """
    level = check_level(level)
    threshold = check_threshold(suppression_threshold)
    indicators = check_table(indicators)
    waves = _response_waves(indicators)
    groups = check_group_columns(indicators, by)
    _check_participants(participants, indicators)
    answered = {
        w: as_boolean(indicators[f"responded_{w}"], f"responded_{w}").fillna(False).astype(bool)
        for w in waves
    }
    answered_frame = pd.DataFrame(answered)
    rows = []
    for group_var, group, part in iter_groups(indicators, groups):
        sub = answered_frame.loc[part]
        total = _participants_for(participants, group_var, group, len(part))
        for w in waves:
            row = {"group_var": group_var, "group": group, **_wave_row(sub, w, total, level)}
            rows.append(row)
    table = pd.DataFrame(rows, columns=list(RESPONSE_COLUMNS))
    return ResponseRates(table=table, level=level, suppression_threshold=threshold)


def _response_waves(indicators: pd.DataFrame) -> list[str]:
    """The waves with a ``responded_<wave>`` column, in survey order (at least one)."""
    waves = sorted(
        (
            m.group(1)
            for c in indicators.columns
            if isinstance(c, str) and (m := RESPONDED.match(c))
        ),
        key=wave_order,
    )
    if not waves:
        raise InputError(
            f"{SOURCE} has no responded_<wave> columns (e.g. responded_b, responded_r)",
            [Problem(SOURCE, "responded_b, responded_r, …", column="responded_*")],
        )
    return waves


def _wave_row(answered: pd.DataFrame, w: str, total: int, level: float) -> dict:
    """Respondents, response rate and linked rate of wave ``w`` in one group."""
    here = answered[w]
    others = answered.drop(columns=[w]).any(axis=1) if answered.shape[1] > 1 else here & False
    baseline = answered["b"] if "b" in answered else here & False
    k = int(here.sum())
    linked = int((here & others).sum())
    low, high = wilson_interval(k, total, level)
    return {
        "wave": w,
        "wave_order": wave_order(w),
        "participants": total,
        "respondents": k,
        "response_rate": k / total if total else np.nan,
        "rr_ci_low": low,
        "rr_ci_high": high,
        "linked": linked,
        "linked_rate": linked / k if k else np.nan,
        "with_baseline": k if w == "b" else int((here & baseline).sum()),
        "level": level,
    }
