"""Second tests per outcome: Fisher's exact test and randomisation inference.

Randomisation inference (RI) tests the sharp null of no effect for anyone. Assignments are
re-drawn exactly as the study randomised: arm labels are permuted *within strata* among all
randomised rows (so the number treated per stratum is kept), and each outcome's statistic is
recomputed on the rows where it is observed. Under the sharp null, treatment affects nothing —
including who answers — so the observed rows are fixed and this is the exact randomisation
distribution. One draw matrix is shared by all outcomes, which is what the Westfall–Young
step-down (:func:`impact.analysis.rct.multiple.westfall_young`) needs.

Statistics (``statistic=``):

``"coefficient"``
    the OLS treatment coefficient (difference in means, with stratum fixed effects and
    optional additive covariates);
``"studentised"``
    that coefficient divided by its HC2 SE — valid also for the weak null of zero *average*
    effect asymptotically (Wu & Ding 2021), hence the default.

Vectorised with numpy (Frisch–Waugh–Lovell): with Q an orthonormal basis of the other
regressors, z̃ = z − QQ'z, b = z̃'y / z̃'z̃, e = ỹ − b z̃, leverage h = h_W + z̃²/z̃'z̃ and
Var_HC2(b) = Σ z̃² e² / (1 − h) / (z̃'z̃)²; all draws at once, in memory-bounded chunks.

p-values are two-sided: (1 + #{|T*| ≥ |T|}) / (1 + B) for B random draws (Phipson & Smyth
2010); when the number of possible assignments is at most ``draws`` (``method="auto"``) every
assignment is enumerated and p = #{|T*| ≥ |T|} / N exactly (observed assignment included).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from impact.errors import InputError
from impact.results import Result
from impact.validation import check_choice

from .design import (
    Sample,
    analysed_sample,
    drop_collinear,
    require_columns,
    strata_codes,
    treatment_indicator,
    warn,
)

Statistic = Literal["coefficient", "studentised"]
RiMethod = Literal["auto", "exact", "monte_carlo"]

#: Largest number of assignments that ``method="exact"`` will enumerate.
MAX_EXACT = 200_000
_CHUNK_ELEMENTS = 250_000


def count_assignments(z: np.ndarray, codes: np.ndarray) -> int:
    """Number of distinct assignments with the same number treated in every stratum."""
    total = 1
    for s in np.unique(codes):
        zs = z[codes == s]
        total *= math.comb(zs.size, int(zs.sum()))
    return total


def permuted_assignments(
    z: np.ndarray, codes: np.ndarray, draws: int, rng: np.random.Generator
) -> np.ndarray:
    """``draws`` × n matrix of assignments permuted within strata (int8 0/1).

    In each stratum the ``t`` units with the smallest of i.i.d. uniform keys are treated — a
    uniformly random subset of size ``t`` (found with :func:`numpy.partition`, O(n) per draw).
    """
    out = np.zeros((draws, z.size), dtype=np.int8)
    for s in np.unique(codes):
        idx = np.flatnonzero(codes == s)
        t = int(z[idx].sum())
        if t in (0, idx.size):
            out[:, idx] = t > 0
            continue
        chunk = max(1, _CHUNK_ELEMENTS // idx.size)
        for start in range(0, draws, chunk):
            keys = rng.random((min(chunk, draws - start), idx.size))
            kth = np.partition(keys, t - 1, axis=1)[:, t - 1 : t]
            block = (keys <= kth).astype(np.int8)
            ties = np.flatnonzero(block.sum(axis=1) != t)  # equal keys: practically never
            for row in ties:
                block[row] = 0
                block[row, rng.permutation(idx.size)[:t]] = 1
            out[start : start + block.shape[0], idx] = block
    return out


def all_assignments(z: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Every assignment with the observed number treated per stratum (N × n int8)."""
    per_stratum = []
    for s in np.unique(codes):
        idx = np.flatnonzero(codes == s)
        per_stratum.append(
            [idx[list(c)] for c in itertools.combinations(range(idx.size), int(z[idx].sum()))]
        )
    rows = [np.concatenate(combo) for combo in itertools.product(*per_stratum)]
    out = np.zeros((len(rows), z.size), dtype=np.int8)
    for i, treated in enumerate(rows):
        out[i, treated] = 1
    return out


