"""Tests of attrition: does response differ by arm, and does *who* leaves differ by arm?

* :func:`response_by_arm_test` — difference in response rates (treatment − control) with a
  permutation p-value (re-randomising arm labels within strata, as the study randomised) or
  Fisher's exact test.
* :func:`differential_attrition_regression` — regression of responding on arm, centred baseline
  covariates and their interactions with arm; the joint test of the interactions asks whether
  attrition is selective in a different way in the two arms, the joint test of the covariates
  whether it is selective at all. Linear probability model with HC2 standard errors and Wald
  F-tests (default), or a logit with likelihood-ratio tests.
* :func:`response_by_covariate` — response rates by arm within covariate categories.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from impact.errors import AnalysisError
from impact.results import Result

from ._common import (
    Population,
    arm_indicator,
    check_count,
    check_option,
    choose_population,
    covariate_frame,
    require_columns,
    responded,
    stage_label,
)

TestMethod = Literal["permutation", "fisher"]
RegressionModel = Literal["lpm", "logit"]


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
    perm_sum = np.zeros(n_permutations)
    for value in pd.unique(strata):
        rows = np.flatnonzero(strata == value)
        labels = np.tile(treat[rows], (n_permutations, 1))
        labels = rng.permuted(labels, axis=1)
        perm_sum += labels @ resp[rows]
    perm_diff = perm_sum / n1 - (resp.sum() - perm_sum) / n0
    extreme = np.sum(np.abs(perm_diff) >= abs(diff) - 1e-12)
    p_value = float((1 + extreme) / (1 + n_permutations))
    return ResponseDifferenceTest(
        stage, n1, n0, k1, k0, diff, p_value, "permutation", n_permutations, stratified
    )


@dataclass(repr=False)
class AttritionRegression(Result):
    """Regression of responding on arm, covariates and arm × covariate interactions.

    Attributes
    ----------
    stage, model, population : str
        What was regressed, how, and on whom.
    n, n_excluded : int
        Rows used; rows of the population dropped for missing covariates.
    coefficients : DataFrame
        term, estimate, std_error, statistic, p_value.
    joint_tests : DataFrame
        test (``interactions`` / ``covariates``), statistic, df_num, df_den, p_value, kind.
    """

    stage: str
    model: str
    population: str
    n: int
    n_excluded: int
    coefficients: pd.DataFrame
    joint_tests: pd.DataFrame
    title = "Attrition regression (response on arm × covariates)"

    @property
    def interaction_p_value(self) -> float:
        """p-value of the joint test that every arm × covariate interaction is zero."""
        tests = self.joint_tests.set_index("test")
        return float(tests.loc["interactions", "p_value"])

    def tidy(self) -> pd.DataFrame:
        """The coefficient table (joint tests are in ``joint_tests``)."""
        return self.coefficients.copy()

    def summary(self) -> str:
        """The joint tests in two lines."""
        lines = [f"{self.title}: {self.model}, {self.population} sample, n = {self.n}"]
        for _, row in self.joint_tests.iterrows():
            lines.append(
                f"  joint test of {row['test']}: {row['kind']} = {row['statistic']:.3f} "
                f"(df {row['df_num']:g}), p = {row['p_value']:.3f}"
            )
        return "\n".join(lines)


def differential_attrition_regression(
    data: pd.DataFrame,
    *,
    covariates: Sequence[str],
    stage: str = "r",
    population: Population | None = None,
    model: RegressionModel = "lpm",
) -> AttritionRegression:
    """Regress response at ``stage`` on arm, centred covariates and arm × covariate terms.

    Parameters
    ----------
    data : DataFrame
        Indicator table.
    covariates : sequence of str
        Baseline covariates (text covariates become indicators of each non-reference level).
    stage : str
        Stage whose response is the dependent variable.
    population : {"randomised", "baseline"} or None
        Everyone randomised, or baseline respondents only (attrition after baseline); None picks
        ``randomised`` when the covariates are known for everyone.
    model : {"lpm", "logit"}
        ``lpm``: OLS with HC2 standard errors, joint Wald F-tests with HC2 covariance.
        ``logit``: maximum likelihood, joint likelihood-ratio chi-square tests.

    Returns
    -------
    AttritionRegression
        Covariates are centred at the sample mean, so the ``arm`` coefficient is the difference
        in response at average covariates.
    """
    check_option("model", model, RegressionModel)
    treat = arm_indicator(data)
    resp = responded(data, stage)
    design = covariate_frame(data, covariates)
    mask, population, n_excluded = choose_population(data, design, population)
    y = resp[mask].astype(float)
    if y.min() == y.max():
        raise AnalysisError(
            f"Everyone in the {population} sample has the same response at stage '{stage}'; "
            "there is no attrition to model."
        )
    x = design[mask]
    x = x.loc[:, x.std() > 0]
    x = x - x.mean()
    arm = pd.Series(treat[mask].astype(float), index=x.index, name="arm")
    inter = x.mul(arm, axis=0).add_prefix("arm:")
    full = sm.add_constant(pd.concat([arm, x, inter], axis=1), has_constant="add")
    if np.linalg.matrix_rank(full.to_numpy()) < full.shape[1]:
        raise AnalysisError(
            "The attrition regression design is collinear (a covariate level occurs in one arm "
            "only, or covariates duplicate each other); merge rare categories."
        )
    k_cov = x.shape[1]
    if model == "lpm":
        fit = sm.OLS(y, full).fit(cov_type="HC2")
        if fit.ssr <= 1e-10 * max(1.0, float(np.sum((y - y.mean()) ** 2))):
            raise AnalysisError(
                "The covariates predict response perfectly in the attrition regression; "
                "remove the covariate that encodes response."
            )
        coef = _coef_table(fit, "t")
        tests = []
        for name, cols in (("interactions", inter.columns), ("covariates", x.columns)):
            restriction = np.zeros((k_cov, full.shape[1]))
            for i, col in enumerate(cols):
                restriction[i, full.columns.get_loc(col)] = 1
            wald = fit.wald_test(restriction, use_f=True, scalar=True)
            tests.append(
                {
                    "test": name,
                    "statistic": float(wald.statistic),
                    "df_num": float(wald.df_num),
                    "df_den": float(wald.df_denom),
                    "p_value": float(wald.pvalue),
                    "kind": "F (HC2 Wald)",
                }
            )
    else:
        fit = _logit(y, full)
        coef = _coef_table(fit, "z")
        tests = []
        for name, cols in (("interactions", inter.columns), ("covariates", x.columns)):
            restricted = _logit(y, full.drop(columns=list(cols)))
            lr = 2 * (fit.llf - restricted.llf)
            tests.append(
                {
                    "test": name,
                    "statistic": float(lr),
                    "df_num": float(k_cov),
                    "df_den": float("nan"),
                    "p_value": float(stats.chi2.sf(lr, k_cov)),
                    "kind": "LR chi2",
                }
            )
    return AttritionRegression(
        stage=stage,
        model=model,
        population=population,
        n=int(mask.sum()),
        n_excluded=n_excluded,
        coefficients=coef,
        joint_tests=pd.DataFrame(tests),
    )


def _logit(y: np.ndarray, x: pd.DataFrame):
    try:
        fit = sm.Logit(y, x).fit(disp=0, maxiter=200)
    except Exception as exc:  # statsmodels raises several error types on separation
        raise AnalysisError(
            f"The logit attrition regression failed ({exc}); merge rare categories or use "
            "model='lpm'."
        ) from exc
    if np.max(np.abs(fit.fittedvalues)) > 25:
        raise AnalysisError(
            "The logit attrition regression separates the data; merge rare categories or use "
            "model='lpm'."
        )
    return fit


def _coef_table(fit, stat_name: str) -> pd.DataFrame:
    table = pd.DataFrame(
        {
            "term": list(fit.params.index),
            "estimate": fit.params.to_numpy(),
            "std_error": fit.bse.to_numpy(),
            "statistic": fit.tvalues.to_numpy(),
            "p_value": fit.pvalues.to_numpy(),
        }
    )
    table["statistic_kind"] = stat_name
    return table


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
