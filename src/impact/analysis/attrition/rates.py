"""Response and attrition rates per survey stage and arm (randomised → baseline → … → result).

Attrition at a stage is the share of the *randomised* sample without a response at that stage
(the What Works Clearinghouse definition: everyone randomised is in the denominator). Overall
attrition pools both arms; differential attrition is treatment minus control attrition (the
WWC uses its absolute value). For stages after baseline the table also gives attrition *since
baseline* (share of baseline respondents lost), the attrition RISE checked separately.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from impact.results import Result

from ._common import arm_indicator, responded, stage_label, stages_in

_ARMS = (("treatment", 1), ("control", 0))


@dataclass(repr=False)
class AttritionRates(Result):
    """Response and attrition rates per stage.

    Attributes
    ----------
    table : DataFrame
        One row per stage (``randomised`` first) with counts, response rates and attrition per
        arm and overall, differential attrition and attrition since baseline.
    """

    table: pd.DataFrame
    title = "Response and attrition by stage"

    def tidy(self) -> pd.DataFrame:
        """Return one row per stage (columns documented in :func:`attrition_rates`)."""
        return self.table.copy()

    def by_arm(self) -> pd.DataFrame:
        """Return the long form: stage, stage_label, arm, n_randomised, n_responded, rates."""
        rows = []
        for _, row in self.table.iterrows():
            for arm in ("treatment", "control", "overall"):
                rows.append(
                    {
                        "stage": row["stage"],
                        "stage_label": row["stage_label"],
                        "arm": arm,
                        "n_randomised": row[f"n_randomised_{arm}"],
                        "n_responded": row[f"n_responded_{arm}"],
                        "response_rate": row[f"response_rate_{arm}"],
                        "attrition": row[f"attrition_{arm}"],
                    }
                )
        return pd.DataFrame(rows)

    def stage(self, stage: str) -> pd.Series:
        """Return the row of one stage (``randomised``, ``b``, ``f1``, …, ``r``)."""
        match = self.table[self.table["stage"] == stage]
        if match.empty:
            raise KeyError(f"stage {stage!r} not in the rates table")
        return match.iloc[0]

    def summary(self) -> str:
        """Return one line per stage with response rates by arm and differential attrition."""
        lines = [self.title]
        for _, row in self.table.iterrows():
            lines.append(
                f"  {row['stage_label']:<12} treatment {row['n_responded_treatment']:>4}/"
                f"{row['n_randomised_treatment']:<4} ({row['response_rate_treatment']:.1%})  "
                f"control {row['n_responded_control']:>4}/{row['n_randomised_control']:<4} "
                f"({row['response_rate_control']:.1%})  overall attrition "
                f"{row['attrition_overall']:.1%}, differential "
                f"{row['differential_attrition']:+.1%}"
            )
        return "\n".join(lines)


def _rate(num: float, den: float) -> float:
    return float(num / den) if den > 0 else float("nan")


def attrition_rates(data: pd.DataFrame, *, stages: list[str] | None = None) -> AttritionRates:
    """Compute response and attrition rates per stage and arm.

    Parameters
    ----------
    data : DataFrame
        Indicator table: one row per randomised person with ``arm`` and ``responded_<stage>``.
    stages : list of str, optional
        Stages to report, in order (default: every ``responded_*`` column: b, f1, f2, …, r).
        A ``randomised`` row (response 100 %) always comes first.

    Returns
    -------
    AttritionRates
        ``tidy()`` columns: ``stage``, ``stage_label``, and for ``arm`` in treatment, control,
        overall: ``n_randomised_<arm>``, ``n_responded_<arm>``, ``response_rate_<arm>``,
        ``attrition_<arm>``; then ``differential_attrition`` (treatment − control attrition),
        ``abs_differential_attrition``, and ``attrition_since_baseline_<arm>`` (share of baseline
        respondents without a response at the stage; NaN for randomised and baseline rows).
    """
    treat = arm_indicator(data)
    stages = stages_in(data) if stages is None else list(stages)
    base = responded(data, "b").astype(bool) if "b" in stages_in(data) else None
    rows = []
    for stage in ["randomised", *stages]:
        resp = np.ones(len(data), dtype=int) if stage == "randomised" else responded(data, stage)
        row: dict[str, object] = {"stage": stage, "stage_label": stage_label(stage)}
        for arm, code in (*_ARMS, ("overall", None)):
            in_arm = np.ones(len(data), dtype=bool) if code is None else treat == code
            n = int(in_arm.sum())
            k = int(resp[in_arm].sum())
            row[f"n_randomised_{arm}"] = n
            row[f"n_responded_{arm}"] = k
            row[f"response_rate_{arm}"] = _rate(k, n)
            row[f"attrition_{arm}"] = 1 - _rate(k, n)
        row["differential_attrition"] = row["attrition_treatment"] - row["attrition_control"]
        row["abs_differential_attrition"] = abs(row["differential_attrition"])
        for arm, code in (*_ARMS, ("overall", None)):
            value = float("nan")
            if base is not None and stage not in ("randomised", "b"):
                in_arm = base if code is None else base & (treat == code)
                value = 1 - _rate(resp[in_arm].sum(), in_arm.sum())
            row[f"attrition_since_baseline_{arm}"] = value
        rows.append(row)
    return AttritionRates(table=pd.DataFrame(rows))
