"""Does *who* leaves differ by arm? A regression of responding on arm, covariates and their
interactions.

:func:`differential_attrition_regression` regresses responding on arm, centred baseline
covariates and their interactions with arm; the joint test of the interactions asks whether
attrition is selective in a different way in the two arms, the joint test of the covariates
whether it is selective at all. Linear probability model with HC2 standard errors and Wald
F-tests (default), or a logit with likelihood-ratio tests.
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
    check_option,
    choose_population,
    covariate_frame,
    responded,
)

RegressionModel = Literal["lpm", "logit"]


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
    joint = {"interactions": list(inter.columns), "covariates": list(x.columns)}
    fit_and_test = _lpm_with_wald_tests if model == "lpm" else _logit_with_lr_tests
    coef, tests = fit_and_test(y, full, joint)
    return AttritionRegression(
        stage=stage,
        model=model,
        population=population,
        n=int(mask.sum()),
        n_excluded=n_excluded,
        coefficients=coef,
        joint_tests=pd.DataFrame(tests),
    )


def _lpm_with_wald_tests(
    y: np.ndarray, full: pd.DataFrame, joint: dict[str, list[str]]
) -> tuple[pd.DataFrame, list[dict]]:
    """OLS with HC2 errors; an HC2 Wald F-test that each group of terms is zero."""
    fit = sm.OLS(y, full).fit(cov_type="HC2")
    if fit.ssr <= 1e-10 * max(1.0, float(np.sum((y - y.mean()) ** 2))):
        raise AnalysisError(
            "The covariates predict response perfectly in the attrition regression; "
            "remove the covariate that encodes response."
        )
    tests = []
    for name, cols in joint.items():
        restriction = np.zeros((len(joint["covariates"]), full.shape[1]))
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
    return _coef_table(fit, "t"), tests


def _logit_with_lr_tests(
    y: np.ndarray, full: pd.DataFrame, joint: dict[str, list[str]]
) -> tuple[pd.DataFrame, list[dict]]:
    """Logit by maximum likelihood; a likelihood-ratio test that each group of terms is zero."""
    fit = _logit(y, full)
    k_cov = len(joint["covariates"])
    tests = []
    for name, cols in joint.items():
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
    return _coef_table(fit, "z"), tests


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