def regression_statistics(
    assignments: np.ndarray, y: np.ndarray, others: np.ndarray, statistic: Statistic
) -> np.ndarray:
    """Treatment coefficient or HC2 t-statistic for every row of ``assignments``.

    Parameters
    ----------
    assignments : ndarray (draws × n)
        0/1 assignments of the analysed rows.
    y : ndarray (n,)
        Outcome.
    others : ndarray (n × k)
        The other regressors (intercept, stratum dummies, covariates), full column rank.
    statistic : {"coefficient", "studentised"}

    Returns
    -------
    ndarray (draws,)
        NaN where the statistic is undefined (no treatment variation, leverage 1).
    """
    q, _ = np.linalg.qr(others)
    y_res = y - q @ (q.T @ y)
    one_minus_hw = 1.0 - np.einsum("ij,ij->i", q, q)
    out = np.empty(assignments.shape[0])
    chunk = max(1, _CHUNK_ELEMENTS // max(1, y.size))
    with np.errstate(divide="ignore", invalid="ignore"):
        for start in range(0, assignments.shape[0], chunk):
            zt = assignments[start : start + chunk].astype(float)
            zt -= (zt @ q) @ q.T  # z residualised on the other regressors
            ss = np.einsum("ij,ij->i", zt, zt)
            ss[ss <= 1e-12] = np.nan  # no treatment variation left
            b = (zt @ y_res) / ss
            if statistic == "coefficient":
                out[start : start + chunk] = b
                continue
            # in place, to keep the working set in cache: e = y_res - b z~, then z~^2 e^2 / (1-h)
            e = zt * -b[:, None]
            e += y_res
            e *= e
            zt *= zt
            e *= zt
            zt /= -ss[:, None]
            zt += one_minus_hw  # 1 - leverage
            undefined = (zt <= 1e-10).any(axis=1)
            e /= zt
            var = e.sum(axis=1) / ss**2
            var[undefined | ~(var > 0)] = np.nan
            out[start : start + chunk] = b / np.sqrt(var)
    return out


@dataclass(frozen=True)
class RandomisationResult(Result):
    """RI p-values per outcome, with the permutation distributions kept for step-down tests."""

    table: pd.DataFrame
    null_statistics: dict[str, np.ndarray] = field(repr=False)
    statistic: str = "studentised"
    method: str = "monte_carlo"
    title: str = "Randomisation inference"

    def tidy(self) -> pd.DataFrame:
        """One row per outcome: observed statistic, p-value, draws used, MC standard error."""
        return self.table.copy()


RI_COLUMNS = [
    "outcome",
    "statistic",
    "observed",
    "p_value",
    "draws",
    "draws_used",
    "mc_se",
    "method",
    "note",
]


def _assignments(
    data: pd.DataFrame,
    arm: str,
    strata: str | None,
    draws: int,
    method: RiMethod,
    seed: int | np.random.Generator | None,
) -> tuple[np.ndarray, bool]:
    """The re-drawn assignments (one per row) and whether they are all possible ones."""
    z = treatment_indicator(data, arm)
    codes = strata_codes(data, strata)
    n_possible = count_assignments(z, codes)
    exact = method == "exact" or (method == "auto" and n_possible <= draws)
    if exact and n_possible > MAX_EXACT:
        raise InputError(
            f"method='exact' would enumerate {n_possible:,} assignments (limit {MAX_EXACT:,}); "
            "use method='monte_carlo'"
        )
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    if exact:
        return all_assignments(z, codes), True
    return permuted_assignments(z, codes, draws, rng), False


def _outcome_test(
    sample: Sample, outcome: str, assignments: np.ndarray, exact: bool, statistic: Statistic
) -> tuple[tuple[float, float, int, float, str], np.ndarray]:
    """One outcome's (observed, p_value, draws_used, mc_se, note) and null distribution."""
    others = pd.concat(
        [
            pd.DataFrame({"(Intercept)": np.ones(sample.n)}, index=sample.covariates.index),
            sample.strata,
            sample.covariates,
        ],
        axis=1,
    )
    others = drop_collinear(others, 1, sample.notes).to_numpy(dtype=float)
    note = "; ".join(sample.notes)
    n_draws = assignments.shape[0]
    observed = regression_statistics(sample.z[None, :], sample.y, others, statistic)[0]
    if np.isnan(observed) or np.all(sample.y == sample.y[0]):
        reason = "statistic undefined (outcome constant or an arm empty among analysed rows)"
        warn(f"outcome {outcome!r}: randomisation test not possible: {reason}")
        return (np.nan, np.nan, 0, np.nan, reason), np.full(n_draws, np.nan)
    null = regression_statistics(assignments[:, sample.rows], sample.y, others, statistic)
    used = int(np.isfinite(null).sum())
    extreme = int(np.sum(np.abs(null[np.isfinite(null)]) >= abs(observed) * (1 - 1e-10)))
    if exact:
        p, mc_se = extreme / used, 0.0
    else:
        p = (1 + extreme) / (1 + used)
        mc_se = math.sqrt(p * (1 - p) / used)
    if used < n_draws:
        dropped = f"{n_draws - used} draw(s) with undefined statistic left out"
        note = "; ".join(filter(None, [note, dropped]))
    return (observed, p, used, mc_se, note), null


def randomisation_test(
    data: pd.DataFrame,
    outcomes: Sequence[str],
    *,
    arm: str = "arm",
    strata: str | None = "stratum",
    covariates: Sequence[str] = (),
    statistic: Statistic = "studentised",
    draws: int = 10_000,
    method: RiMethod = "auto",
    seed: int | np.random.Generator | None = None,
) -> RandomisationResult:
    """Randomisation inference for the sharp null of no effect, per outcome.

    Parameters
    ----------
    data : DataFrame
        Indicator table, one row per randomised person.
    outcomes : sequence of str
        Binary outcome columns.
    arm, strata : str
        Arm and stratum columns (``strata=None`` for complete randomisation).
    covariates : sequence of str
        Optional additive covariate adjustment of the statistic.
    statistic : {"studentised", "coefficient"}
        HC2 t-statistic or the treatment coefficient.
    draws : int
        Number of random assignments (≥ 1; 10,000 by default).
    method : {"auto", "exact", "monte_carlo"}
        ``auto`` enumerates all assignments when there are at most ``draws`` of them.
    seed : int or numpy Generator, optional
        Seed for :func:`numpy.random.default_rng`.

    Returns
    -------
    RandomisationResult
        Columns: outcome, statistic, observed, p_value, draws, draws_used, mc_se, method, note.
    """
    check_choice("statistic", statistic, Statistic)
    check_choice("method", method, RiMethod)
    if int(draws) < 1:
        raise InputError(f"draws must be a positive number of random assignments; got {draws!r}")
    require_columns(data, [*outcomes, *covariates, strata], "analysis")
    assignments, exact = _assignments(data, arm, strata, int(draws), method, seed)
    label = "exact" if exact else "monte_carlo"
    rows, nulls = [], {}
    for outcome in outcomes:
        sample = analysed_sample(data, outcome, arm=arm, covariates=covariates, strata=strata)
        (observed, p, used, mc_se, note), nulls[outcome] = _outcome_test(
            sample, outcome, assignments, exact, statistic
        )
        rows.append([outcome, statistic, observed, p, len(assignments), used, mc_se, label, note])
    table = pd.DataFrame(rows, columns=RI_COLUMNS)
    return RandomisationResult(table, nulls, statistic, label)


@dataclass(frozen=True)
class FisherResult(Result):
    """Fisher's exact test of arm × outcome per outcome (pooled over strata)."""

    table: pd.DataFrame
    title: str = "Fisher's exact test"

    def tidy(self) -> pd.DataFrame:
        """Columns: outcome, the 2×2 counts, odds_ratio, p_value, n."""
        return self.table.copy()


def fisher_tests(data: pd.DataFrame, outcomes: Sequence[str], *, arm: str = "arm") -> FisherResult:
    """Two-sided Fisher's exact test of arm × outcome for each outcome (as ``fisher.test``).

    The 2×2 table pools strata; the conditional odds ratio of R is not reported (the sample
    odds ratio is). Rows with a missing outcome are left out.
    """
    require_columns(data, outcomes, "outcome")
    rows = []
    for outcome in outcomes:
        sample = analysed_sample(data, outcome, arm=arm)
        t1 = int(sample.y[sample.z == 1].sum())
        c1 = int(sample.y[sample.z == 0].sum())
        table = [[t1, sample.n_treatment - t1], [c1, sample.n_control - c1]]
        odds, p = stats.fisher_exact(table, alternative="two-sided")
        rows.append(
            [
                outcome,
                t1,
                sample.n_treatment - t1,
                c1,
                sample.n_control - c1,
                float(odds),
                float(p),
                sample.n,
            ]
        )
    columns = [
        "outcome",
        "treatment_yes",
        "treatment_no",
        "control_yes",
        "control_no",
        "odds_ratio",
        "p_value",
        "n",
    ]
    return FisherResult(pd.DataFrame(rows, columns=columns))
