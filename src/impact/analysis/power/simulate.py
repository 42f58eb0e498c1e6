"""Simulation-based power of the package's estimator: the ITT difference with HC2 SE.

Each simulated trial randomises exactly ``n_treatment`` and ``n_control`` participants. The
binary outcome follows a probit model on a prognostic index ``Z`` (the scaled sum of
``n_covariates`` standard normal covariates): ``P(y = 1 | arm, Z) = Φ(μ_arm + b Z)``, with
``μ_arm`` chosen so that the arm's mean rate is exactly the control rate or control rate +
effect, and ``b`` chosen so that ``Z`` explains the share ``r2`` of the control arm's outcome
variance (linear R²). Outcomes are missing with probability ``expit(a + attrition_slope × Z)``,
``a`` set so that the average missing share is ``attrition``. Each trial is analysed like the
real study: OLS of the outcome on treatment (plus the covariates, when there are any) among those
observed, HC2 standard error, z-test at level ``alpha``. All trials are computed at once with
numpy (in chunks to bound memory), seeded with :func:`numpy.random.default_rng`.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import brentq
from scipy.special import expit, ndtr, ndtri

from impact.analysis.power import text
from impact.analysis.power.analytic import power_at, treatment_rate
from impact.analysis.power.design import (
    Arms,
    Assumptions,
    PowerRequestError,
    Sides,
    check_finite,
    check_in,
    check_rate,
)
from impact.analysis.power.hc2 import ITTDraws, itt_hc2
from impact.analysis.power.results import PowerAnswer, _plain
from impact.i18n import Lang, check_lang, message

#: Seed used when none is given (documented so results can be reproduced).
DEFAULT_SEED = 20260101
_CHUNK_ELEMENTS = 3_000_000


def max_probit_r2(control_rate: float) -> float:
    """Largest linear R² a single probit index can give a binary outcome with this rate."""
    z0 = float(ndtri(control_rate))
    density = math.exp(-z0 * z0 / 2.0) / math.sqrt(2.0 * math.pi)
    return density**2 / (control_rate * (1.0 - control_rate))


def probit_slope(control_rate: float, r2: float) -> float:
    """Slope ``b`` of the prognostic index giving linear R² ``r2`` in the control arm."""
    if r2 == 0:
        return 0.0
    top = max_probit_r2(control_rate)
    if r2 >= top:
        raise PowerRequestError(
            f"r2: got {r2:g} — covariates in the simulation model can explain at most "
            f"R² = {top:.3f} of a binary outcome with rate {100 * control_rate:g} %"
        )
    rho = math.sqrt(r2 / top)
    return rho / math.sqrt(1.0 - rho * rho)


def attrition_intercept(attrition: float, slope: float) -> float:
    """Intercept ``a`` with mean of ``expit(a + slope × Z)`` over Z ~ N(0, 1) equal to attrition."""
    if attrition == 0:
        return -math.inf
    if slope == 0:
        return math.log(attrition / (1.0 - attrition))
    nodes, weights = np.polynomial.hermite_e.hermegauss(80)
    weights = weights / weights.sum()

    def gap(a: float) -> float:
        return float((weights * expit(a + slope * nodes)).sum()) - attrition

    return brentq(gap, -50.0 - 10 * abs(slope), 50.0 + 10 * abs(slope), xtol=1e-12)


@dataclass(frozen=True, repr=False)
class SimulationResult(PowerAnswer):
    """Power estimated by simulating trials; see :func:`simulate_power`."""

    arms: Arms
    assumptions: Assumptions
    control_rate: float
    effect_pp: float
    n_covariates: int
    attrition_slope: float
    n_sims: int
    seed: int
    power: float
    mc_se: float
    mean_estimate_pp: float
    sd_estimate_pp: float
    mean_se_pp: float
    mean_analysed_treatment: float
    mean_analysed_control: float
    n_undefined: int
    analytic_power: float
    seconds: float
    outcome: str | None = None
    title = "Simulated power"

    def sentence(self, lang: Lang = "en") -> str:
        """E.g. 'In 10000 simulated trials (seed 1) with 73 and 78 participants, …'."""
        lang = check_lang(lang, error=PowerRequestError)
        who = text.participants(self.arms.n_treatment, self.arms.n_control, self.assumptions, lang)
        where = text.from_rate(self.control_rate, self.outcome, lang)
        direction = "increase" if self.effect_pp >= 0 else "decrease"
        change = text.pp(abs(self.effect_pp), lang, decimals=None)
        word = text.WORDS[direction][lang]
        got = text.percent(self.power, lang, decimals=1)
        mc = text.pp(100 * self.mc_se, lang)
        analytic = text.percent(self.analytic_power, lang, decimals=1)
        sided = text.WORDS[f"sided_{self.assumptions.sides}"][lang]
        alpha = text.general(self.assumptions.alpha, lang)
        return message("labels.power.sentences.simulation", lang, n_sims=self.n_sims,
                       seed=self.seed, who=who, alpha=alpha, direction=word, change=change,
                       where=where, got=got, mc=mc, sided=sided, analytic=analytic)  # fmt: skip

    def tidy(self) -> pd.DataFrame:
        """One row: simulated and analytic power, Monte Carlo SE and the simulation settings."""
        return pd.DataFrame([self._row()])

    def _row(self) -> dict:
        return {
            "power": self.power,
            "mc_se": self.mc_se,
            "analytic_power": self.analytic_power,
            "n_sims": self.n_sims,
            "seed": self.seed,
            "effect_pp": self.effect_pp,
            "control_rate": self.control_rate,
            "mean_estimate_pp": self.mean_estimate_pp,
            "sd_estimate_pp": self.sd_estimate_pp,
            "mean_se_pp": self.mean_se_pp,
            "n_treatment": self.arms.n_treatment,
            "n_control": self.arms.n_control,
            "mean_analysed_treatment": self.mean_analysed_treatment,
            "mean_analysed_control": self.mean_analysed_control,
            "n_covariates": self.n_covariates,
            "r2": self.assumptions.r2,
            "attrition": self.assumptions.attrition,
            "attrition_slope": self.attrition_slope,
            "alpha": self.assumptions.alpha,
            "sides": self.assumptions.sides,
            "n_undefined": self.n_undefined,
            "seconds": self.seconds,
            "outcome": self.outcome,
        }

    def to_dict(self) -> dict:
        """JSON-ready: settings, simulated and analytic power, and both sentences."""
        out = _plain({"solve_for": "power_simulated", **self._row()})
        out["sentence"] = {"en": self.sentence("en"), "sv": self.sentence("sv")}
        return out


def _whole(name: str, value: float) -> int:
    if not math.isclose(value, round(value)):
        raise PowerRequestError(f"{name}: got {value:g} — simulation needs whole participants")
    return int(round(value))


def _z_statistics(estimate: np.ndarray, se: np.ndarray) -> np.ndarray:
    """estimate / se; ±inf for a non-zero estimate with zero SE, 0 for 0/0, NaN if undefined."""
    z = np.full(estimate.shape, np.nan)
    positive = se > 0
    z[positive] = estimate[positive] / se[positive]
    zero = se == 0
    z[zero] = np.where(estimate[zero] == 0, 0.0, np.sign(estimate[zero]) * np.inf)
    return z


def _simulated_arms(arms: Arms, n: int | None) -> tuple[int, int]:
    """Whole numbers randomised per arm: as given, or ``n`` split by the ratio."""
    if n is None:
        return _whole("n_treatment", arms.n_treatment), _whole("n_control", arms.n_control)
    total = _whole("n", arms.total)
    n1 = int(round(arms.n_treatment))
    return n1, total - n1


@dataclass(frozen=True)
class _TrialModel:
    """The data-generating model of one simulated trial (see the module docstring)."""

    treated: np.ndarray
    n_covariates: int
    mu: np.ndarray
    slope: float
    attrition: float
    attrition_intercept: float
    attrition_slope: float

    def draw(self, rng: np.random.Generator, trials: int) -> ITTDraws:
        """Draw ``trials`` trials (covariates, outcomes, who is missing) and analyse them."""
        total, k = len(self.treated), self.n_covariates
        x = rng.standard_normal((trials, total, k)) if k else None
        index = x.sum(axis=2) / math.sqrt(k) if k else np.zeros((trials, total))
        prob = ndtr(self.mu[self.treated.astype(int)] + self.slope * index)
        y = (rng.random((trials, total)) < prob).astype(float)
        observed = None
        if self.attrition > 0:
            missing = expit(self.attrition_intercept + self.attrition_slope * index)
            observed = rng.random((trials, total)) >= missing
        return itt_hc2(y, self.treated, x, observed)


def _trial_model(
    n1: int,
    n0: int,
    p0: float,
    p1: float,
    assumptions: Assumptions,
    k: int,
    slope_attr: float,
) -> _TrialModel:
    """Check the covariate settings and set the probit and attrition models' constants."""
    if k == 0 and (assumptions.r2 > 0 or slope_attr != 0):
        raise PowerRequestError(
            "r2 and attrition_slope describe covariates: give n_covariates ≥ 1 to use them"
        )
    b = probit_slope(p0, assumptions.r2)
    return _TrialModel(
        treated=np.r_[np.ones(n1), np.zeros(n0)],
        n_covariates=k,
        mu=(np.array([ndtri(p0), ndtri(p1)]) * math.sqrt(1.0 + b * b)).clip(-40, 40),
        slope=b,
        attrition=assumptions.attrition,
        attrition_intercept=attrition_intercept(assumptions.attrition, slope_attr),
        attrition_slope=slope_attr,
    )


