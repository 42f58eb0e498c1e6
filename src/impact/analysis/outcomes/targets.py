"""Target attainment: each configured target share against the observed share and its CI.

For each target (e.g. ``job_or_steps: 0.90`` and ``expanded_network: 0.80`` in the Jobbsteget
project) the table shows the observed share with its Wilson CI, whether the target lies inside
the CI, and an exact binomial test of the share against the target:

* ``p_below`` — one-sided, H1: the true share is below the target (the question a funder asks:
  "did we fall short?");
* ``p_two_sided`` — H1: the true share differs from the target (R's ``binom.test``).

``status`` summarises the comparison: ``"above"`` (the whole CI is above the target),
``"reached"`` (share ≥ target, target inside the CI), ``"within_ci"`` (share < target but the
target is inside the CI — not distinguishable from the target), ``"below"`` (the whole CI is
below the target).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from impact.analysis.outcomes.inputs import (
    OVERALL,
    SOURCE,
    check_group_columns,
    check_table,
    check_threshold,
    iter_groups,
    resolve_indicators,
)
from impact.analysis.outcomes.proportions import binomial_test_against
from impact.analysis.outcomes.publishable import PublishableTable
from impact.analysis.outcomes.shares import SHARE_STATISTICS, share_row
from impact.analysis.outcomes.suppression import SuppressionRules, share_rules
from impact.errors import InputError, Problem
from impact.validation import check_level

#: What a target adds to a share row.
TARGET_STATISTICS: tuple[str, ...] = (
    "share_minus_target",
    "target_in_ci",
    "p_two_sided",
    "p_below",
    "status",
)
TARGET_COLUMNS: tuple[str, ...] = (
    "indicator", "group_var", "group", "target", *SHARE_STATISTICS, *TARGET_STATISTICS, "level",
)  # fmt: skip

TARGET_RULES = share_rules(dependent=("share", "ci_low", "ci_high", *TARGET_STATISTICS))


@dataclass(frozen=True, repr=False)
class TargetAttainment(PublishableTable):
    """Observed shares against targets.

    Attributes
    ----------
    table : DataFrame
        One row per target × group, columns :data:`TARGET_COLUMNS`.
    level : float
        Confidence level.
    """

    rules: ClassVar[SuppressionRules] = TARGET_RULES
    source: ClassVar[str] = "target attainment"
    title: ClassVar[str] = "Target attainment"

    def summary(self) -> str:
        """One line per target (overall)."""
        lines = [f"{self.title} ({round(self.level * 100)} % Wilson CI)"]
        for _, r in self.table[self.table["group_var"] == OVERALL].iterrows():
            lines.append(
                f"  {r['indicator']}: {r['share']:.1%} [{r['ci_low']:.1%}, {r['ci_high']:.1%}] vs "
                f"target {r['target']:.0%} — {r['status']} (one-sided p={r['p_below']:.3g})"
            )
        return "\n".join(lines)


def _check_targets(targets: Mapping[str, float], table: pd.DataFrame) -> dict[str, float]:
    if not isinstance(targets, Mapping) or not targets:
        raise InputError(
            "targets must be a non-empty mapping of indicator → share, e.g. {'job_or_steps': 0.9}"
        )
    problems = []
    out = {}
    for name, value in targets.items():
        if name not in table.columns:
            problems.append(Problem("targets", "an indicator column of the table", column=name))
            continue
        try:
            share = float(value)
        except (TypeError, ValueError):
            share = float("nan")
        if not 0.0 < share < 1.0:
            problems.append(
                Problem(
                    "targets", "a share strictly between 0 and 1", column=name, value=str(value)
                )
            )
            continue
        out[name] = share
    if problems:
        raise InputError("invalid targets", problems)
    return out


def status_of(share: float, low: float, high: float, target: float) -> str:
    """``above``, ``reached``, ``within_ci`` or ``below`` (see the module docstring)."""
    if low > target:
        return "above"
    if high < target:
        return "below"
    return "reached" if share >= target else "within_ci"


def target_attainment(
    indicators: pd.DataFrame,
    targets: Mapping[str, float],
    *,
    by: Sequence[str] | str | None = None,
    level: float = 0.95,
    suppression_threshold: int = 5,
) -> TargetAttainment:
    """Compare each target share with the observed share, its Wilson CI and a binomial test.

    Parameters
    ----------
    indicators : DataFrame
        The indicator table.
    targets : mapping of str to float
        Indicator → target share in (0, 1), e.g. ``{"job_or_steps": 0.90}``.
    by : sequence of str, optional
        Also compare within these groups (e.g. ``["round_id"]``).
    level : float
        Confidence level.
    suppression_threshold : int
        Used by :meth:`TargetAttainment.publishable`.

    Returns
    -------
    TargetAttainment
    """
    level = check_level(level)
    threshold = check_threshold(suppression_threshold)
    indicators = check_table(indicators)
    goals = _check_targets(targets, indicators)
    resolve_indicators(indicators, list(goals))
    groups = check_group_columns(indicators, by)
    rows = []
    for name, target in goals.items():
        values = indicators[name].astype("boolean")
        for group_var, group, part in iter_groups(indicators, groups):
            row = {"indicator": name, "group_var": group_var, "group": group, "target": target}
            row.update(share_row(values.loc[part], level))
            if row["n"] == 0:
                if group_var == OVERALL:
                    raise InputError(
                        f"{SOURCE}: indicator '{name}' has no known values; cannot test its target"
                    )
                row.update(share_minus_target=np.nan, target_in_ci=pd.NA, p_two_sided=np.nan)
                row.update(p_below=np.nan, status="no data", level=level)
                rows.append(row)
                continue
            test = binomial_test_against(row["numerator"], row["n"], target)
            row.update(
                share_minus_target=row["share"] - target,
                target_in_ci=bool(row["ci_low"] <= target <= row["ci_high"]),
                p_two_sided=test.p_two_sided,
                p_below=test.p_below,
                status=status_of(row["share"], row["ci_low"], row["ci_high"], target),
                level=level,
            )
            rows.append(row)
    table = pd.DataFrame(rows, columns=list(TARGET_COLUMNS))
    table["target_in_ci"] = table["target_in_ci"].astype("boolean")
    return TargetAttainment(table=table, level=level, suppression_threshold=threshold)
