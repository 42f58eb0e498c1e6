"""Comparison of two groups (by default women and men) on every indicator.

For each indicator the comparison reports

* the two shares and their **difference** (group a − group b) with a CI — Newcombe's hybrid
  score interval by default, or Wald;
* a test of no difference — Pearson's χ² (no continuity correction) when every expected count
  is at least 5 (Cochran's rule), otherwise **Fisher's exact test**; both p-values are kept;
* a **covariate-adjusted difference** — the average marginal effect of the group from a logistic
  regression on the covariates (default age, education level, years in Sweden), with a
  delta-method SE (:mod:`impact.analysis.outcomes.marginal_effects`);
* a ``caution`` text when a group is small, or the adjusted model has few events per parameter
  or could not be fitted.

These are differences in outcomes, not effects: the comparison is observational.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from impact.analysis.outcomes.inputs import SOURCE, check_table, check_threshold, resolve_indicators
from impact.analysis.outcomes.marginal_effects import (
    MIN_EVENTS_PER_PARAMETER,
    covariate_matrix,
    logistic_ame,
)
from impact.analysis.outcomes.proportions import (
    DIFFERENCE_METHODS,
    TEST_RULES,
    DifferenceMethod,
    TestRule,
    difference_interval,
    two_by_two_test,
)
from impact.analysis.outcomes.publishable import PublishableTable
from impact.analysis.outcomes.suppression import SuppressionRules
from impact.errors import InputError, Problem
from impact.validation import check_choice, check_level

DEFAULT_COVARIATES: tuple[str, ...] = ("age", "education_level", "years_in_sweden")

#: The tests and the adjusted difference: columns of the table and statistics to suppress.
_TESTS = (
    "p_value",
    "p_fisher",
    "p_chisq",
    "chisq",
    "min_expected",
    "adjusted_difference",
    "adjusted_se",
    "adjusted_ci_low",
    "adjusted_ci_high",
    "adjusted_p_value",
)

COMPARISON_COLUMNS: tuple[str, ...] = (
    "indicator",
    "group_var",
    "group_a",
    "group_b",
    "n_a",
    "x_a",
    "share_a",
    "n_b",
    "x_b",
    "share_b",
    "difference",
    "diff_ci_low",
    "diff_ci_high",
    "diff_ci_method",
    "test",
    *_TESTS,
    "adjusted_n",
    "adjusted_covariates",
    "adjusted_note",
    "small_group",
    "caution",
    "level",
)

_STATISTICS = (
    "share_a",
    "share_b",
    "difference",
    "diff_ci_low",
    "diff_ci_high",
    *_TESTS,
)

#: Every statistic can reveal a small count (the difference and tests reveal the shares), so all
#: depend on all four counts of the 2×2 table.
COMPARISON_RULES = SuppressionRules(
    count_columns=("n_a", "x_a", "n_b", "x_b", "adjusted_n"),
    dependent_columns={
        col: ("n_a", "x_a", "n_b", "x_b", "nonevents_a", "nonevents_b") for col in _STATISTICS
    },
    additive=(("n_a", ("x_a", "nonevents_a")), ("n_b", ("x_b", "nonevents_b"))),
)


@dataclass(frozen=True, repr=False)
class GroupComparison(PublishableTable):
    """Group a vs group b on every indicator (unadjusted and adjusted).

    Attributes
    ----------
    table : DataFrame
        One row per indicator, columns :data:`COMPARISON_COLUMNS`.
    level : float
        Confidence level.
    """

    rules: ClassVar[SuppressionRules] = COMPARISON_RULES
    source: ClassVar[str] = "group comparison"
    title: ClassVar[str] = "Group comparison"

    def summary(self) -> str:
        """One line per indicator: the two shares, the difference with CI, p, adjusted AME."""
        if self.table.empty:
            return f"{self.title}: no indicators"
        first = self.table.iloc[0]
        lines = [f"{self.title}: {first['group_a']} − {first['group_b']} ({first['group_var']})"]
        for _, r in self.table.iterrows():
            adjusted = (
                f"adjusted {r['adjusted_difference']:+.1%}"
                if pd.notna(r["adjusted_difference"])
                else f"adjusted: {r['adjusted_note']}"
            )
            line = (
                f"  {r['indicator']}: {r['share_a']:.1%} vs {r['share_b']:.1%}, "
                f"diff {r['difference']:+.1%} [{r['diff_ci_low']:+.1%}, {r['diff_ci_high']:+.1%}],"
                f" {r['test']} p={r['p_value']:.3g}; {adjusted}"
            )
            if r["caution"]:
                line += f" — caution: {r['caution']}"
            lines.append(line)
        return "\n".join(lines)


def compare_groups(
    indicators: pd.DataFrame,
    columns: Sequence[str] | None = None,
    *,
    group_column: str = "gender",
    groups: tuple[str, str] = ("woman", "man"),
    covariates: Sequence[str] = DEFAULT_COVARIATES,
    level: float = 0.95,
    difference_ci: DifferenceMethod = "newcombe",
    test_rule: TestRule = "cochran",
    small_group: int = 30,
    suppression_threshold: int = 5,
) -> GroupComparison:
    """Compare two groups on each indicator: difference with CI, test, adjusted AME.

    Parameters
    ----------
    indicators : DataFrame
        The indicator table.
    columns : sequence of str, optional
        Indicator columns (default: all detected boolean indicators).
    group_column : str
        Column defining the groups (default ``"gender"``).
    groups : (str, str)
        The two levels compared; the difference is ``share(groups[0]) − share(groups[1])``.
    covariates : sequence of str
        Adjustment covariates for the logistic model; numeric columns enter linearly (so
        ``education_level`` 1–5 is a linear term), text columns as dummies. An empty sequence
        gives the unadjusted AME (equal to the raw difference).
    level : float
        Confidence level.
    difference_ci : {"newcombe", "wald"}
        CI for the raw difference (default Newcombe's hybrid score interval).
    test_rule : {"cochran", "fisher", "chisq"}
        Which test gives ``p_value``; ``"cochran"`` uses χ² when all expected counts ≥ 5,
        Fisher's exact test otherwise.
    small_group : int
        A group with fewer known values than this is flagged in ``small_group`` / ``caution``.
    suppression_threshold : int
        Used by :meth:`GroupComparison.publishable`.

    Returns
    -------
    GroupComparison
    """
    level = check_level(level)
    check_choice("difference_ci", difference_ci, DIFFERENCE_METHODS)
    check_choice("test_rule", test_rule, TEST_RULES)
    threshold = check_threshold(suppression_threshold)
    if isinstance(small_group, bool) or not isinstance(small_group, int) or small_group < 1:
        raise InputError(f"small_group must be a positive integer, got {small_group!r}")
    indicators = check_table(indicators, [group_column])
    if len(groups) != 2 or groups[0] == groups[1]:
        raise InputError(f"groups must be two different levels of '{group_column}', got {groups}")
    names = resolve_indicators(indicators, columns)
    covariates = list(dict.fromkeys(covariates))
    present = set(indicators[group_column].dropna().astype(str))
    absent = [g for g in groups if g not in present]
    if absent:
        raise InputError(
            f"{SOURCE}: cannot compare groups",
            [
                Problem(SOURCE, f"rows with {group_column} = {g!r}", column=group_column, value=g)
                for g in absent
            ],
        )
    labels = indicators[group_column].astype("string")
    pair = indicators[labels.isin(list(groups))]
    in_a = (labels.loc[pair.index] == groups[0]).astype("boolean")
    design = covariate_matrix(pair, covariates, SOURCE)
    rows = [
        _compare_one(
            name, pair, in_a, design, group_column, groups, covariates,
            level, difference_ci, test_rule, small_group,
        )
        for name in names
    ]  # fmt: skip
    table = pd.DataFrame(rows, columns=list(COMPARISON_COLUMNS))
    return GroupComparison(table=table, level=level, suppression_threshold=threshold)


def gender_comparison(
    indicators: pd.DataFrame, columns: Sequence[str] | None = None, **options: Any
) -> GroupComparison:
    """Women vs men on every indicator: :func:`compare_groups` with ``group_column="gender"``.

    Keyword options are passed to :func:`compare_groups` (``groups`` defaults to
    ``("woman", "man")``: the difference is women − men).
    """
    options.setdefault("groups", ("woman", "man"))
    return compare_groups(indicators, columns, group_column="gender", **options)


def _compare_one(
    name, pair, in_a, design, group_column, groups, covariates, level, method, rule, small_group
) -> dict:
    values = pair[name].astype("boolean")
    a_vals, b_vals = values[in_a.to_numpy(dtype=bool)], values[~in_a.to_numpy(dtype=bool)]
    n_a, n_b = int(a_vals.notna().sum()), int(b_vals.notna().sum())
    x_a = int(a_vals.fillna(False).astype(bool).sum())
    x_b = int(b_vals.fillna(False).astype(bool).sum())
    row: dict = {
        "indicator": name,
        "group_var": group_column,
        "group_a": groups[0],
        "group_b": groups[1],
        "n_a": n_a,
        "x_a": x_a,
        "n_b": n_b,
        "x_b": x_b,
        "diff_ci_method": method,
        "adjusted_covariates": ", ".join(covariates),
        "level": level,
    }
    cautions = []
    if min(n_a, n_b) < small_group:
        small = groups[0] if n_a < n_b else groups[1]
        cautions.append(f"small group ({small}: fewer than {small_group} with known values)")
    if n_a == 0 or n_b == 0:
        row.update({k: np.nan for k in _STATISTICS})
        row.update(test="none", adjusted_n=0, adjusted_note="a group has no known values")
        row["small_group"] = True
        row["caution"] = "; ".join(cautions)
        return row
    row.update(
        _estimates(values, in_a, design, (x_a, n_a, x_b, n_b), level, method, rule, cautions)
    )
    row.update(small_group=min(n_a, n_b) < small_group, caution="; ".join(cautions))
    return row


def _estimates(values, in_a, design, counts, level, method, rule, cautions: list[str]) -> dict:
    """Difference with CI, the 2×2 test and the adjusted AME (a caution noted when weak)."""
    x_a, n_a, x_b, n_b = counts
    p_a, p_b = x_a / n_a, x_b / n_b
    ci = difference_interval(x_a, n_a, x_b, n_b, level, method)
    test = two_by_two_test(x_a, n_a, x_b, n_b, rule)
    adjusted = logistic_ame(values, in_a, design, level)
    if adjusted.note:
        cautions.append(f"no adjusted estimate ({adjusted.note})")
    elif adjusted.events_per_parameter < MIN_EVENTS_PER_PARAMETER:
        cautions.append(
            f"few events for the adjusted model (< {MIN_EVENTS_PER_PARAMETER} per parameter)"
        )
    return {
        "share_a": p_a,
        "share_b": p_b,
        "difference": p_a - p_b,
        "diff_ci_low": ci.low,
        "diff_ci_high": ci.high,
        "test": test.test,
        "p_value": test.p_value,
        "p_fisher": test.p_fisher,
        "p_chisq": test.p_chisq,
        "chisq": test.chisq,
        "min_expected": test.min_expected,
        "adjusted_difference": adjusted.estimate,
        "adjusted_se": adjusted.se,
        "adjusted_ci_low": adjusted.ci_low,
        "adjusted_ci_high": adjusted.ci_high,
        "adjusted_p_value": adjusted.p_value,
        "adjusted_n": adjusted.n,
        "adjusted_note": adjusted.note,
    }
