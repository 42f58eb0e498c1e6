"""``diagnose``: simulate a declared design many times and grade each estimator against the truth.

Trials are drawn in chunks (to bound memory) from one :func:`numpy.random.default_rng` stream,
so a seed gives the same diagnosis on every machine. Each chunk is analysed by every estimator
at once (:mod:`.estimators`, :mod:`.bounds`); the per-trial estimates and intervals are kept for
the table and the figure (:mod:`.result`).
"""

from __future__ import annotations

import time

import numpy as np
from scipy import stats

from impact.analysis.power.design import PowerRequestError, check_in
from impact.analysis.power.diagnosis import bounds, estimators
from impact.analysis.power.diagnosis.design import DeclaredDesign, TrialData
from impact.analysis.power.diagnosis.result import DiagnosisResult, EstimatorDraws, summarise
from impact.analysis.power.simulate import DEFAULT_SEED

_CHUNK_ELEMENTS = 4_000_000
#: Estimators in the order of the table.
ESTIMATORS = ("itt", "lin", "cace", "ri", "lee")


def _with_interval(
    name: str, est: estimators.Estimates, alpha: float, constant: np.ndarray
) -> EstimatorDraws:
    """Add the t interval; trials whose analysed outcome is constant are undefined, as in
    :func:`impact.rct.itt` ("outcome has one value … no test possible")."""
    estimate = np.where(constant, np.nan, est.estimate)
    se = np.where(constant, np.nan, est.se)
    with np.errstate(invalid="ignore"):
        crit = stats.t.ppf(1.0 - alpha / 2.0, est.df)
    return EstimatorDraws(name, estimate, se, estimate - crit * se, estimate + crit * se)


def _analyse(
    trials: TrialData, alpha: float, ri_draws: int, rng: np.random.Generator
) -> dict[str, EstimatorDraws]:
    """Every estimator on one chunk of trials."""
    y, seen, treated, cluster = trials.y, trials.observed, trials.treated, trials.cluster
    block = trials.block
    constant = np.where(seen, y, 1.0).min(axis=1) == np.where(seen, y, 0.0).max(axis=1)
    itt = estimators.itt(y, seen, treated, cluster, block)
    cace = estimators.wald(y, trials.started, seen, treated, cluster, block)
    out = {
        "itt": _with_interval("itt", itt, alpha, constant),
        "cace": _with_interval("cace", cace, alpha, constant),
    }
    if cluster is not None and trials.x is not None:
        lin = estimators.lin_cr2(y, seen, treated, trials.x, int(np.bincount(cluster)[0]))
        out["lin"] = _with_interval("lin", lin, alpha, constant)
    elif trials.x is not None or block is not None:
        lin = estimators.lin(y, seen, treated, trials.x, block)
        out["lin"] = _with_interval("lin", lin, alpha, constant)
    if ri_draws:
        p = bounds.ri_pvalues(y, seen, treated, cluster, rng, ri_draws, block)
        p = np.where(constant, np.nan, p)
        out["ri"] = EstimatorDraws("ri", out["itt"].estimate, None, None, None, p_value=p)
    lee = bounds.lee(y, seen, treated, 1.0 - alpha)
    out["lee"] = EstimatorDraws("lee", (lee.lower + lee.upper) / 2, None, lee.ci_lower,
                                lee.ci_upper, lower=lee.lower, upper=lee.upper)  # fmt: skip
    return out


