"""Wild cluster bootstrap p-values (Webb weights, null imposed) for designs with few clusters.

With few clusters, cluster-robust t-tests over-reject. The restricted wild cluster bootstrap
(WCR; Cameron, Gelbach & Miller 2008; MacKinnon & Webb 2017; MacKinnon, Nielsen & Webb 2023)
imposes the null of no effect: the outcome is regressed on everything but treatment (intercept,
stratum dummies, covariates), and bootstrap outcomes are those fitted values plus the restricted
residuals multiplied, cluster by cluster, by one of Webb's six weights
``±√(1/2), ±1, ±√(3/2)`` (each with probability 1/6). Each bootstrap sample is refitted with
treatment and its cluster-robust t-statistic computed; the p-value is the share of bootstrap
|t*| at least the observed |t| (two-sided, symmetric).

The statistic is the CR1 ("stata") t-statistic, ``τ̂ / √V``, ``V`` the cluster-robust variance
with the factor ``G/(G−1)·(N−1)/(N−K)`` — the statistic of MacKinnon, Nielsen & Webb (2023),
§3; the factor is the same for every bootstrap sample, so it does not change the p-value.

With ``G`` clusters there are ``6^G`` weight vectors; when that is at most ``draws`` every one is
used (``method="exact"``), so the p-value is deterministic (5 clusters: 7,776 vectors).
Otherwise ``draws`` vectors are drawn at random (seeded). Vectorised: with ``z̃`` the treatment
residualised on the other regressors and ``u`` the restricted residuals, the bootstrap
coefficient is ``Σ_g v_g a_g / z̃'z̃`` (``a_g`` the cluster sums of ``z̃·u``) and the cluster
scores are ``K v − τ* d`` for a fixed G × G matrix ``K`` (``d_g = Σ_g z̃²``).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from impact.errors import InputError
from impact.results import Result
from impact.validation import check_choice

from .design import Sample, analysed_sample, require_columns, warn
from .randomisation import RiMethod, _others

#: Webb's six-point weights.
WEBB_WEIGHTS = np.array(
    [-math.sqrt(1.5), -1.0, -math.sqrt(0.5), math.sqrt(0.5), 1.0, math.sqrt(1.5)]
)
#: The bootstrap p-value is reported for designs with fewer clusters than this.
FEW_CLUSTERS = 30
_CHUNK_ROWS = 20_000


@dataclass(frozen=True)
class WildBootstrapResult(Result):
    """Wild cluster bootstrap p-values per outcome (Webb weights, null imposed)."""

    table: pd.DataFrame
    weights: tuple[float, ...] = tuple(WEBB_WEIGHTS.tolist())
    statistic: str = "CR1 t (null imposed)"
    title: str = "Wild cluster bootstrap (Webb weights, null imposed)"

    def tidy(self) -> pd.DataFrame:
        """One row per outcome: estimate, CR1 t, p_value, clusters, draws, method, note."""
        return self.table.copy()


WILD_COLUMNS = ["outcome", "estimate", "statistic", "p_value", "clusters", "draws", "method",
                "note"]  # fmt: skip


def weight_vectors(
    n_clusters: int, draws: int, method: RiMethod, rng: np.random.Generator
) -> tuple[np.ndarray, bool]:
    """The Webb weight vectors (rows) and whether they are all ``6^G`` of them."""
    total = 6**n_clusters
    exact = method == "exact" or (method == "auto" and total <= draws)
    if exact:
        if total > 2_000_000:
            raise InputError(
                f"method='exact' would enumerate 6^{n_clusters} = {total:,} weight vectors; "
                "use method='monte_carlo'"
            )
        index = np.array(list(itertools.product(range(6), repeat=n_clusters)), dtype=np.int8)
        return WEBB_WEIGHTS[index], True
    return WEBB_WEIGHTS[rng.integers(0, 6, size=(draws, n_clusters))], False


def _observed_pieces(
    y: np.ndarray, z: np.ndarray, others: np.ndarray, cluster: np.ndarray
) -> tuple[float, float, np.ndarray, np.ndarray, np.ndarray, float, float]:
    """Estimate, CR1 t, a, K, d, z̃'z̃ and the CR1 factor of one outcome."""
    q, _ = np.linalg.qr(others)
    z_t = z - q @ (q.T @ z)
    u = y - q @ (q.T @ y)  # restricted residuals (null imposed)
    ss = float(z_t @ z_t)
    n_clusters = int(cluster.max()) + 1
    onehot = np.zeros((y.size, n_clusters))
    onehot[np.arange(y.size), cluster] = 1.0
    a = onehot.T @ (z_t * u)
    d = onehot.T @ (z_t * z_t)
    p_z = onehot.T @ (z_t[:, None] * q)  # G × k: Q_g' z̃_g
    r_u = onehot.T @ (u[:, None] * q)  # G × k: Q_h' u_h
    kmat = np.diag(a) - p_z @ r_u.T
    n, k = y.size, others.shape[1] + 1
    factor = n_clusters / (n_clusters - 1) * (n - 1) / (n - k)
    estimate = float(a.sum() / ss)
    scores = a - estimate * d  # z̃_g' e_g at the unrestricted fit
    t = estimate / math.sqrt(factor * float(scores @ scores) / ss**2)
    return estimate, t, a, kmat, d, ss, factor


