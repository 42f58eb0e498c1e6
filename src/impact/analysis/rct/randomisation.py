"""Second tests per outcome: Fisher's exact test and randomisation inference.

Randomisation inference (RI) tests the sharp null of no effect for anyone. Assignments are
re-drawn exactly as the study randomised, by the declared procedure
(:class:`~impact.analysis.rct.procedure.RandomisationProcedure`: complete, blocked, clustered
or blocked and clustered, as randomizr's ``*_ra``); without a declaration, arm labels are
permuted *within strata* among all randomised rows (the number treated per stratum is kept).
Each outcome's statistic is recomputed on the rows where it is observed. Under the sharp null,
treatment affects nothing — including who answers — so the observed rows are fixed and this is
the exact randomisation distribution (as ri2's ``conduct_ri``). One draw matrix is shared by all
outcomes, which is what the Westfall–Young step-down
(:func:`impact.analysis.rct.multiple.westfall_young`) needs. Confidence intervals invert the
test for a constant additive effect (:mod:`impact.analysis.rct.ri_interval`).

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
assignment is enumerated and p = Σ π_k 1{|T*_k| ≥ |T|} exactly, π_k the probability of
assignment k (1/N when every count per block is fixed; the observed assignment is included).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from impact.errors import InputError
from impact.results import Result
from impact.validation import check_choice, check_level

from .design import Sample, analysed_sample, drop_collinear, require_columns, warn
from .procedure import Declaration, RandomisationProcedure
from .ri_interval import invert, moments

Statistic = Literal["coefficient", "studentised"]
RiMethod = Literal["auto", "exact", "monte_carlo"]

#: Largest number of assignments that ``method="exact"`` will enumerate.
MAX_EXACT = 200_000
_CHUNK_ELEMENTS = 250_000


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
        NaN where the statistic is undefined (no treatment variation, leverage 1); ±inf for
        a perfect fit (the assignment explains the outcome exactly), which is as extreme as
        any statistic.
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
            # a perfect fit (no residual variance) gives |t| = inf; 0/0 stays undefined
            var = np.maximum(var, 0.0)
            var[undefined] = np.nan
            out[start : start + chunk] = b / np.sqrt(var)
    return out


@dataclass(frozen=True)
class RandomisationResult(Result):
    """RI p-values and test-inversion CIs per outcome, with the null distributions kept for
    step-down tests (and, for exact enumeration, each assignment's probability)."""

    table: pd.DataFrame
    null_statistics: dict[str, np.ndarray] = field(repr=False)
    statistic: str = "studentised"
    method: str = "monte_carlo"
    title: str = "Randomisation inference"
    weights: np.ndarray | None = field(default=None, repr=False)
    procedure: str = ""

    def tidy(self) -> pd.DataFrame:
        """One row per outcome: observed statistic, p-value, CI, draws used, MC standard error."""
        return self.table.copy()


RI_COLUMNS = [
    "outcome",
    "statistic",
    "observed",
    "p_value",
    "conf_low",
    "conf_high",
    "draws",
    "draws_used",
    "mc_se",
    "method",
    "note",
]


def _assignments(
    procedure: RandomisationProcedure,
    draws: int,
    method: RiMethod,
    seed: int | np.random.Generator | None,
) -> tuple[np.ndarray, np.ndarray | None]:
    """The re-drawn assignments (one column per row) and, when they are every possible one,
    their probabilities (None for random draws)."""
    n_possible = procedure.count_assignments()
    exact = method == "exact" or (method == "auto" and n_possible <= draws)
    if exact and n_possible > MAX_EXACT:
        raise InputError(
            f"method='exact' would enumerate {n_possible:,} assignments (limit {MAX_EXACT:,}); "
            "use method='monte_carlo'"
        )
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    if exact:
        return procedure.enumerate()
    return procedure.draw(rng, draws), None


def _others(sample: Sample) -> np.ndarray:
    """Intercept, stratum dummies and covariates of the analysed rows (collinear ones dropped)."""
    others = pd.concat(
        [
            pd.DataFrame({"(Intercept)": np.ones(sample.n)}, index=sample.covariates.index),
            sample.strata,
            sample.covariates,
        ],
        axis=1,
    )
    return drop_collinear(others, 1, sample.notes).to_numpy(dtype=float)


def _outcome_test(
    sample: Sample,
    outcome: str,
    assignments: np.ndarray,
    weights: np.ndarray | None,
    statistic: Statistic,
    level: float | None,
) -> tuple[tuple[float, float, float, float, int, float, str], np.ndarray]:
    """One outcome's (observed, p, conf_low, conf_high, draws_used, mc_se, note) and null."""
    others = _others(sample)
    note = "; ".join(sample.notes)
    n_draws = assignments.shape[0]
    observed = regression_statistics(sample.z[None, :], sample.y, others, statistic)[0]
    if np.isnan(observed) or np.all(sample.y == sample.y[0]):
        reason = "statistic undefined (outcome constant or an arm empty among analysed rows)"
        warn(f"outcome {outcome!r}: randomisation test not possible: {reason}")
        return (np.nan, np.nan, np.nan, np.nan, 0, np.nan, reason), np.full(n_draws, np.nan)
    drawn = assignments[:, sample.rows]
    null = regression_statistics(drawn, sample.y, others, statistic)
    ok = ~np.isnan(null)
    used = int(ok.sum())
    extreme = ok & (np.abs(null) >= abs(observed) * (1 - 1e-10))
    if weights is not None:
        p, mc_se = float(np.sum(weights[extreme]) / np.sum(weights[ok])), 0.0
    else:
        p = (1 + int(extreme.sum())) / (1 + used)
        mc_se = math.sqrt(p * (1 - p) / used)
    low = high = np.nan
    if level is not None:
        obs_m = moments(sample.z[None, :], sample.y, sample.z, others)
        null_m = moments(drawn, sample.y, sample.z, others)
        low, high = invert(obs_m, null_m, statistic == "studentised", weights, level)
    if used < n_draws:
        dropped = f"{n_draws - used} draw(s) with undefined statistic left out"
        note = "; ".join(filter(None, [note, dropped]))
    return (observed, p, low, high, used, mc_se, note), null


def default_declaration(strata: str | None) -> Declaration:
    """Blocked by ``strata`` (complete without), keeping the observed numbers treated."""
    if strata is None:
        return Declaration(procedure="complete", blocks=None)
    return Declaration(procedure="blocked", blocks=strata)


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
    procedure: Declaration | None = None,
    confidence_level: float | None = 0.95,
) -> RandomisationResult:
    """Randomisation inference for the sharp null of no effect, per outcome, with a CI.

    Parameters
    ----------
    data : DataFrame
        Indicator table, one row per randomised person.
    outcomes : sequence of str
        Binary outcome columns.
    arm, strata : str
        Arm and stratum columns; ``strata`` gives the statistic's fixed effects (and, without
        ``procedure``, the blocks: ``strata=None`` means complete randomisation).
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
    procedure : Declaration, optional
        The declared randomisation procedure (:mod:`impact.analysis.rct.procedure`);
        default: blocked by ``strata`` with the observed numbers treated per block.
    confidence_level : float or None
        Level of the test-inversion CI (constant additive effect; None: no CI).

    Returns
    -------
    RandomisationResult
        Columns: outcome, statistic, observed, p_value, conf_low, conf_high (outcome units),
        draws, draws_used, mc_se, method, note.

    Raises
    ------
    InputError
        Bad options, missing columns, or an observed assignment the declared procedure cannot
        produce.
    """
    check_choice("statistic", statistic, Statistic)
    check_choice("method", method, RiMethod)
    if confidence_level is not None:
        confidence_level = check_level(confidence_level, "confidence_level")
    if int(draws) < 1:
        raise InputError(f"draws must be a positive number of random assignments; got {draws!r}")
    require_columns(data, [*outcomes, *covariates, strata], "analysis")
    declaration = procedure or default_declaration(strata)
    bound = RandomisationProcedure.from_data(data, declaration, arm=arm)
    assignments, weights = _assignments(bound, int(draws), method, seed)
    label = "exact" if weights is not None else "monte_carlo"
    rows, nulls = [], {}
    for outcome in outcomes:
        sample = analysed_sample(data, outcome, arm=arm, covariates=covariates, strata=strata)
        (observed, p, low, high, used, mc_se, note), nulls[outcome] = _outcome_test(
            sample, outcome, assignments, weights, statistic, confidence_level
        )
        rows.append(
            [outcome, statistic, observed, p, low, high, len(assignments), used, mc_se, label, note]
        )
    table = pd.DataFrame(rows, columns=RI_COLUMNS)
    return RandomisationResult(
        table, nulls, statistic, label, weights=weights, procedure=declaration.describe()
    )


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
