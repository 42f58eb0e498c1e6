"""Who are the compliers? Baseline means by Abadie's (2003) κ weighting.

Compliers cannot be singled out person by person (a treated person who started might have
started anyway), but their average characteristics can be estimated. With assignment ``z``,
take-up ``d`` and ``p`` the share assigned to treatment in the person's stratum, Abadie's κ

    κ = 1 − d(1 − z)/(1 − p) − (1 − d)z/p

has ``E[κ x] / E[κ] = E[x | complier]`` under random assignment, the exclusion restriction
and monotonicity (no defiers). The same decomposition gives never-takers
(weight ``(1 − d)z/p``) and always-takers (``d(1 − z)/(1 − p)``); the three weights sum to one
for every person. Each covariate's means use the rows where it is observed; text covariates
give one share per level, booleans the share that is true.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .design import require_columns

COLUMNS = [
    "covariate",
    "level",
    "sample_mean",
    "complier_mean",
    "never_taker_mean",
    "always_taker_mean",
    "n",
    "n_offered_not_taking",
    "n_control_taking",
]


def kappa_weights(z: np.ndarray, d: np.ndarray, strata: np.ndarray) -> dict[str, np.ndarray]:
    """Abadie's κ weights of every row: compliers, never-takers and always-takers of the
    whole sample, and the compliers of each arm.

    ``complier_treatment`` = d(z − p)/(p(1 − p)) picks the treatment arm's compliers (its
    starters minus the always-takers the control arm's starters stand for) and
    ``complier_control`` = (1 − d)((1 − z) − (1 − p))/(p(1 − p)) the control arm's (its
    non-starters minus the never-takers); both are 0 in a stratum with only one arm.

    Parameters
    ----------
    z, d : ndarray
        Assignment and take-up (0/1).
    strata : ndarray
        Stratum codes; ``p`` is the treated share within each stratum (the whole-sample
        weights need every stratum to have both arms).
    """
    p = pd.Series(z).groupby(strata).transform("mean").to_numpy()
    scale = p * (1 - p)
    with np.errstate(divide="ignore", invalid="ignore"):
        always = d * (1 - z) / (1 - p)
        never = (1 - d) * z / p
        treatment = np.where(scale > 0, d * (z - p) / scale, 0.0)
        control = np.where(scale > 0, (1 - d) * ((1 - z) - (1 - p)) / scale, 0.0)
    return {
        "complier": 1 - always - never,
        "never_taker": never,
        "always_taker": always,
        "complier_treatment": treatment,
        "complier_control": control,
    }


def _expanded(data: pd.DataFrame, covariates: Sequence[str]) -> dict[tuple, pd.Series]:
    """One numeric series per (covariate, level) — level "" for numbers and booleans — with
    NaN where the covariate is missing."""
    out: dict[tuple, pd.Series] = {}
    for name in covariates:
        col = data[name]
        numeric = pd.api.types.is_numeric_dtype(col.dtype) or pd.api.types.is_bool_dtype(col)
        if numeric:
            out[(name, "")] = col.astype("Float64").astype(float)
            continue
        text = col.astype("string")
        for level in sorted(text.dropna().unique()):
            out[(name, level)] = (text == level).astype(float).where(text.notna())
    return out


def _mean(weight: np.ndarray, x: np.ndarray) -> float:
    total = weight.sum()
    return float(weight @ x / total) if abs(total) > 1e-12 else float("nan")


def complier_means(
    data: pd.DataFrame,
    z: np.ndarray,
    d: np.ndarray,
    strata: np.ndarray,
    covariates: Sequence[str],
) -> pd.DataFrame:
    """Sample, complier, never-taker and always-taker means of each baseline covariate.

    Parameters
    ----------
    data : DataFrame
        The rows used (randomised people with known take-up), aligned with ``z``, ``d``.
    z, d : ndarray
        Assignment and take-up (0/1).
    strata : ndarray
        Stratum codes (all zeros without strata).
    covariates : sequence of str
        Baseline covariate columns.

    Returns
    -------
    DataFrame
        One row per covariate (per ``level`` for text covariates), see :data:`COLUMNS`; the
        never-taker and always-taker means rest on ``n_offered_not_taking`` and
        ``n_control_taking`` people. ``always_taker_mean`` is missing when nobody in the
        control group took part.
    """
    require_columns(data, covariates, "covariate")
    weights = kappa_weights(z, d, strata)
    rows = []
    for (name, level), series in _expanded(data, covariates).items():
        x = series.to_numpy(dtype=float)
        seen = ~np.isnan(x)
        rows.append(
            {
                "covariate": name,
                "level": level,
                "sample_mean": float(x[seen].mean()) if seen.any() else float("nan"),
                **{f"{kind}_mean": _mean(w[seen], x[seen]) for kind, w in weights.items()},
                "n": int(seen.sum()),
                "n_offered_not_taking": int((seen & (z == 1) & (d == 0)).sum()),
                "n_control_taking": int((seen & (z == 0) & (d == 1)).sum()),
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)