def wild_statistics(weights: np.ndarray, a, kmat, d, ss: float, factor: float) -> np.ndarray:
    """The bootstrap CR1 t-statistics for every row of ``weights`` (B × G)."""
    out = np.empty(weights.shape[0])
    for start in range(0, weights.shape[0], _CHUNK_ROWS):
        v = weights[start : start + _CHUNK_ROWS]
        tau = v @ a / ss
        scores = v @ kmat.T - tau[:, None] * d[None, :]
        var = factor * np.einsum("ij,ij->i", scores, scores) / ss**2
        with np.errstate(divide="ignore", invalid="ignore"):
            out[start : start + v.shape[0]] = tau / np.sqrt(var)
    return out


def _one_outcome(sample: Sample, weights: np.ndarray) -> tuple[float, float, float, str]:
    """(estimate, t, p, note) of one outcome."""
    others = _others(sample)
    if np.all(sample.y == sample.y[0]) or sample.n_treatment == 0 or sample.n_control == 0:
        return np.nan, np.nan, np.nan, "statistic undefined (outcome constant or an arm empty)"
    estimate, t, a, kmat, d, ss, factor = _observed_pieces(
        sample.y, sample.z, others, sample.cluster
    )
    stats = wild_statistics(weights, a, kmat, d, ss, factor)
    ok = ~np.isnan(stats)
    p = float(np.mean(np.abs(stats[ok]) >= abs(t) * (1 - 1e-10)))
    note = "; ".join(sample.notes)
    if not ok.all():
        note = "; ".join(filter(None, [note, f"{int((~ok).sum())} draw(s) undefined, left out"]))
    return estimate, t, p, note


def wild_cluster_bootstrap(
    data: pd.DataFrame,
    outcomes: Sequence[str],
    *,
    cluster: str,
    arm: str = "arm",
    strata: str | None = "stratum",
    covariates: Sequence[str] = (),
    draws: int = 9_999,
    method: RiMethod = "auto",
    seed: int | np.random.Generator | None = None,
) -> WildBootstrapResult:
    """Restricted wild cluster bootstrap p-values (Webb weights) of the treatment effect.

    Parameters
    ----------
    data, outcomes
        The indicator table (one row per randomised person) and its binary outcome columns,
        as for :func:`~impact.analysis.rct.randomisation.randomisation_test`.
    cluster : str
        Cluster column (the unit of randomisation).
    arm, strata, covariates
        As in :func:`~impact.analysis.rct.itt.itt` (additive adjustment, stratum fixed effects).
    draws : int
        Number of random weight vectors when not all ``6^G`` are enumerated.
    method : {"auto", "exact", "monte_carlo"}
        ``auto`` enumerates all ``6^G`` weight vectors when there are at most ``draws``.
    seed : int or numpy Generator, optional

    Returns
    -------
    WildBootstrapResult
        Columns: outcome, estimate, statistic (CR1 t), p_value, clusters, draws, method, note.
    """
    check_choice("method", method, RiMethod)
    if int(draws) < 1:
        raise InputError(f"draws must be a positive number of bootstrap draws; got {draws!r}")
    require_columns(data, [*outcomes, *covariates, strata, cluster], "analysis")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    rows = []
    for outcome in outcomes:
        sample = analysed_sample(
            data, outcome, arm=arm, covariates=covariates, strata=strata, cluster=cluster
        )
        n_clusters = int(sample.cluster.max()) + 1 if sample.n else 0
        if n_clusters < 2:
            warn(f"outcome {outcome!r}: wild cluster bootstrap needs at least 2 clusters")
            rows.append(
                [outcome, np.nan, np.nan, np.nan, n_clusters, 0, "", "fewer than 2 clusters"]
            )
            continue
        weights, exact = weight_vectors(n_clusters, int(draws), method, rng)
        estimate, t, p, note = _one_outcome(sample, weights)
        label = "exact" if exact else "monte_carlo"
        rows.append([outcome, estimate, t, p, n_clusters, len(weights), label, note])
    return WildBootstrapResult(pd.DataFrame(rows, columns=WILD_COLUMNS))
