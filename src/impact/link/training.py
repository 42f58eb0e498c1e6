"""Estimate the Splink model's m probabilities and prior match probability by EM.

u (chance agreement among non-matches) is known exactly from value frequencies, so only m
and the prior λ are estimated, by expectation–maximisation over

* the candidate pairs of the probabilistic stage (each a match with unknown probability), and
* the pairs the exact stage linked (matches, probability 1) — the people who typed their code
  consistently are part of the population whose typing behaviour m describes; leaving them
  out would make every element look unreliable.

Each m is shrunk toward its prior (:data:`impact.link.probabilistic.M_PRIORS`) with
``pseudo_count`` prior pairs (a Beta prior; maximum a posteriori EM), which keeps the estimate
stable in small studies where the probabilistic stage sees only a handful of pairs.

True matches reach the probabilistic stage only when something differs, so there their
agreement patterns follow the population's m conditioned on "not linked exactly": every match
likelihood is divided by the same constant ``c = P(not exact | match)``. The posterior odds
in the remainder are therefore those of population m with the prior ``λ_rem / c``, and with
``c = N_rem / (N_rem + N_exact)`` (matches left over / all matches) this prior is
``(N_rem + N_exact) / (n_left · n_right)`` — the M-step used here, with ``N_rem = Σ p``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Prior pairs behind each m prior (Beta prior strength).
PSEUDO_COUNT = 20.0
_BY_LEVELS = {"exact": 0, "±1": 1, "other": 2}
_AGREE_LEVELS = {"agree": 0, "disagree": 1}


def level_indices(pattern: pd.DataFrame, elements: list[str]) -> dict[str, np.ndarray]:
    """Comparison level per pair (0 = best level, -1 = missing) from an agreement pattern.

    Parameters
    ----------
    pattern : pandas.DataFrame
        ``agree_<element>``, ``birth_year_agreement``, ``gender_agreement``, ``round_agreement``.
    elements : list of str
        Element hash columns (``h_e1``, …); the comparison names.

    Returns
    -------
    dict of str to numpy.ndarray
        Per comparison (element columns, ``birth_year``, ``gender``, ``round_id``), the level
        index.
    """
    out = {}
    for e in elements:
        agree = pattern[f"agree_{e.removeprefix('h_')}"].to_numpy()
        out[e] = np.where(agree == 1, 0, np.where(agree == 0, 1, -1))
    out["birth_year"] = (
        pattern["birth_year_agreement"].map(_BY_LEVELS).fillna(-1).to_numpy(dtype=int)
    )
    out["gender"] = pattern["gender_agreement"].map(_AGREE_LEVELS).fillna(-1).to_numpy(dtype=int)
    out["round_id"] = pattern["round_agreement"].map(_AGREE_LEVELS).fillna(-1).to_numpy(dtype=int)
    return out


@dataclass
class TrainedModel:
    """m per comparison level, the prior λ, and the posterior of each candidate pair."""

    m: dict[str, np.ndarray]
    prior_lambda: float
    iterations: int


def log2_bayes_factors(
    levels: Mapping[str, np.ndarray], m: Mapping[str, np.ndarray], u: Mapping[str, np.ndarray]
) -> np.ndarray:
    """Sum over comparisons of ``log2(m/u)`` of each pair's (or pattern's) level (missing → 0)."""
    total = np.zeros(_n_rows(levels))
    for comp, idx in levels.items():
        ratio = np.log2(np.asarray(m[comp]) / np.asarray(u[comp]))
        total += np.where(idx >= 0, ratio[np.clip(idx, 0, None)], 0.0)
    return total


def train(
    candidates: dict[str, np.ndarray],
    known: dict[str, np.ndarray],
    u: dict[str, np.ndarray],
    m_prior: dict[str, np.ndarray],
    n_pairs: float,
    *,
    pseudo_count: float = PSEUDO_COUNT,
    max_iterations: int = 200,
    tolerance: float = 1e-7,
) -> TrainedModel:
    """MAP-EM for m and λ with u fixed, over candidate pairs (each pair counted once).

    Parameters
    ----------
    candidates : dict
        Level indices of the candidate pairs (see :func:`level_indices`).
    known : dict
        Level indices of pairs known to match (the exact links).
    u, m_prior : dict
        Per comparison, the u and prior m of each non-missing level.
    n_pairs : float
        Number of possible pairs in the probabilistic stage (left × right records).
    pseudo_count : float
        Strength of the Beta prior on each comparison's m.

    Returns
    -------
    TrainedModel
    """
    return train_patterns(
        candidates,
        np.ones(_n_rows(candidates)),
        known,
        np.ones(_n_rows(known)),
        u,
        m_prior,
        n_pairs,
        pseudo_count=pseudo_count,
        max_iterations=max_iterations,
        tolerance=tolerance,
    )


def _n_rows(levels: Mapping[str, np.ndarray]) -> int:
    return len(next(iter(levels.values()))) if levels else 0


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

    On a large wave the candidate pairs never leave the engine: only the count of pairs per
    agreement pattern comes back, and pattern ``j`` stands for ``candidate_counts[j]`` pairs
    (algebraically the same iterations as EM over the pairs; :func:`train` is this with every
    count 1).

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
    pseudo_count : float
        Strength of the Beta prior on each comparison's m.
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
        weight = log2_bayes_factors(candidates, m, u)
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


def prior_log2_odds(prior_lambda: float) -> float:
    """``log2(λ / (1 − λ))``, the match weight of a pair with no evidence."""
    lam = float(np.clip(prior_lambda, 1e-12, 0.5))
    return float(np.log2(lam / (1 - lam)))
