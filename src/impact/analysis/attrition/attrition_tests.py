"""Tests of attrition: does response differ by arm, and does *who* leaves differ by arm?

* :func:`response_by_arm_test` — difference in response rates (treatment − control) with a
  permutation p-value (re-randomising arm labels within strata, as the study randomised) or
  Fisher's exact test.
* :func:`~impact.analysis.attrition.regression.differential_attrition_regression` (in
  ``regression.py``) — does *who* leaves differ by arm.
* :func:`response_by_covariate` — response rates by arm within covariate categories.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from impact.results import Result

from ._common import (
    arm_indicator,
    check_count,
    check_option,
    require_columns,
    responded,
    stage_label,
)

TestMethod = Literal["permutation", "fisher"]


@dataclass(repr=False)
class ResponseDifferenceTest(Result):
    """Difference in response rates between arms with its p-value.

    Attributes
    ----------
    stage : str
        Survey stage tested.
    n_treatment, n_control, responded_treatment, responded_control : int
        Randomised and responding counts per arm.
    difference : float
        Response rate treatment − control.
    p_value : float
        Two-sided p-value.
    method : str
        ``permutation`` (arm labels re-randomised within strata) or ``fisher``.
    n_permutations : int or None
        Number of permutations (permutation test only).
    stratified : bool
        Whether permutations respected the strata.
    """

    stage: str
    n_treatment: int
    n_control: int
    responded_treatment: int
    responded_control: int
    difference: float
    p_value: float
    method: str
    n_permutations: int | None
    stratified: bool
    title = "Difference in response by arm"

    def tidy(self) -> pd.DataFrame:
        """One row with counts, rates, difference, p-value and method."""
        return pd.DataFrame(
            [
                {
                    "stage": self.stage,
                    "n_treatment": self.n_treatment,
                    "n_control": self.n_control,
                    "responded_treatment": self.responded_treatment,
                    "responded_control": self.responded_control,
                    "response_rate_treatment": self.responded_treatment / self.n_treatment,
                    "response_rate_control": self.responded_control / self.n_control,
                    "difference": self.difference,
                    "p_value": self.p_value,
                    "method": self.method,
                    "n_permutations": self.n_permutations,
                    "stratified": self.stratified,
                }
            ]
        )

    def summary(self) -> str:
        """One line with the difference and p-value."""
        return (
            f"Response at {stage_label(self.stage)}: treatment "
            f"{self.responded_treatment}/{self.n_treatment}, control "
            f"{self.responded_control}/{self.n_control}; difference {self.difference:+.1%} "
            f"({self.method} p = {self.p_value:.3f})"
        )


def _as_extreme(
    treat: np.ndarray,
    resp: np.ndarray,
    strata: np.ndarray,
    n_permutations: int,
    rng: np.random.Generator,
    observed: float,
    arm_sizes: tuple[int, int],
) -> int:
    """How many within-stratum permutations of the arm labels give a difference as extreme."""
    n1, n0 = arm_sizes
    perm_sum = np.zeros(n_permutations)
    for value in pd.unique(strata):
        rows = np.flatnonzero(strata == value)
        labels = np.tile(treat[rows], (n_permutations, 1))
        labels = rng.permuted(labels, axis=1)
        perm_sum += labels @ resp[rows]
    perm_diff = perm_sum / n1 - (resp.sum() - perm_sum) / n0
    return np.sum(np.abs(perm_diff) >= observed - 1e-12)


def response_by_arm_test(
    data: pd.DataFrame,
    *,
    stage: str = "r",
    method: TestMethod = "permutation",
    n_permutations: int = 10_000,
    stratum_col: str | None = "stratum",
    seed: int = 0,
) -> ResponseDifferenceTest:
    """Test whether the response rate at ``stage`` differs between the arms.

    Parameters
    ----------
    data : DataFrame
        Indicator table with ``arm`` and ``responded_<stage>``.
    stage : str
        ``b``, ``f1``, ``f2``, … or ``r``.
    method : {"permutation", "fisher"}
        ``permutation``: re-randomise the arm labels within strata and compare the absolute
        difference in response rates; p = (1 + #{|d*| >= |d|}) / (1 + n_permutations).
        ``fisher``: Fisher's exact test on the 2×2 table (conditional on the margins).
    n_permutations : int
        Number of permutations.
    stratum_col : str or None
        Column with the randomisation strata (permutations stay within strata); None for a
        completely randomised design.
    seed : int
        Seed of the permutation draws (``numpy.random.default_rng``).

    Returns
    -------
    ResponseDifferenceTest
    """
    check_option("method", method, TestMethod)
    check_count("n_permutations", n_permutations, 1)
    treat = arm_indicator(data)
    resp = responded(data, stage)
    n1, n0 = int(treat.sum()), int((1 - treat).sum())
    k1, k0 = int(resp[treat == 1].sum()), int(resp[treat == 0].sum())
    diff = k1 / n1 - k0 / n0
    stratified = False
    if method == "fisher":
        p_value = float(stats.fisher_exact([[k1, n1 - k1], [k0, n0 - k0]]).pvalue)
        return ResponseDifferenceTest(
            stage, n1, n0, k1, k0, diff, p_value, "fisher", None, stratified
        )
    rng = np.random.default_rng(seed)
    if stratum_col is not None:
        require_columns(data, [stratum_col], "permutations within randomisation strata")
        strata = data[stratum_col].astype("string").fillna("<missing>").to_numpy(dtype=object)
        stratified = True
    else:
        strata = np.zeros(len(data), dtype=object)
    extreme = _as_extreme(treat, resp, strata, n_permutations, rng, abs(diff), (n1, n0))
    p_value = float((1 + extreme) / (1 + n_permutations))
    return ResponseDifferenceTest(
        stage, n1, n0, k1, k0, diff, p_value, "permutation", n_permutations, stratified
    )


@dataclass(repr=False)
class ResponseByCovariate(Result):
    """Response rates by arm within covariate categories.

    Attributes
    ----------
    table : DataFrame
        covariate, level, arm, n, n_responded, response_rate.
    stage : str
        Stage whose response is tabulated.
    """

    table: pd.DataFrame
    stage: str
    title = "Response by covariate"

    def tidy(self) -> pd.DataFrame:
        """The long table (one row per covariate, level and arm)."""
        return self.table.copy()


def response_by_covariate(
    data: pd.DataFrame, *, covariates: Sequence[str], stage: str = "r", n_bins: int = 4
) -> ResponseByCovariate:
    """Tabulate response at ``stage`` by arm within categories of each covariate.

    Parameters
    ----------
    data : DataFrame
        Indicator table.
    covariates : sequence of str
        Covariates to tabulate. Text, boolean and numeric covariates with at most ``n_bins + 2``
        distinct values are tabulated by value; other numeric covariates by quantile bins.
        Missing values form their own level ``"missing"``.
    stage : str
        Stage whose response is tabulated.
    n_bins : int
        Number of quantile bins for many-valued numeric covariates.

    Returns
    -------
    ResponseByCovariate
        ``arm`` is treatment, control or overall.
    """
    check_count("n_bins", n_bins, 2)
    if isinstance(covariates, str):
        covariates = [covariates]
    treat = arm_indicator(data)
    resp = responded(data, stage)
    require_columns(data, list(covariates), "the response-by-covariate table")
    rows = []
    for name in covariates:
        levels, order = _levels(data[name], n_bins)
        for level in order:
            in_level = (levels == level).to_numpy(dtype=bool)
            if not in_level.any():
                continue
            for arm, in_arm in (
                ("treatment", treat == 1),
                ("control", treat == 0),
                ("overall", np.ones(len(treat), dtype=bool)),
            ):
                rows_here = in_level & in_arm
                n = int(rows_here.sum())
                k = int(resp[rows_here].sum())
                rows.append(
                    {
                        "covariate": name,
                        "level": level,
                        "arm": arm,
                        "n": n,
                        "n_responded": k,
                        "response_rate": k / n if n else float("nan"),
                    }
                )
    return ResponseByCovariate(table=pd.DataFrame(rows), stage=stage)


def _levels(series: pd.Series, n_bins: int) -> tuple[pd.Series, list[str]]:
    """Return each row's level label and the levels in display order (``missing`` last)."""
    numeric = pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)
    if numeric and series.nunique() > n_bins + 2:
        values = series.astype("Float64").astype(float)
        bins = pd.qcut(values, n_bins, duplicates="drop")
        order = [f"{b.left:g}–{b.right:g}" for b in bins.cat.categories]
        labels = [("missing" if pd.isna(b) else f"{b.left:g}–{b.right:g}") for b in bins]
    elif numeric:
        values = series.astype("Float64").astype(float)
        order = [f"{v:g}" for v in sorted(values.dropna().unique())]
        labels = [("missing" if np.isnan(v) else f"{v:g}") for v in values]
    else:
        text = series.astype("string")
        order = sorted(str(v) for v in text.dropna().unique())
        labels = [("missing" if pd.isna(v) else str(v)) for v in text]
    return pd.Series(labels, index=series.index, dtype=object), [*order, "missing"]