def _chunk_size(design: DeclaredDesign, sims: int, ri_draws: int) -> int:
    per_trial = design.n * max(design.n_covariates + design.blocks + 4, ri_draws, 1)
    return max(1, min(sims, _CHUNK_ELEMENTS // per_trial))


def diagnose(
    n_treatment: int,
    n_control: int,
    *,
    control_rate: float,
    effect_pp: float,
    take_up: float = 1.0,
    crossover: float = 0.0,
    attrition_treatment: float = 0.0,
    attrition_control: float = 0.0,
    attrition_slope: float = 0.0,
    n_covariates: int = 0,
    r2: float = 0.0,
    icc: float = 0.0,
    cluster_size: int = 1,
    blocks: int = 1,
    alpha: float = 0.05,
    n_sims: int = 1000,
    ri_draws: int = 200,
    seed: int = DEFAULT_SEED,
) -> DiagnosisResult:
    """Diagnose a declared randomised design by simulation (DeclareDesign's idea).

    Simulates ``n_sims`` trials of the design described in
    :mod:`impact.analysis.power.diagnosis.design` and analyses each with the package's
    estimators: the ITT difference (HC2; CR2 with clusters), Lin's covariate-adjusted ITT (HC2,
    CR2 with clusters; needs covariates or blocks), the CACE by 2SLS (HC2/CR2), randomisation
    inference (``ri_draws`` re-draws per trial; 0 leaves it out) and Lee bounds (Imbens–Manski
    interval).

    Parameters
    ----------
    n_treatment, n_control : int
        Participants randomised per arm (multiples of ``cluster_size``).
    control_rate : float
        Outcome rate without the programme, in (0, 1).
    effect_pp : float
        Effect of taking part, for compliers, in percentage points.
    take_up : float
        Share of those offered a place who start the programme (the rest are no-shows).
    crossover : float
        Share of the control arm who start the programme anyway (less than ``take_up``).
    attrition_treatment, attrition_control : float
        Expected share of each arm whose outcome is missing (different = differential).
    attrition_slope : float
        Log-odds of missing per SD of the covariate index (needs covariates).
    n_covariates, r2 : int, float
        Baseline covariates and the share of the outcome's variance they explain.
    icc, cluster_size : float, int
        Cluster randomisation: intra-cluster correlation of the latent outcome, cluster size.
    blocks : int
        Blocked randomisation: that many equal blocks, each with ``n_treatment / blocks``
        offered; the ITT, Lin and 2SLS estimators then have block fixed effects and
        randomisation inference re-draws within blocks (as the public estimators with
        ``strata``). Not combined with clusters.
    alpha : float
        Significance level; the intervals have level ``1 − alpha``.
    n_sims, ri_draws, seed : int
        Simulated trials, re-draws per trial for randomisation inference, random seed.

    Returns
    -------
    DiagnosisResult
        One row per estimator: truth, bias, RMSE, coverage, power, interval width.
    """
    design = DeclaredDesign.declare(
        n_treatment=n_treatment, n_control=n_control, control_rate=control_rate,
        effect_pp=effect_pp, take_up=take_up, crossover=crossover,
        attrition_treatment=attrition_treatment, attrition_control=attrition_control,
        attrition_slope=attrition_slope, n_covariates=n_covariates, r2=r2, icc=icc,
        cluster_size=cluster_size, blocks=blocks,
    )  # fmt: skip
    alpha = check_in("alpha", alpha, 0.0, 1.0, closed_low=False)
    sims = int(check_in("n_sims", n_sims, 1, 1e8, closed_low=True))
    draws = int(check_in("ri_draws", ri_draws, 0, 1e6, closed_low=True))
    if 0 < draws < 19:
        raise PowerRequestError(
            f"ri_draws: got {draws} — expected 0 (no randomisation inference) or at least 19, "
            "so that a p-value below 0.05 is possible"
        )
    rng = np.random.default_rng(seed)
    chunk = _chunk_size(design, sims, draws)
    started = time.perf_counter()
    parts: list[dict[str, EstimatorDraws]] = []
    for first in range(0, sims, chunk):
        trials = design.draw(rng, min(chunk, sims - first))
        # trials where an estimator is undefined (an arm without respondents, no compliers
        # observed) give NaN, counted in n_defined; numpy need not warn about them
        with np.errstate(divide="ignore", invalid="ignore"):
            parts.append(_analyse(trials, alpha, draws, rng))
    seconds = time.perf_counter() - started
    collected = {
        name: EstimatorDraws.concatenate([p[name] for p in parts])
        for name in ESTIMATORS
        if name in parts[0]
    }
    table = summarise(collected, design, alpha)
    return DiagnosisResult(design=design, truth=design.truth(), table=table, draws=collected,
                           n_sims=sims, ri_draws=draws, alpha=alpha, seed=int(seed),
                           seconds=seconds)  # fmt: skip
