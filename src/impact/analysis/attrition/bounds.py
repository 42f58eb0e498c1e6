"""Lee (2009) trimming bounds on the ITT under non-random attrition.

**Lee bounds** assume monotonicity (assignment moves response in one direction only). The arm
with the higher observed share ``q`` contains extra respondents, a share ``p = 1 − q_low/q_high``
of its respondents; trimming that share from the top (bottom) of its outcome distribution gives
the lower (upper) bound of the effect for people who respond whatever their arm. Trimming is
*fractional*: the trimmed mean keeps exactly ``(1 − p)·r`` units of mass and the observation at
the cut-off enters with the fraction of its mass that is kept. For 0/1 outcomes this is what
makes the bounds informative — trimming whole observations at a quantile removes nothing when the
quantile is 0 or 1 (ties), so naive quantile trimming collapses to the unadjusted difference.
For continuous outcomes without ties it equals the usual quantile trimming (up to the share of
one observation at the cut-off).

Standard errors: ``analytic`` uses Lee (2009, Proposition 3) for continuous outcomes — the
trimmed-mean variance, the quantile term and the variance of the estimated trimming share — and
the delta method on the multinomial cell shares for binary outcomes (where the quantile is at a
tie and Proposition 3 does not apply); ``bootstrap`` resamples people within arm (seeded).
Confidence intervals: ``imbens_manski`` covers the *effect* with the stated probability
(Imbens & Manski 2004); ``bounds`` covers the whole identified interval
(``[lower − z·se_lower, upper + z·se_upper]``).

Tightening (Lee 2009, section 3.3): with a discrete baseline covariate known for everyone (e.g.
gender), trimming shares and bounds are computed within each cell and averaged with the cell
shares of the less-attrited arm's respondents (the always-responders under monotonicity).
Analytic SEs of tightened continuous bounds treat the cell weights as fixed; binary ones use the
delta method over all cells. Manski (worst-case) bounds are in :mod:`.manski`; the trimming
arithmetic and the analytic SEs are in :mod:`._trimming`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from impact.errors import AnalysisError, InputError, Problem
from impact.results import Result

from ._common import (
    SOURCE,
    arm_indicator,
    bootstrap_within_arm,
    check_count,
    check_option,
    check_probability,
    outcome_values,
    require_columns,
)
from ._intervals import CiMethod, interval
from ._trimming import binary_se, continuous_se, lee_point

SeMethod = Literal["analytic", "bootstrap"]


@dataclass(repr=False)
class LeeBounds(Result):
    """Lee (2009) bounds on the ITT for always-responders.

    Attributes
    ----------
    outcome, outcome_type : str
        Outcome and ``binary`` / ``continuous``.
    trimmed_arm : str
        Arm whose respondents were trimmed (``treatment``, ``control``; ``none`` if equal).
    trimming_share : float
        ``p = 1 − q_low / q_high`` overall.
    n_assigned_treatment, n_assigned_control, n_observed_treatment, n_observed_control : int
        Randomised and observed counts.
    naive, lower, upper : float
        Unadjusted difference among respondents and the bounds.
    se_lower, se_upper, ci_lower, ci_upper : float
        Standard errors of the bounds and the confidence interval (of method ``ci_method``).
    effect_ci_lower, effect_ci_upper, bounds_ci_lower, bounds_ci_upper : float
        Both intervals whatever ``ci_method``: the Imbens–Manski interval for the effect
        (Stata ``leebounds … , cieffect``) and the interval for the identified set.
    se_method, ci_method : str
        How SEs and CI were computed.
    confidence_level : float
    tighten_by : str or None
        Covariate whose cells tightened the bounds.
    cells : DataFrame
        cell, weight, trimming_share, lower, upper (one row when not tightened).
    n_bootstrap, n_failed, seed : int or None
        Bootstrap settings (None when analytic).
    reversed_cells : list of str
        Tightening cells where the other arm responds more (response moves in the other
        direction there; trimmed with p = 0 — Stata ``leebounds`` warns "tightening may fail").
    """

    outcome: str
    outcome_type: str
    trimmed_arm: str
    trimming_share: float
    n_assigned_treatment: int
    n_assigned_control: int
    n_observed_treatment: int
    n_observed_control: int
    naive: float
    lower: float
    upper: float
    se_lower: float
    se_upper: float
    ci_lower: float
    ci_upper: float
    effect_ci_lower: float
    effect_ci_upper: float
    bounds_ci_lower: float
    bounds_ci_upper: float
    se_method: str
    ci_method: str
    confidence_level: float
    tighten_by: str | None
    cells: pd.DataFrame
    n_bootstrap: int | None
    n_failed: int | None
    seed: int | None
    reversed_cells: list[str] = field(default_factory=list)
    title = "Lee bounds"

    def tidy(self) -> pd.DataFrame:
        """One row with the bounds, SEs, CI, trimming share and settings."""
        fields = [
            "outcome", "outcome_type", "trimmed_arm", "trimming_share", "n_assigned_treatment",
            "n_assigned_control", "n_observed_treatment", "n_observed_control", "naive",
            "lower", "upper", "se_lower", "se_upper", "ci_lower", "ci_upper", "effect_ci_lower",
            "effect_ci_upper", "bounds_ci_lower", "bounds_ci_upper", "se_method", "ci_method",
            "confidence_level", "tighten_by",
        ]  # fmt: skip
        return pd.DataFrame([{f: getattr(self, f) for f in fields}])

    def summary(self) -> str:
        """One line with naive difference, bounds and CI."""
        tight = f", tightened by {self.tighten_by}" if self.tighten_by else ""
        if self.reversed_cells:
            tight += f"; response direction reversed in cell(s) {', '.join(self.reversed_cells)}"
        return (
            f"{self.title} for {self.outcome} ({self.outcome_type}{tight}): trim "
            f"{self.trimming_share:.1%} of {self.trimmed_arm} respondents; naive "
            f"{self.naive:+.3f}, bounds [{self.lower:+.3f}, {self.upper:+.3f}], "
            f"{self.confidence_level:.0%} CI [{self.ci_lower:+.3f}, {self.ci_upper:+.3f}] "
            f"({self.ci_method}, {self.se_method} SE)"
        )


def _cells(data: pd.DataFrame, tighten_by: str | None) -> tuple[np.ndarray, list]:
    if tighten_by is None:
        return np.zeros(len(data), dtype=object), [0]
    require_columns(data, [tighten_by], "tightening the Lee bounds")
    column = data[tighten_by]
    if column.isna().any():
        raise InputError(
            f"'{tighten_by}' is missing for some people; tightening needs it for everyone",
            [
                Problem(
                    source=SOURCE,
                    column=tighten_by,
                    value=f"{int(column.isna().sum())} missing",
                    expected="a value for every randomised person (e.g. from randomisation)",
                )
            ],
        )
    values = column.astype("string").to_numpy(dtype=object)
    levels = sorted(pd.unique(values))
    if len(levels) > 20:
        raise InputError(
            f"'{tighten_by}' has too many categories to tighten the bounds",
            [
                Problem(
                    source=SOURCE,
                    column=tighten_by,
                    value=f"{len(levels)} categories",
                    expected="a discrete covariate with at most 20 categories",
                )
            ],
        )
    return values, levels


def _bootstrap_se(
    y: np.ndarray,
    obs: np.ndarray,
    treat: np.ndarray,
    cells: np.ndarray,
    levels: list,
    n_bootstrap: int,
    seed: int,
    outcome: str,
) -> tuple[float, float, int]:
    """Bootstrap SEs of the bounds (people resampled within arm) and the failed replicates."""

    def bounds_of(idx: np.ndarray) -> tuple[float, float]:
        b = lee_point(y[idx], obs[idx], treat[idx], cells[idx], levels)
        return b["lower"], b["upper"]

    draws, n_failed = bootstrap_within_arm(treat, n_bootstrap, seed, bounds_of)
    if len(draws) < max(10, n_bootstrap // 2):
        raise AnalysisError(
            f"Lee bounds bootstrap for '{outcome}': {n_failed} of {n_bootstrap} replicates "
            "had an empty cell; tighten by a coarser covariate."
        )
    se_lower, se_upper = np.asarray(draws).std(axis=0, ddof=1)
    return se_lower, se_upper, n_failed


def lee_bounds(
    data: pd.DataFrame,
    *,
    outcome: str,
    tighten_by: str | None = None,
    se_method: SeMethod = "analytic",
    ci: CiMethod = "imbens_manski",
    confidence_level: float = 0.95,
    n_bootstrap: int = 1000,
    seed: int = 0,
) -> LeeBounds:
    """Compute Lee (2009) bounds on the ITT for ``outcome``.

    Parameters
    ----------
    data : DataFrame
        Indicator table: everyone randomised, ``arm`` and the outcome (``pd.NA`` when not
        observed: the person is an attriter for this outcome).
    outcome : str
        Boolean/0-1 (binary) or numeric (continuous) outcome.
    tighten_by : str, optional
        Discrete covariate known for everyone (e.g. ``gender``) to tighten the bounds.
    se_method : {"analytic", "bootstrap"}
        Analytic (Lee 2009 / delta method) or bootstrap standard errors.
    ci : {"imbens_manski", "bounds"}
        CI for the effect (Imbens–Manski) or for the identified interval.
    confidence_level : float
        Confidence level.
    n_bootstrap : int
        Bootstrap replicates (``se_method="bootstrap"``).
    seed : int
        Bootstrap seed.

    Returns
    -------
    LeeBounds

    Examples
    --------
    Treated 100 assigned / 80 respond / 40 ones, control 100 / 70 / 28: trimming share 0.125,
    bounds [0.0286, 0.1714], naive 0.10.
    """
    check_option("se_method", se_method, SeMethod)
    check_option("ci", ci, CiMethod)
    check_probability("confidence_level", confidence_level)
    treat = arm_indicator(data)
    y, obs, binary = outcome_values(data, outcome)
    for arm, name in ((1, "treatment"), (0, "control")):
        if obs[treat == arm].sum() < 2:
            raise AnalysisError(f"Lee bounds for '{outcome}': fewer than two {name} respondents.")
    cells, levels = _cells(data, tighten_by)
    point = lee_point(y, obs, treat, cells, levels)
    n_failed = None
    if se_method == "bootstrap":
        check_count("n_bootstrap", n_bootstrap, 10)
        se_lower, se_upper, n_failed = _bootstrap_se(
            y, obs, treat, cells, levels, n_bootstrap, seed, outcome
        )
    elif binary:
        se_lower, se_upper = binary_se(y, obs, treat, cells, levels, point["trimmed"])
    else:
        se_lower, se_upper = continuous_se(y, obs, treat, cells, levels, point)
    bounds = (point["lower"], point["upper"], se_lower, se_upper, confidence_level)
    both = {method: interval(*bounds, method) for method in ("imbens_manski", "bounds")}
    ci_lower, ci_upper = both[ci]
    trimmed_arm = "none" if point["p"] == 0 else ("treatment" if point["trimmed"] else "control")
    return LeeBounds(
        outcome=outcome,
        outcome_type="binary" if binary else "continuous",
        trimmed_arm=trimmed_arm,
        trimming_share=point["p"],
        n_assigned_treatment=int(treat.sum()),
        n_assigned_control=int((1 - treat).sum()),
        n_observed_treatment=int(obs[treat == 1].sum()),
        n_observed_control=int(obs[treat == 0].sum()),
        naive=point["naive"],
        lower=point["lower"],
        upper=point["upper"],
        se_lower=float(se_lower),
        se_upper=float(se_upper),
        ci_lower=float(ci_lower),
        ci_upper=float(ci_upper),
        effect_ci_lower=float(both["imbens_manski"][0]),
        effect_ci_upper=float(both["imbens_manski"][1]),
        bounds_ci_lower=float(both["bounds"][0]),
        bounds_ci_upper=float(both["bounds"][1]),
        se_method=se_method,
        ci_method=ci,
        confidence_level=confidence_level,
        tighten_by=tighten_by,
        cells=point["cells"][["cell", "weight", "trimming_share", "lower", "upper"]],
        n_bootstrap=n_bootstrap if se_method == "bootstrap" else None,
        n_failed=n_failed,
        seed=seed if se_method == "bootstrap" else None,
        reversed_cells=[
            str(c.cell) for c in point["cells"].itertuples() if c.q_other > c.q_trimmed
        ],
    )
