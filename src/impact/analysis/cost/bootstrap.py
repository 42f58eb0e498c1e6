"""Bootstrap of an effect by resampling persons within arm × stratum cells.

The effect is the stratum fixed-effects estimate, written in closed form: the weighted mean of
the within-stratum differences in means, with weight n₁ₛ·n₀ₛ/nₛ (strata with only one arm
carry no weight). With ``take_up`` it is the Wald / 2SLS ratio of the same weighted
differences for the outcome and for take-up (the complier average causal effect without
covariates). Resampling within cells keeps each arm's size in each stratum, as the
randomisation fixed them. Draws come from :func:`numpy.random.default_rng` (``seed``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from impact.analysis.rct.design import outcome_values, require_columns, treatment_indicator
from impact.errors import AnalysisError

__all__ = ["EffectDraws", "bootstrap_effect"]


@dataclass(frozen=True)
class EffectDraws:
    """An effect on the data and its bootstrap draws (NaN where a draw has no take-up gap)."""

    outcome: str
    estimate: float
    draws: np.ndarray

    def quantiles(self, level: float) -> tuple[float, float]:
        """The percentile interval of the draws (NaN draws left out)."""
        tail = (1 - level) / 2
        finite = self.draws[np.isfinite(self.draws)]
        if finite.size == 0:
            return float("nan"), float("nan")
        low, high = np.quantile(finite, [tail, 1 - tail])
        return float(low), float(high)


def _cells(z: np.ndarray, strata: np.ndarray) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """Row indices per (stratum, arm) cell of strata with both arms, the cell's stratum code
    and arm."""
    cells, cell_stratum, cell_arm = [], [], []
    for code in np.unique(strata):
        in_stratum = strata == code
        if not (z[in_stratum] == 1).any() or not (z[in_stratum] == 0).any():
            continue
        for arm in (1.0, 0.0):
            cells.append(np.flatnonzero(in_stratum & (z == arm)))
            cell_stratum.append(code)
            cell_arm.append(arm)
    return cells, np.asarray(cell_stratum), np.asarray(cell_arm)


def _weighted_gap(means: np.ndarray, sizes: np.ndarray, stratum: np.ndarray, arm: np.ndarray):
    """Σ wₛ (ȳ₁ₛ − ȳ₀ₛ) / Σ wₛ along the last axis of ``means`` (one column per cell)."""
    total, weights = 0.0, 0.0
    for code in np.unique(stratum):
        treated = np.flatnonzero((stratum == code) & (arm == 1.0))[0]
        control = np.flatnonzero((stratum == code) & (arm == 0.0))[0]
        n1, n0 = sizes[treated], sizes[control]
        weight = n1 * n0 / (n1 + n0)
        total = total + weight * (means[..., treated] - means[..., control])
        weights += weight
    return total / weights


def _cell_means(values: np.ndarray, cells, picks) -> np.ndarray:
    """Means per cell: columns of the data (picks None) or of each draw's resample."""
    if picks is None:
        return np.array([values[rows].mean() for rows in cells])
    return np.stack(
        [values[rows][pick].mean(axis=1) for rows, pick in zip(cells, picks, strict=True)], -1
    )


def bootstrap_effect(
    data: pd.DataFrame,
    outcome: str,
    *,
    arm: str = "arm",
    strata: str | None = "stratum",
    take_up: str | None = None,
    draws: int = 2000,
    seed: int = 20231101,
) -> EffectDraws:
    """The effect on ``outcome`` (ITT, or CACE with ``take_up``) and its bootstrap draws.

    Parameters
    ----------
    data : DataFrame
        One row per randomised person; rows without the outcome are left out.
    outcome : str
        Binary outcome column.
    arm, strata : str
        Arm column (treatment/control) and stratum column (None: one stratum).
    take_up : str, optional
        Binary take-up column (e.g. ``started``): the effect is then the CACE.
    draws : int
        Bootstrap resamples.
    seed : int
        Seed of :func:`numpy.random.default_rng`.

    Returns
    -------
    EffectDraws
    """
    require_columns(data, [outcome, strata, take_up], "cost")
    z = treatment_indicator(data, arm)
    y = outcome_values(data, outcome)
    keep = ~np.isnan(y)
    d = outcome_values(data, take_up)[keep] if take_up is not None else None
    if d is not None and np.isnan(d).any():
        raise AnalysisError(f"cost: take-up column {take_up!r} is missing for some respondents")
    codes = (
        pd.factorize(data[strata].astype("string"))[0]
        if strata is not None
        else np.zeros(len(data), dtype=int)
    )[keep]
    cells, stratum, arms = _cells(z[keep], codes)
    if not cells:
        raise AnalysisError(f"cost: no stratum has both arms with an observed {outcome!r}")
    sizes = np.array([len(rows) for rows in cells], dtype=float)
    y = y[keep]
    rng = np.random.default_rng(seed)
    picks = [rng.integers(0, len(rows), size=(draws, len(rows))) for rows in cells]
    point = _weighted_gap(_cell_means(y, cells, None), sizes, stratum, arms)
    sample = _weighted_gap(_cell_means(y, cells, picks), sizes, stratum, arms)
    if d is not None:
        first = _weighted_gap(_cell_means(d, cells, None), sizes, stratum, arms)
        if first == 0:
            raise AnalysisError(f"cost: take-up {take_up!r} is the same in both arms")
        point = point / first
        gaps = _weighted_gap(_cell_means(d, cells, picks), sizes, stratum, arms)
        with np.errstate(divide="ignore", invalid="ignore"):
            sample = np.where(gaps != 0, sample / gaps, np.nan)
    return EffectDraws(outcome, float(point), np.asarray(sample, dtype=float))
