"""Latent truth: each person's indicators, drawn before any survey answer exists.

Indicators are drawn on the *component* level (got a job and how, internship, relevant education,
more interviews, the eight small steps, labour-market knowledge); the composite indicators
(``small_steps_count``, ``took_steps``, ``job_or_steps``) follow from the components exactly as
in the default definitions. Components share a person-level "engagement" factor through a
Gaussian copula, so they are positively correlated while keeping their marginal probabilities.
For randomised studies the same latent draws give both potential outcomes (monotone in the
treatment), so each person's effect is known.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from impact.indicators.components import SMALL_STEPS, STEP_COMPONENTS

#: Components drawn from the copula (everything but the job itself).
COMPONENTS = (
    *STEP_COMPONENTS,
    "knows_labour_market_more",
)
#: How a job was got: the three published routes, or no job.
JOB_PATHS = ("from_none", "upgraded", "changed_other")


def calibrate_intercept(linear: np.ndarray, target: float) -> float:
    """Return ``a`` such that the mean of ``expit(a + linear)`` equals ``target``.

    Parameters
    ----------
    linear : numpy.ndarray
        The covariate part of the logit, one value per person.
    target : float
        Wanted mean probability, strictly between 0 and 1.
    """
    if not 0.0 < target < 1.0:
        raise ValueError(f"target probability must be strictly between 0 and 1, got {target}")
    if len(linear) == 0:
        return float(special.logit(target))

    def gap(a: float) -> float:
        return float(np.mean(special.expit(a + linear))) - target

    return float(optimize.brentq(gap, -30.0, 30.0, xtol=1e-12))


def copula_uniforms(rng: np.random.Generator, n: int, names, loading: float) -> pd.DataFrame:
    """Draw correlated uniforms, one column per component, through a one-factor Gaussian copula.

    Each column is exactly uniform on (0, 1); columns are correlated through a shared factor
    with the given loading (0 = independent).
    """
    if not 0.0 <= loading < 1.0:
        raise ValueError(f"copula loading must be in [0, 1), got {loading}")
    factor = rng.standard_normal(n)
    out = {}
    for name in names:
        latent = loading * factor + np.sqrt(1.0 - loading**2) * rng.standard_normal(n)
        out[name] = stats.norm.cdf(latent)
    return pd.DataFrame(out)


def job_paths(rng: np.random.Generator, got_job: np.ndarray, shares) -> np.ndarray:
    """Assign a route to each job-getter (``""`` for people without a job).

    Parameters
    ----------
    got_job : numpy.ndarray of bool
        Who got a job.
    shares : sequence of 3 floats
        Probabilities of ``from_none``, ``upgraded``, ``changed_other`` among job-getters.
    """
    probs = np.asarray(shares, dtype=float)
    route = rng.choice(np.array(JOB_PATHS), size=len(got_job), p=probs / probs.sum())
    return np.where(got_job, route, "")


def derive_indicators(components: pd.DataFrame, min_small_steps: int = 5) -> pd.DataFrame:
    """Add the composite indicators to a frame of component indicators.

    Parameters
    ----------
    components : pandas.DataFrame
        Columns ``job_path`` (``""`` or one of :data:`JOB_PATHS`) and every name in
        :data:`COMPONENTS` (bool).
    min_small_steps : int
        How many of the eight small steps count as taking steps.

    Returns
    -------
    pandas.DataFrame
        The input plus ``got_job``, ``job_from_none``, ``job_upgraded``, ``job_changed_other``,
        ``small_steps_count``, ``took_steps`` and ``job_or_steps``.
    """
    out = components.copy()
    path = out["job_path"].to_numpy()
    out["job_from_none"] = path == "from_none"
    out["job_upgraded"] = path == "upgraded"
    out["job_changed_other"] = path == "changed_other"
    out["got_job"] = path != ""
    out["small_steps_count"] = out[list(SMALL_STEPS)].sum(axis=1).astype(int)
    major = out["got_internship"] | out["started_relevant_education"] | out["more_interviews"]
    steps = major | (out["small_steps_count"] >= min_small_steps)
    out["took_steps"] = ~out["got_job"] & steps
    out["job_or_steps"] = out["got_job"] | out["took_steps"]
    return out
