"""Greedy k:1 nearest-neighbour matching, on a Mahalanobis distance or a propensity score.

The algorithm follows MatchIt's ``method = "nearest"``: members are taken in a fixed order
(largest propensity score first; data order for the Mahalanobis distance or with
replacement); matching runs in ``ratio`` rounds — every member gets a first control before
any gets a second — and each member takes the closest control still available (not used yet
when matching without replacement, in the same ``exact`` cell, within the caliper). Ties go
to the control that comes first in the data. A member with no eligible control keeps the
matches it has.

Weights follow MatchIt's ``weights.matrix`` for the ATT: a matched member gets 1, a control
gets the sum over the members it was matched to of ``1 / (number of controls of that
member)``, and control weights are rescaled to sum to the number of matched controls.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import statsmodels.api as sm
from pandas.api.types import is_bool_dtype, is_numeric_dtype

from impact.errors import AnalysisError, InputError


def numeric_matrix(persons: pd.DataFrame, variables: Sequence[str]) -> pd.DataFrame:
    """Numbers for ``variables``: booleans 0/1, text one dummy per level but the first."""
    parts = []
    for name in variables:
        values = persons[name]
        if is_bool_dtype(values.dtype):
            parts.append(values.astype("Float64").astype(float).rename(name).to_frame())
        elif is_numeric_dtype(values.dtype):
            parts.append(values.astype("Float64").astype(float).rename(name).to_frame())
        else:
            text = values.astype("string")
            levels = sorted(text.dropna().unique())
            parts.append(
                pd.DataFrame(
                    {f"{name}[{lv}]": (text == lv).astype(float) for lv in levels[1:]},
                    index=persons.index,
                )
            )
    return pd.concat(parts, axis=1)


def propensity_score(persons: pd.DataFrame, variables: Sequence[str]) -> np.ndarray:
    """Logistic-regression propensity score of being an intervention member.

    Raises
    ------
    AnalysisError
        The logit cannot be fitted (e.g. perfect separation on the variables).
    """
    x = numeric_matrix(persons, variables)
    x = x.loc[:, x.nunique() > 1]
    x = sm.add_constant(x, has_constant="add")
    try:
        fit = sm.GLM(persons["treated"].to_numpy(float), x, family=sm.families.Binomial()).fit()
    except (np.linalg.LinAlgError, ValueError) as exc:
        raise AnalysisError(f"propensity score model could not be fitted: {exc}") from exc
    score = np.asarray(fit.fittedvalues, float)
    if not np.all(np.isfinite(score)):
        raise AnalysisError("propensity score model gave non-finite scores")
    return score


def mahalanobis_points(persons: pd.DataFrame, variables: Sequence[str]) -> np.ndarray:
    """Coordinates whose Euclidean distances are Mahalanobis distances (pooled within-group
    covariance, as MatchIt's ``distance = "mahalanobis"``)."""
    x = numeric_matrix(persons, variables)
    x = x.loc[:, x.nunique() > 1]
    if x.shape[1] == 0:
        return np.zeros((len(persons), 1))
    values = x.to_numpy(float)
    treated = persons["treated"].to_numpy(int) == 1
    centred = np.vstack(
        [values[treated] - values[treated].mean(0), values[~treated] - values[~treated].mean(0)]
    )
    cov = centred.T @ centred / max(len(values) - 2, 1)
    inv = np.linalg.pinv(cov)
    root = np.linalg.cholesky(inv + 1e-12 * np.eye(len(inv)))
    return values @ root


def nearest_neighbours(
    treated: np.ndarray,
    points: np.ndarray,
    *,
    cells: np.ndarray,
    ratio: int,
    replace: bool,
    order: np.ndarray,
    caliper: float | None = None,
) -> list[list[int]]:
    """Greedy matching in rounds; returns, for each row, the matched control rows (members).

    Parameters
    ----------
    treated : array of 0/1
    points : array (n, d)
        Coordinates; distance is Euclidean on them (a score is a single column).
    cells : array
        Exact-match cell of each row; members only match controls of the same cell.
    ratio : int
        Controls per member.
    replace : bool
        Whether a control may be used more than once.
    order : array
        Row numbers of the members in matching order.
    caliper : float, optional
        Maximum distance (same units as ``points``).
    """
    controls = np.flatnonzero(treated == 0)
    available = np.ones(len(controls), bool)
    matches: dict[int, list[int]] = {int(i): [] for i in order}
    active = {int(i) for i in order}
    by_cell = {c: np.flatnonzero(cells[controls] == c) for c in np.unique(cells[controls])}
    for _round in range(ratio):
        for i in order:
            i = int(i)
            if i not in active:
                continue
            candidates = by_cell.get(cells[i], np.empty(0, int))
            if not replace:
                candidates = candidates[available[candidates]]
            taken = set(matches[i])
            if taken:
                candidates = candidates[[controls[c] not in taken for c in candidates]]
            if len(candidates) == 0:
                active.discard(i)
                continue
            dist = np.sqrt(((points[controls[candidates]] - points[i]) ** 2).sum(axis=1))
            if caliper is not None:
                keep = dist <= caliper
                candidates, dist = candidates[keep], dist[keep]
                if len(candidates) == 0:
                    active.discard(i)
                    continue
            best = candidates[int(np.argmin(dist))]
            matches[i].append(int(controls[best]))
            if not replace:
                available[best] = False
    return [matches.get(i, []) for i in range(len(treated))]


def matrix_weights(matches: list[list[int]], treated: np.ndarray) -> np.ndarray:
    """ATT weights from the match lists (MatchIt ``weights.matrix``)."""
    weights = np.zeros(len(treated))
    for i, controls in enumerate(matches):
        if treated[i] == 1 and controls:
            weights[i] = 1.0
            for c in controls:
                weights[c] += 1.0 / len(controls)
    c = (treated == 0) & (weights > 0)
    if not c.any():
        raise AnalysisError("nearest-neighbour matching found no control for any member")
    weights[c] *= c.sum() / weights[c].sum()
    return weights


def pair_subclasses(matches: list[list[int]], treated: np.ndarray) -> pd.Series:
    """Subclass (matched set) numbers without replacement: a member and its controls."""
    subclass = pd.array([pd.NA] * len(treated), dtype="Int64")
    k = 0
    for i, controls in enumerate(matches):
        if treated[i] == 1 and controls:
            k += 1
            subclass[i] = k
            for c in controls:
                subclass[c] = k
    return pd.Series(subclass)


def check_distance(persons: pd.DataFrame, column: str) -> np.ndarray:
    """A ready-made score column: numeric and complete."""
    if column not in persons.columns:
        raise InputError(f"register_persons: distance column {column!r} not found")
    values = pd.to_numeric(persons[column], errors="coerce").astype(float)
    if values.isna().any():
        raise InputError(
            f"register_persons: distance column {column!r} has missing or non-numeric values"
        )
    return values.to_numpy()
