"""Inverse-probability-of-response weighting (IPW) for the intention-to-treat effect.

Within each arm, a logit models whether a person's outcome is observed on baseline covariates;
respondents are weighted by ``1 / p̂`` so that they stand for everyone in the population with
the same covariates (missing at random given covariates and arm). The weighted ITT is the
difference of the arms' weighted (Hájek) means. Its standard error comes from a seeded
bootstrap that resamples people within arm *and refits the response models*, so it accounts
for the weights being estimated; the SE that treats the weights as fixed is reported beside it.
Optional trimming caps the weights at a quantile of the respondents' weights (e.g. 0.99).
Diagnostics: the weight distribution per arm, Kish's effective sample size
``(Σw)² / Σw²``, and covariate balance of respondents before and after weighting.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from impact.errors import AnalysisError
from impact.results import Result

from ._common import (
    Population,
    arm_indicator,
    bootstrap_within_arm,
    check_count,
    check_probability,
    choose_population,
    covariate_frame,
    outcome_values,
)
from ._logit import fit_logit

logger = logging.getLogger(__name__)


@dataclass(repr=False)
class IPWResult(Result):
    """Weighted ITT with bootstrap SE and weight diagnostics.

    Attributes
    ----------
    outcome, population : str
        Outcome analysed and the population (``randomised`` or ``baseline``).
    n, n_excluded : int
        People in the analysed population; people dropped for missing covariates.
    estimate, std_error, ci_lower, ci_upper : float
        Weighted ITT (treatment − control), bootstrap SE, percentile bootstrap CI.
    std_error_fixed_weights : float
        Linearised SE treating the weights as known (ignores their estimation).
    naive_estimate, naive_std_error : float
        Unweighted difference among respondents and its Neyman SE.
    confidence_level, trim_quantile : float or None
        Settings used.
    n_bootstrap, n_failed, seed : int
        Bootstrap replicates requested, replicates that failed (separation) and the seed.
    weights : DataFrame
        ``summary`` of the weight distribution per arm (see :meth:`weight_summary`).
    balance : DataFrame
        covariate, arm, population_mean, respondents_mean, weighted_mean.
    response_models : DataFrame
        arm, term, estimate of the two logits.
    respondent_weights : DataFrame
        arm, weight for every respondent (no identifiers), for plotting.
    """

    outcome: str
    population: str
    n: int
    n_excluded: int
    estimate: float
    std_error: float
    ci_lower: float
    ci_upper: float
    std_error_fixed_weights: float
    naive_estimate: float
    naive_std_error: float
    confidence_level: float
    trim_quantile: float | None
    n_bootstrap: int
    n_failed: int
    seed: int
    weights: pd.DataFrame
    balance: pd.DataFrame
    response_models: pd.DataFrame
    respondent_weights: pd.DataFrame
    title = "IPW-adjusted ITT"

    def tidy(self) -> pd.DataFrame:
        """Two rows (``naive`` and ``ipw``): estimate, std_error, CI and settings."""
        z = _z(self.confidence_level)
        return pd.DataFrame(
            [
                {
                    "outcome": self.outcome,
                    "method": "naive",
                    "estimate": self.naive_estimate,
                    "std_error": self.naive_std_error,
                    "ci_lower": self.naive_estimate - z * self.naive_std_error,
                    "ci_upper": self.naive_estimate + z * self.naive_std_error,
                    "population": self.population,
                    "n": self.n,
                },
                {
                    "outcome": self.outcome,
                    "method": "ipw",
                    "estimate": self.estimate,
                    "std_error": self.std_error,
                    "ci_lower": self.ci_lower,
                    "ci_upper": self.ci_upper,
                    "population": self.population,
                    "n": self.n,
                },
            ]
        )

    def summary(self) -> str:
        """Two lines: naive and weighted estimates, and the effective sample sizes."""
        ess = ", ".join(
            f"{row['arm']} {row['ess']:.1f} of {row['n_respondents']}"
            for _, row in self.weights.iterrows()
        )
        return (
            f"{self.title} for {self.outcome}: {self.estimate:+.3f} (bootstrap SE "
            f"{self.std_error:.3f}); unweighted {self.naive_estimate:+.3f} "
            f"(SE {self.naive_std_error:.3f})\n  effective sample size: {ess}"
        )


def _z(level: float) -> float:
    return float(stats.norm.ppf(0.5 + level / 2))


def _fit_weights(
    obs: np.ndarray, treat: np.ndarray, x: np.ndarray, trim_quantile: float | None
) -> tuple[np.ndarray, dict[int, np.ndarray], int]:
    """Return weights (0 for non-respondents), logit coefficients per arm, number trimmed."""
    weights = np.zeros(len(obs))
    coefs: dict[int, np.ndarray] = {}
    for arm in (1, 0):
        rows = treat == arm
        if obs[rows].sum() == 0:
            raise AnalysisError("No one in one arm has the outcome observed; IPW is impossible.")
        if obs[rows].all():
            prob = np.ones(rows.sum())
            coefs[arm] = np.concatenate([[np.inf], np.zeros(x.shape[1])])
        else:
            fit = fit_logit(x[rows], obs[rows])
            prob = fit.fitted
            coefs[arm] = fit.coef
        weights[rows] = np.where(obs[rows] == 1, 1.0 / prob, 0.0)
    n_trimmed = 0
    if trim_quantile is not None:
        cap = np.quantile(weights[obs == 1], trim_quantile)
        n_trimmed = int(np.sum(weights > cap))
        weights = np.minimum(weights, cap)
    return weights, coefs, n_trimmed


def _weighted_difference(y: np.ndarray, w: np.ndarray, treat: np.ndarray) -> float:
    means = []
    for arm in (1, 0):
        rows = (treat == arm) & (w > 0)
        means.append(np.sum(w[rows] * y[rows]) / np.sum(w[rows]))
    return float(means[0] - means[1])


def _bootstrap(
    obs: np.ndarray,
    treat: np.ndarray,
    x: np.ndarray,
    y0: np.ndarray,
    trim_quantile: float | None,
    n_bootstrap: int,
    confidence_level: float,
    seed: int,
    outcome: str,
) -> tuple[float, float, float, int]:
    """Bootstrap SE and percentile CI (response models refitted), and the failed replicates."""

    def estimate_of(idx: np.ndarray) -> float:
        w_b, _, _ = _fit_weights(obs[idx], treat[idx], x[idx], trim_quantile)
        return _weighted_difference(y0[idx], w_b, treat[idx])

    draws, n_failed = bootstrap_within_arm(treat, n_bootstrap, seed, estimate_of)
    if len(draws) < max(10, n_bootstrap // 2):
        raise AnalysisError(
            f"IPW bootstrap for '{outcome}': {n_failed} of {n_bootstrap} replicates failed "
            "(response model separation); use fewer covariates or merge rare categories."
        )
    if n_failed:
        logger.warning(
            "IPW bootstrap for %s: %d of %d replicates failed and were skipped",
            outcome,
            n_failed,
            n_bootstrap,
        )
    draws_arr = np.asarray(draws)
    alpha = 1 - confidence_level
    ci_lower, ci_upper = np.quantile(draws_arr, [alpha / 2, 1 - alpha / 2])
    return float(draws_arr.std(ddof=1)), float(ci_lower), float(ci_upper), n_failed


def _fixed_weight_and_naive(
    weights: np.ndarray, y: np.ndarray, obs: np.ndarray, treat: np.ndarray
) -> tuple[float, float, float]:
    """SE with fixed weights; the unweighted difference among respondents and its SE."""
    fixed_var = 0.0
    naive_means, naive_var = [], 0.0
    for arm in (1, 0):
        rows = (treat == arm) & (obs == 1)
        w, v = weights[rows], y[rows]
        mu = np.sum(w * v) / np.sum(w)
        fixed_var += np.sum(w**2 * (v - mu) ** 2) / np.sum(w) ** 2
        naive_means.append(v.mean())
        naive_var += v.var(ddof=1) / len(v)
    return (
        float(np.sqrt(fixed_var)),
        float(naive_means[0] - naive_means[1]),
        float(np.sqrt(naive_var)),
    )


def _require_respondents_per_arm(
    obs: np.ndarray, treat: np.ndarray, outcome: str, population: str
) -> None:
    """Raise :class:`AnalysisError` unless each arm has at least two respondents."""
    for arm in (1, 0):
        if obs[treat == arm].sum() < 2:
            raise AnalysisError(
                f"IPW for '{outcome}' needs at least two respondents per arm in the "
                f"{population} sample."
            )


def ipw_itt(
    data: pd.DataFrame,
    *,
    outcome: str,
    covariates: Sequence[str],
    population: Population | None = None,
    trim_quantile: float | None = None,
    n_bootstrap: int = 500,
    confidence_level: float = 0.95,
    seed: int = 0,
) -> IPWResult:
    """Estimate the ITT on ``outcome`` with inverse-probability-of-response weights.

    Parameters
    ----------
    data : DataFrame
        Indicator table (``arm``, covariates, outcome with ``pd.NA`` for non-respondents).
    outcome : str
        Outcome column (boolean or numeric); observed where not missing.
    covariates : sequence of str
        Baseline covariates of the response model (fitted separately within each arm).
    population : {"randomised", "baseline"} or None
        Whom the estimate is for; None picks ``randomised`` when the covariates are known for
        everyone randomised, else ``baseline`` (baseline respondents).
    trim_quantile : float, optional
        Cap the weights at this quantile of the respondents' weights (e.g. 0.99).
    n_bootstrap : int
        Bootstrap replicates (people resampled within arm, response models refitted).
    confidence_level : float
        Level of the percentile bootstrap CI.
    seed : int
        Seed of the bootstrap (``numpy.random.default_rng``).

    Returns
    -------
    IPWResult
    """
    check_count("n_bootstrap", n_bootstrap, 10)
    check_probability("confidence_level", confidence_level)
    if trim_quantile is not None:
        check_probability("trim_quantile", trim_quantile)
    treat_all = arm_indicator(data)
    y_all, obs_all, _ = outcome_values(data, outcome)
    design = covariate_frame(data, covariates)
    mask, population, n_excluded = choose_population(data, design, population)
    treat, y = treat_all[mask], y_all[mask]
    obs = obs_all[mask].astype(int)
    x = design[mask].to_numpy(dtype=float)
    _require_respondents_per_arm(obs, treat, outcome, population)
    weights, coefs, n_trimmed = _fit_weights(obs, treat, x, trim_quantile)
    y0 = np.where(obs == 1, y, 0.0)
    estimate = _weighted_difference(y0, weights, treat)

    std_error, ci_lower, ci_upper, n_failed = _bootstrap(
        obs, treat, x, y0, trim_quantile, n_bootstrap, confidence_level, seed, outcome
    )
    fixed_se, naive_estimate, naive_se = _fixed_weight_and_naive(weights, y, obs, treat)
    return IPWResult(
        outcome=outcome,
        population=population,
        n=int(mask.sum()),
        n_excluded=n_excluded,
        estimate=estimate,
        std_error=std_error,
        ci_lower=ci_lower,
        ci_upper=ci_upper,
        std_error_fixed_weights=fixed_se,
        naive_estimate=naive_estimate,
        naive_std_error=naive_se,
        confidence_level=confidence_level,
        trim_quantile=trim_quantile,
        n_bootstrap=n_bootstrap,
        n_failed=n_failed,
        seed=seed,
        weights=weight_summary(weights, obs, treat, n_trimmed),
        balance=_balance(design[mask], weights, obs, treat),
        response_models=_model_table(coefs, list(design.columns)),
        respondent_weights=pd.DataFrame(
            {
                "arm": np.where(treat[obs == 1] == 1, "treatment", "control"),
                "weight": weights[obs == 1],
            }
        ),
    )


def effective_sample_size(weights: np.ndarray) -> float:
    """Kish's effective sample size ``(Σw)² / Σw²`` of positive weights."""
    w = np.asarray(weights, dtype=float)
    w = w[w > 0]
    return float(w.sum() ** 2 / np.sum(w**2)) if len(w) else 0.0