@dataclass
class _Tally:
    """Running sums over the simulated trials (in the order they are drawn)."""

    rejections: int = 0
    undefined: int = 0
    est_sum: float = 0.0
    est_sq: float = 0.0
    se_sum: float = 0.0
    analysed_treatment: float = 0.0
    analysed_control: float = 0.0

    def add(self, draws: ITTDraws, reject: np.ndarray, defined: np.ndarray) -> None:
        """Count one chunk of trials."""
        self.rejections += int((reject & defined).sum())
        self.undefined += int((~defined).sum())
        est = draws.estimate[defined]
        self.est_sum += float(est.sum())
        self.est_sq += float((est**2).sum())
        self.se_sum += float(draws.se[defined & np.isfinite(draws.se)].sum())
        self.analysed_treatment += float(draws.n_treatment.sum())
        self.analysed_control += float(draws.n_control.sum())

    def sd_estimate(self, n_def: int) -> float:
        """Standard deviation of the defined estimates (``n_def`` of them, at least 1)."""
        mean_est = self.est_sum / n_def
        return math.sqrt(max(self.est_sq / n_def - mean_est**2, 0.0) * n_def / max(n_def - 1, 1))


def _run_trials(
    model: _TrialModel, assumptions: Assumptions, sims: int, sign: float, seed: int
) -> _Tally:
    """Simulate and test ``sims`` trials in chunks that bound memory; tally the results."""
    rng = np.random.default_rng(seed)
    per_trial = len(model.treated) * (model.n_covariates + 2)
    chunk = max(1, min(sims, _CHUNK_ELEMENTS // per_trial))
    z_crit = float(ndtri(1.0 - assumptions.alpha / assumptions.sides))
    tally = _Tally()
    for first in range(0, sims, chunk):
        draws = model.draw(rng, min(chunk, sims - first))
        z = _z_statistics(draws.estimate, draws.se)
        if assumptions.sides == 2:
            reject = np.abs(z) > z_crit
        else:
            reject = sign * z > z_crit
        tally.add(draws, reject, ~np.isnan(z))
    return tally


def simulate_power(
    n_treatment: int | None = None,
    n_control: int | None = None,
    *,
    control_rate: float,
    effect_pp: float,
    n: int | None = None,
    ratio: float = 1.0,
    alpha: float = 0.05,
    sides: Sides = 2,
    n_covariates: int = 0,
    r2: float = 0.0,
    attrition: float = 0.0,
    attrition_slope: float = 0.0,
    n_sims: int = 10_000,
    seed: int = DEFAULT_SEED,
    outcome: str | None = None,
) -> SimulationResult:
    """Estimate power by simulating trials analysed with the ITT difference and HC2 SE.

    Parameters
    ----------
    n_treatment, n_control : int, optional
        Participants randomised per arm (or ``n`` and ``ratio = n_control / n_treatment``).
    control_rate : float
        Control-arm rate, in (0, 1).
    effect_pp : float
        True ITT effect in percentage points (0 estimates the size of the test).
    alpha, sides
        Significance level; two-sided or one-sided in the direction of the effect.
    n_covariates : int
        Number of baseline covariates generated and adjusted for.
    r2 : float
        Share of the control outcome's variance the covariates explain (needs covariates).
    attrition : float
        Average share of outcomes missing, in [0, 1).
    attrition_slope : float
        Log-odds change in missingness per SD of the prognostic index (needs covariates);
        0 means missing completely at random.
    n_sims : int
        Number of simulated trials.
    seed : int
        Seed for :func:`numpy.random.default_rng`.
    outcome : str, optional
        Outcome id or label for the sentence.

    Returns
    -------
    SimulationResult
        Share of trials rejecting (the simulated power), its Monte Carlo standard error
        ``sqrt(p (1 − p) / n_sims)``, and the analytic (unpooled) power for comparison.
    """
    assumptions = Assumptions(
        alpha=alpha, sides=sides, method="unpooled", r2=r2, attrition=attrition
    )
    n1, n0 = _simulated_arms(Arms.from_request(n_treatment, n_control, n, ratio), n)
    p0 = check_rate("control_rate", control_rate)
    effect = check_finite("effect_pp", effect_pp)
    p1 = treatment_rate(p0, effect)
    k = int(check_in("n_covariates", n_covariates, 0, 1e6, closed_low=True))
    slope_attr = check_finite("attrition_slope", attrition_slope)
    sims = int(check_in("n_sims", n_sims, 1, 1e9, closed_low=True))
    model = _trial_model(n1, n0, p0, p1, assumptions, k, slope_attr)
    started = time.perf_counter()
    tally = _run_trials(model, assumptions, sims, 1.0 if effect >= 0 else -1.0, seed)
    seconds = time.perf_counter() - started
    power_hat = tally.rejections / sims
    n_def = max(sims - tally.undefined, 1)
    return SimulationResult(
        arms=Arms(n1, n0),
        assumptions=assumptions,
        control_rate=p0,
        effect_pp=effect,
        n_covariates=model.n_covariates,
        attrition_slope=model.attrition_slope,
        n_sims=sims,
        seed=int(seed),
        power=power_hat,
        mc_se=math.sqrt(power_hat * (1.0 - power_hat) / sims),
        mean_estimate_pp=100.0 * (tally.est_sum / n_def),
        sd_estimate_pp=100.0 * tally.sd_estimate(n_def),
        mean_se_pp=100.0 * tally.se_sum / n_def,
        mean_analysed_treatment=tally.analysed_treatment / sims,
        mean_analysed_control=tally.analysed_control / sims,
        n_undefined=tally.undefined,
        analytic_power=power_at(Arms(n1, n0), assumptions, p0, effect),
        seconds=seconds,
        outcome=outcome,
    )
