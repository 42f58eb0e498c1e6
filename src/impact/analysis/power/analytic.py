"""Analytic power, minimum detectable effect and sample size for a difference in two rates.

Solve for any one of: power (:func:`power`), the minimum detectable effect in percentage points
(:func:`mde`, in either or both directions) and the sample size (:func:`sample_size`). Sizes
``n_treatment``/``n_control`` (or ``n`` with ``ratio = n_control / n_treatment``) are the
numbers *enrolled*; with ``attrition`` the analysis is expected to keep ``n × (1 − attrition)``.
Covariate adjustment multiplies the variance by ``1 − r2`` and clustering by the design effect
``1 + ((cluster_cv² + 1) × cluster_size − 1) × icc`` (``1 + (cluster_size − 1) × icc`` for
clusters of equal size). For a cluster-randomised design give ``clusters`` (the total number)
instead of ``n``; :func:`sample_size` reports the clusters to enrol per arm.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import brentq

from impact.analysis.power.design import (
    DEFAULT_METHOD,
    DIRECTIONS,
    Arms,
    Assumptions,
    Direction,
    Method,
    PowerRequestError,
    Sides,
    check_finite,
    check_power_target,
    check_rate,
    check_ratio,
)
from impact.analysis.power.methods import cohens_h, power_of_test
from impact.analysis.power.results import (
    MDEResult,
    MinimumDetectable,
    PowerResult,
    SampleSizeResult,
)
from impact.validation import check_choice

_GRID_POINTS = 2001
_MAX_PER_ARM = 1e9


def treatment_rate(control_rate: float, effect_pp: float) -> float:
    """The treatment-arm rate ``control_rate + effect_pp / 100``, checked to lie in [0, 1].

    Raises
    ------
    PowerRequestError
        If the effect would push the rate below 0 or above 1.
    """
    rate = control_rate + effect_pp / 100.0
    if not -1e-12 <= rate <= 1.0 + 1e-12:
        raise PowerRequestError(
            f"effect_pp: got {effect_pp:g} — a change of {effect_pp:+g} percentage points from "
            f"a control rate of {100 * control_rate:g} % would give a rate of {100 * rate:g} %, "
            "outside 0–100 %"
        )
    return min(max(rate, 0.0), 1.0)


def power_under(
    assumptions: Assumptions,
    control_rate: float,
    treatment_rate: np.ndarray | float,
    n_treatment: float,
    n_control: float,
) -> np.ndarray:
    """:func:`power_of_test` with the test and variance factor taken from ``assumptions``."""
    return power_of_test(
        control_rate,
        treatment_rate,
        n_treatment,
        n_control,
        alpha=assumptions.alpha,
        sides=assumptions.sides,
        method=assumptions.method,
        variance_factor=assumptions.variance_factor,
    )


def power_at(arms: Arms, assumptions: Assumptions, control_rate: float, effect_pp: float) -> float:
    """Power for validated inputs (no checks): the number behind :func:`power`."""
    n1, n0 = arms.analysed(assumptions)
    return float(power_under(assumptions, control_rate, control_rate + effect_pp / 100.0, n1, n0))


def power(
    n_treatment: float | None = None,
    n_control: float | None = None,
    *,
    control_rate: float,
    effect_pp: float,
    n: float | None = None,
    ratio: float = 1.0,
    alpha: float = 0.05,
    sides: Sides = 2,
    method: Method = DEFAULT_METHOD,
    r2: float = 0.0,
    icc: float = 0.0,
    cluster_size: float = 1.0,
    attrition: float = 0.0,
    outcome: str | None = None,
    clusters: float | None = None,
    cluster_cv: float = 0.0,
) -> PowerResult:
    """Power to detect a change of ``effect_pp`` percentage points from ``control_rate``.

    Parameters
    ----------
    n_treatment, n_control : float, optional
        Participants enrolled per arm. Alternatively give ``n`` and ``ratio``.
    control_rate : float
        Rate in the control arm, a proportion in (0, 1).
    effect_pp : float
        Treatment minus control, in percentage points (negative for a fall; 0 gives alpha).
    n : float, optional
        Total enrolled, split by ``ratio``.
    ratio : float
        ``n_control / n_treatment`` when ``n`` is given.
    alpha : float
        Significance level.
    sides : {1, 2}
        Two-sided test, or one-sided in the direction of the effect.
    method : {"unpooled", "pooled", "arcsine"}
        Variance method; default ``"unpooled"`` (see :mod:`impact.analysis.power.methods`).
    r2 : float
        Outcome variance explained by covariates, in [0, 1).
    icc, cluster_size : float
        Intra-cluster correlation and average cluster size (design effect).
    attrition : float
        Expected share lost before the outcome is measured, in [0, 1).
    outcome : str, optional
        Outcome id or label used in the sentence (e.g. ``"got_job"``).
    clusters : float, optional
        Total number of clusters randomised (instead of ``n``): ``n = clusters × cluster_size``.
    cluster_cv : float
        Coefficient of variation of the cluster sizes (0: equal sizes).

    Returns
    -------
    PowerResult
    """
    assumptions = Assumptions(alpha, sides, method, r2, icc, cluster_size, attrition, cluster_cv)
    arms = Arms.from_request(n_treatment, n_control, n, ratio, clusters, cluster_size)
    p0 = check_rate("control_rate", control_rate)
    effect = check_finite("effect_pp", effect_pp)
    p1 = treatment_rate(p0, effect)
    return PowerResult(
        arms=arms,
        assumptions=assumptions,
        control_rate=p0,
        effect_pp=effect,
        treatment_rate=p1,
        cohens_h=float(cohens_h(p1, p0)),
        power=power_at(arms, assumptions, p0, effect),
        outcome=outcome,
    )


def _solve_mde(
    arms: Arms, assumptions: Assumptions, control_rate: float, target: float, sign: int
) -> MinimumDetectable:
    """Smallest effect (in the direction ``sign``) whose power reaches ``target``."""
    room = (1.0 - control_rate) if sign > 0 else control_rate
    grid = np.linspace(0.0, room, _GRID_POINTS)[1:]
    n1, n0 = arms.analysed(assumptions)

    def power_of(size: np.ndarray | float) -> np.ndarray:
        return power_under(
            assumptions, control_rate, control_rate + sign * np.asarray(size), n1, n0
        )

    powers = power_of(grid)
    reached = np.flatnonzero(powers >= target)
    word = "rise" if sign > 0 else "fall"
    if reached.size == 0:
        limit = "100 %" if sign > 0 else "0 %"
        raise PowerRequestError(
            f"no {word} from a control rate of {100 * control_rate:g} % is detectable with "
            f"power {target:g}: even a {word} to {limit} gives power {powers[-1]:.3f} with "
            f"{n1:g} and {n0:g} analysed — enrol more participants, lower the power or "
            "raise alpha"
        )
    first = int(reached[0])
    if first == 0:
        low = 0.0
    else:
        low = float(grid[first - 1])
    size = brentq(lambda s: float(power_of(s)) - target, low, float(grid[first]), xtol=1e-12)
    rate = control_rate + sign * size
    return MinimumDetectable(
        direction="increase" if sign > 0 else "decrease",
        mde_pp=100.0 * size,
        treatment_rate=rate,
        cohens_h=float(cohens_h(rate, control_rate)),
    )


def mde(
    n_treatment: float | None = None,
    n_control: float | None = None,
    *,
    control_rate: float,
    power: float = 0.8,
    direction: Direction = "both",
    n: float | None = None,
    ratio: float = 1.0,
    alpha: float = 0.05,
    sides: Sides = 2,
    method: Method = DEFAULT_METHOD,
    r2: float = 0.0,
    icc: float = 0.0,
    cluster_size: float = 1.0,
    attrition: float = 0.0,
    outcome: str | None = None,
    clusters: float | None = None,
    cluster_cv: float = 0.0,
) -> MDEResult:
    """Minimum detectable effect in percentage points from ``control_rate``.

    Parameters
    ----------
    n_treatment, n_control, n, ratio, alpha, sides, method, r2, icc, cluster_size, attrition,
    outcome, clusters, cluster_cv
        As in :func:`power`.
    control_rate : float
        Rate in the control arm, a proportion in (0, 1).
    power : float
        Target power, in (alpha, 1).
    direction : {"both", "increase", "decrease"}
        Which MDE to report: the smallest detectable rise, fall, or both.

    Returns
    -------
    MDEResult

    Raises
    ------
    PowerRequestError
        For invalid inputs, or when no effect within 0–100 % reaches the power.
    """
    assumptions = Assumptions(alpha, sides, method, r2, icc, cluster_size, attrition, cluster_cv)
    arms = Arms.from_request(n_treatment, n_control, n, ratio, clusters, cluster_size)
    p0 = check_rate("control_rate", control_rate)
    target = check_power_target(power, assumptions.alpha)
    check_choice("direction", direction, DIRECTIONS, error=PowerRequestError)
    signs = {"increase": (1,), "decrease": (-1,), "both": (1, -1)}[direction]
    found = tuple(_solve_mde(arms, assumptions, p0, target, sign) for sign in signs)
    return MDEResult(
        arms=arms,
        assumptions=assumptions,
        control_rate=p0,
        power=target,
        detectable=found,
        outcome=outcome,
    )


def _nonzero_effect(effect_pp: object) -> float:
    """``effect_pp`` checked to be a finite number other than 0."""
    effect = check_finite("effect_pp", effect_pp)
    if effect == 0:
        raise PowerRequestError(
            "effect_pp: got 0 — no sample size detects a zero effect; give the smallest effect "
            "worth detecting, in percentage points"
        )
    return effect


def _exact_per_treatment_arm(
    assumptions: Assumptions, p0: float, effect: float, allocation: float, target: float
) -> float:
    """The continuous treatment-arm size (analysed) whose power is exactly ``target``."""
    p1 = treatment_rate(p0, effect)

    def shortfall(n_t: float) -> float:
        return float(power_under(assumptions, p0, p1, n_t, allocation * n_t)) - target

    smallest = 1.0 / min(1.0, allocation)
    if shortfall(_MAX_PER_ARM) < 0:
        raise PowerRequestError(
            f"no sample size reaches power {target:g} for a change of {effect:+g} percentage "
            f"points from {100 * p0:g} % (method {assumptions.method!r})"
        )
    if shortfall(smallest) >= 0:
        return smallest
    return brentq(shortfall, smallest, _MAX_PER_ARM, xtol=1e-10, rtol=1e-14)


def sample_size(
    *,
    control_rate: float,
    effect_pp: float,
    power: float = 0.8,
    ratio: float = 1.0,
    alpha: float = 0.05,
    sides: Sides = 2,
    method: Method = DEFAULT_METHOD,
    r2: float = 0.0,
    icc: float = 0.0,
    cluster_size: float = 1.0,
    attrition: float = 0.0,
    outcome: str | None = None,
    cluster_cv: float = 0.0,
) -> SampleSizeResult:
    """Participants needed to detect ``effect_pp`` with the target ``power``.

    Parameters
    ----------
    control_rate, effect_pp, alpha, sides, method, r2, icc, cluster_size, attrition, outcome,
    cluster_cv
        As in :func:`power`; ``effect_pp`` must not be 0.
    power : float
        Target power, in (alpha, 1).
    ratio : float
        Allocation ratio ``n_control / n_treatment``.

    Returns
    -------
    SampleSizeResult
        The exact (continuous) solution, the whole numbers to analyse per arm, and the numbers to
        enrol given the expected attrition (and clusters, when ``cluster_size > 1``).
    """
    assumptions = Assumptions(alpha, sides, method, r2, icc, cluster_size, attrition, cluster_cv)
    allocation = check_ratio(ratio)
    p0 = check_rate("control_rate", control_rate)
    effect = _nonzero_effect(effect_pp)
    p1 = treatment_rate(p0, effect)
    target = check_power_target(power, assumptions.alpha)
    exact = _exact_per_treatment_arm(assumptions, p0, effect, allocation, target)
    analysed_t = math.ceil(exact - 1e-9)
    analysed_c = math.ceil(allocation * exact - 1e-9)
    keep = assumptions.retention
    enrol_t = math.ceil(analysed_t / keep - 1e-9)
    enrol_c = math.ceil(analysed_c / keep - 1e-9)
    achieved = float(power_under(assumptions, p0, p1, analysed_t, analysed_c))
    return SampleSizeResult(
        assumptions=assumptions,
        control_rate=p0,
        effect_pp=effect,
        treatment_rate=p1,
        cohens_h=float(cohens_h(p1, p0)),
        power=target,
        ratio=allocation,
        exact_treatment=exact,
        exact_control=allocation * exact,
        analysed_treatment=analysed_t,
        analysed_control=analysed_c,
        enrolled_treatment=enrol_t,
        enrolled_control=enrol_c,
        achieved_power=achieved,
        outcome=outcome,
    )