def weight_summary(
    weights: np.ndarray, obs: np.ndarray, treat: np.ndarray, n_trimmed: int = 0
) -> pd.DataFrame:
    """Describe the respondents' weights per arm.

    Returns
    -------
    DataFrame
        arm, n_respondents, min, q25, median, q75, max, mean, sd, cv, ess, ess_share
        (ESS / respondents), n_trimmed (pooled, repeated on each row).
    """
    rows = []
    for arm, code in (("treatment", 1), ("control", 0)):
        w = weights[(treat == code) & (obs == 1)]
        q25, med, q75 = np.quantile(w, [0.25, 0.5, 0.75])
        ess = effective_sample_size(w)
        rows.append(
            {
                "arm": arm,
                "n_respondents": int(len(w)),
                "min": float(w.min()),
                "q25": float(q25),
                "median": float(med),
                "q75": float(q75),
                "max": float(w.max()),
                "mean": float(w.mean()),
                "sd": float(w.std(ddof=1)) if len(w) > 1 else 0.0,
                "cv": float(w.std(ddof=1) / w.mean()) if len(w) > 1 else 0.0,
                "ess": ess,
                "ess_share": ess / len(w),
                "n_trimmed": n_trimmed,
            }
        )
    return pd.DataFrame(rows)


def _balance(
    design: pd.DataFrame, weights: np.ndarray, obs: np.ndarray, treat: np.ndarray
) -> pd.DataFrame:
    rows = []
    for column in design.columns:
        values = design[column].to_numpy(dtype=float)
        for arm, code in (("treatment", 1), ("control", 0)):
            in_arm = treat == code
            resp = in_arm & (obs == 1)
            rows.append(
                {
                    "covariate": column,
                    "arm": arm,
                    "population_mean": float(values[in_arm].mean()),
                    "respondents_mean": float(values[resp].mean()),
                    "weighted_mean": float(np.average(values[resp], weights=weights[resp])),
                }
            )
    return pd.DataFrame(rows)


def _model_table(coefs: dict[int, np.ndarray], names: list[str]) -> pd.DataFrame:
    rows = []
    for arm, code in (("treatment", 1), ("control", 0)):
        coef = coefs[code]
        if np.isinf(coef[0]):
            continue  # everyone responded in this arm: weights are 1, no model
        for term, value in zip(["const", *names], coef, strict=True):
            rows.append({"arm": arm, "term": term, "estimate": float(value)})
    return pd.DataFrame(rows, columns=["arm", "term", "estimate"])
