"""The linking model's numbers from aggregated agreement patterns.

On a large wave the candidate pairs never leave the engine: only the *count of pairs per
agreement pattern* (a few hundred distinct patterns) comes back. This module

* computes **u** from value-frequency tables exactly as
  :func:`impact.link.probabilistic.u_probabilities` does from the values;
* runs the same MAP-EM as :func:`impact.link.training.train` on the pattern counts (each
  pattern weighted by its count — algebraically the same iterations as EM over the pairs);
* gives the prior log2 odds that, with the per-level log2 Bayes factors, make a pattern's
  match weight (the number Splink would compute).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from impact.link.training import PSEUDO_COUNT, TrainedModel

#: Floor of each u (the same as :mod:`impact.link.probabilistic`).
U_FLOOR = 1e-6


def agreement_u(left: pd.Series, right: pd.Series, offset: int = 0) -> float:
    """Chance that a random left/right pair agrees, from value counts.

    Parameters
    ----------
    left, right : pandas.Series
        Count of records per value (index: the value; missing values excluded).
    offset : int
        0 for equality; ``k`` for values ``v`` and ``v ± k`` (numeric values).
    """
    if left.sum() == 0 or right.sum() == 0:
        return 0.0
    pl = left / left.sum()
    pr = right / right.sum()
    if not offset:
        return float((pl * pr.reindex(pl.index).fillna(0)).sum())
    total = 0.0
    for sign in (1, -1):
        shifted = pr.copy()
        shifted.index = pr.index - sign * offset
        total += float((pl * shifted.reindex(pl.index).fillna(0)).sum())
    return total


def u_from_frequencies(
    left: Mapping[str, pd.Series], right: Mapping[str, pd.Series], elements: list[str]
) -> dict[str, np.ndarray]:
    """u of each non-missing level per comparison, from value counts per column and side.

    Parameters
    ----------
    left, right : mapping
        Column (element hashes, ``birth_year``, ``gender``, ``round_id``) → value counts.
    elements : list of str
        Element hash columns.
    """

    def vec(*agree: float) -> np.ndarray:
        values = np.clip(np.array([*agree, 1 - sum(agree)]), U_FLOOR, None)
        return values / values.sum()

    u = {e: vec(agreement_u(left[e], right[e])) for e in elements}
    by_l, by_r = left["birth_year"], right["birth_year"]
    by_l.index = by_l.index.astype(float)
    by_r.index = by_r.index.astype(float)
    u["birth_year"] = vec(agreement_u(by_l, by_r), agreement_u(by_l, by_r, 1))
    u["gender"] = vec(agreement_u(left["gender"], right["gender"]))
    u["round_id"] = vec(agreement_u(left["round_id"], right["round_id"]))
    return u


def train_patterns(
    candidates: Mapping[str, np.ndarray],
    candidate_counts: np.ndarray,
    known: Mapping[str, np.ndarray],
    known_counts: np.ndarray,
    u: Mapping[str, np.ndarray],
    m_prior: Mapping[str, np.ndarray],
    n_pairs: float,
    *,
    pseudo_count: float = PSEUDO_COUNT,
    max_iterations: int = 200,
    tolerance: float = 1e-7,
) -> TrainedModel:
    """MAP-EM for m and λ with u fixed, over weighted agreement patterns.

    The same algorithm as :func:`impact.link.training.train`; pattern ``j`` stands for
    ``candidate_counts[j]`` pairs.

    Parameters
    ----------
    candidates, known : mapping
        Per comparison, the level index (0 best, -1 missing) of each distinct pattern.
    candidate_counts, known_counts : numpy.ndarray
        Number of pairs with each pattern.
    u, m_prior : mapping
        Per comparison, u and the prior m of each non-missing level.
    n_pairs : float
        Number of possible pairs (left × right records of the probabilistic stage).
    """
    w_cand = np.asarray(candidate_counts, dtype=float)
    w_known = np.asarray(known_counts, dtype=float)
    m = {c: np.asarray(v, dtype=float).copy() for c, v in m_prior.items()}
    n_cand = float(w_cand.sum())
    lam = min(0.5, max(n_cand, 1) / max(n_pairs, 1.0)) / 2
    known_level_counts = {
        c: np.bincount(idx[idx >= 0], weights=w_known[idx >= 0], minlength=len(m[c]))
        for c, idx in known.items()
    }
    n_known = float(w_known.sum())
    iteration = 0
    for iteration in range(1, max_iterations + 1):  # noqa: B007
        weight = log2_factors(candidates, m, u)
        odds = lam / (1 - lam) * np.power(2.0, np.clip(weight, -300, 300))
        p = odds / (1 + odds)
        pw = p * w_cand
        new_lam = float(np.clip((pw.sum() + n_known) / n_pairs, 1e-12, 0.5)) if n_cand else lam
        change = abs(new_lam - lam) / max(lam, 1e-12)
        lam = new_lam
        for comp, idx in candidates.items():
            ok = idx >= 0
            counts = np.bincount(idx[ok], weights=pw[ok], minlength=len(m[comp]))
            counts = counts + known_level_counts.get(comp, 0.0) + pseudo_count * m_prior[comp]
            new_m = np.clip(counts / counts.sum(), 1e-6, None)
            new_m = new_m / new_m.sum()
            change = max(change, float(np.abs(new_m - m[comp]).max()))
            m[comp] = new_m
        if change < tolerance:
            break
    return TrainedModel(m=m, prior_lambda=lam, iterations=iteration)


def log2_factors(
    levels: Mapping[str, np.ndarray], m: Mapping[str, np.ndarray], u: Mapping[str, np.ndarray]
) -> np.ndarray:
    """Sum over comparisons of ``log2(m/u)`` at each pattern's level (missing → 0)."""
    n = len(next(iter(levels.values()))) if levels else 0
    total = np.zeros(n)
    for comp, idx in levels.items():
        ratio = np.log2(np.asarray(m[comp]) / np.asarray(u[comp]))
        total += np.where(idx >= 0, ratio[np.clip(idx, 0, None)], 0.0)
    return total


def prior_log2_odds(prior_lambda: float) -> float:
    """``log2(λ / (1 − λ))``, the match weight of a pair with no evidence."""
    lam = float(np.clip(prior_lambda, 1e-12, 0.5))
    return float(np.log2(lam / (1 - lam)))
