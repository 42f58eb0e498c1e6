"""E-values (VanderWeele & Ding 2017): how strong unmeasured confounding would have to be.

The E-value of an estimate is the minimum strength of association, on the risk-ratio scale,
that an unmeasured confounder would need to have with both the treatment and the outcome,
conditional on the measured covariates, to explain the estimate away fully; the E-value of the
confidence limit closer to the null is the strength needed to move the interval to include 1.

For a risk ratio ``RR > 1``: ``E = RR + sqrt(RR × (RR − 1))``; for ``RR < 1`` the same on
``1/RR`` (VanderWeele & Ding 2017, eq. 1). Other measures are first put on the risk-ratio
scale (VanderWeele & Ding 2017, Table 2 and §4):

``RR``
    as it is;
``OR``
    rare outcome (< 15 %): ``RR ≈ OR``; common outcome: ``RR ≈ sqrt(OR)``;
``HR``
    rare outcome: ``RR ≈ HR``; common outcome:
    ``RR ≈ (1 − 0.5^sqrt(HR)) / (1 − 0.5^sqrt(1/HR))``;
``RD``
    a risk difference with the comparison group's risk ``p0`` (``baseline_risk``): the risk
    ratio of the two group risks, ``RR = (p0 + RD) / p0``; the confidence limits are converted
    the same way with ``p0`` held fixed. (This is the "via the risk ratio from the group rates"
    route; the EValue package's ``evalues.RD`` instead bounds the difference from the cell
    counts, Ding & VanderWeele 2016.)
``SMD``
    a standardised mean difference ``d`` (mean difference / outcome SD) with standard error
    ``s``: ``RR ≈ exp(0.91 d)``, limits ``exp(0.91 d ∓ 1.78 s)`` (VanderWeele & Ding 2017,
    §4, after Hasselblad & Hedges 1995).

If the confidence interval (on the risk-ratio scale) includes 1, the E-value of the interval is
1: no confounding is needed to make the result compatible with no effect.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from impact.errors import InputError
from impact.results import Result

Measure = Literal["RR", "OR", "HR", "RD", "SMD"]
MEASURES: tuple[str, ...] = ("RR", "OR", "HR", "RD", "SMD")
EVALUE_COLUMNS = [
    "label",
    "measure",
    "estimate",
    "ci_lower",
    "ci_upper",
    "rr",
    "rr_lower",
    "rr_upper",
    "e_value",
    "e_value_ci",
]


@dataclass(frozen=True)
class EValueResult(Result):
    """E-values of one or more estimates (one row each, see :data:`EVALUE_COLUMNS`).

    Attributes
    ----------
    table : DataFrame
        ``label``, ``measure``, the estimate and its limits on their own scale, the risk
        ratio and its limits (``rr``, ``rr_lower``, ``rr_upper``), ``e_value`` (of the
        estimate) and ``e_value_ci`` (of the confidence limit closer to the null).
    conversion : str
        How the measure was put on the risk-ratio scale.
    """

    table: pd.DataFrame
    conversion: str
    title: str = "E-values (VanderWeele & Ding 2017)"

    def tidy(self) -> pd.DataFrame:
        """One row per estimate."""
        return self.table.copy()

    def summary(self) -> str:
        """One line per estimate in plain language."""
        lines = [self.title, f"Conversion to the risk-ratio scale: {self.conversion}."]
        for row in self.table.itertuples(index=False):
            lines.append(
                f"  {row.label}: RR {row.rr:.3g}; an unmeasured confounder associated with both "
                f"group and outcome by a risk ratio of {row.e_value:.2f} each could explain "
                f"the estimate away, and one of {row.e_value_ci:.2f} could move the "
                "confidence interval to include no effect."
            )
        return "\n".join(lines)


def e_value_rr(rr: float | np.ndarray) -> np.ndarray:
    """The E-value of a risk ratio (VanderWeele & Ding 2017, eq. 1); ``inf`` at 0 or ``inf``."""
    rr = np.asarray(rr, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        flipped = np.where(rr < 1.0, 1.0 / rr, rr)
        out = flipped + np.sqrt(flipped * (flipped - 1.0))
    return np.where(np.isnan(rr), np.nan, out)


def e_value_limit(rr: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """The E-value of the confidence limit closer to the null (1 when the CI includes 1)."""
    rr, lower, upper = (np.asarray(v, dtype=float) for v in (rr, lower, upper))
    limit = np.where(rr >= 1.0, lower, upper)
    crosses = np.where(rr >= 1.0, lower <= 1.0, upper >= 1.0)
    out = np.where(crosses, 1.0, e_value_rr(limit))
    return np.where(np.isnan(limit) | np.isnan(rr), np.nan, out)


def _hr_common(hr: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return (1.0 - 0.5 ** np.sqrt(hr)) / (1.0 - 0.5 ** np.sqrt(1.0 / hr))


def to_risk_ratio(
    values: np.ndarray,
    measure: Measure,
    *,
    rare: bool = False,
    baseline_risk: np.ndarray | None = None,
) -> np.ndarray:
    """Put estimates (or limits) of ``measure`` on the risk-ratio scale (see the module)."""
    v = np.asarray(values, dtype=float)
    if measure == "RR":
        return v
    if measure == "OR":
        return v if rare else np.sqrt(v)
    if measure == "HR":
        return v if rare else _hr_common(v)
    if measure == "RD":
        p0 = np.asarray(baseline_risk, dtype=float)
        return np.maximum(p0 + v, 0.0) / p0
    return np.exp(0.91 * v)


def _conversion_text(measure: str, rare: bool) -> str:
    return {
        "RR": "none (already a risk ratio)",
        "OR": "RR = OR (rare outcome)" if rare else "RR = sqrt(OR) (common outcome)",
        "HR": "RR = HR (rare outcome)"
        if rare
        else "RR = (1 - 0.5^sqrt(HR)) / (1 - 0.5^sqrt(1/HR)) (common outcome)",
        "RD": "RR = (p0 + RD) / p0 with p0 the comparison group's risk, limits likewise",
        "SMD": "RR = exp(0.91 d), limits exp(0.91 d -/+ 1.78 SE(d))",
    }[measure]


def _as_array(value, n: int, name: str) -> np.ndarray:
    if value is None:
        return np.full(n, np.nan)
    out = np.atleast_1d(np.asarray(value, dtype=float))
    if out.size == 1 and n > 1:
        out = np.full(n, float(out[0]))
    if out.size != n:
        raise InputError(f"e_value: {name} has {out.size} values, expected {n} (one per estimate)")
    return out


def _check(measure: str, est, lower, upper, p0, se) -> None:
    if measure not in MEASURES:
        raise InputError(f"e_value: measure must be one of {', '.join(MEASURES)}; got {measure!r}")
    if measure in ("RR", "OR", "HR"):
        values = np.concatenate([est, lower[~np.isnan(lower)], upper[~np.isnan(upper)]])
        if (values <= 0).any():
            raise InputError(f"e_value: a {measure} must be positive; got {values.min():g}")
    if measure == "RD" and (np.isnan(p0).any() or ((p0 <= 0) | (p0 >= 1)).any()):
        raise InputError(
            "e_value: a risk difference needs baseline_risk, the comparison group's risk "
            "strictly between 0 and 1 (e.g. 0.35)"
        )


def e_value(
    estimate: float | Sequence[float],
    ci_lower: float | Sequence[float] | None = None,
    ci_upper: float | Sequence[float] | None = None,
    *,
    measure: Measure = "RR",
    rare: bool = False,
    baseline_risk: float | Sequence[float] | None = None,
    std_error: float | Sequence[float] | None = None,
    labels: Sequence[str] | None = None,
) -> EValueResult:
    """E-values for estimates and their confidence limits (VanderWeele & Ding 2017).

    Parameters
    ----------
    estimate, ci_lower, ci_upper : float or sequence of float
        The estimates and their confidence limits on the scale of ``measure``.
    measure : {"RR", "OR", "HR", "RD", "SMD"}
        Risk ratio, odds ratio, hazard ratio, risk difference (needs ``baseline_risk``) or
        standardised mean difference (limits from ``std_error`` when not given).
    rare : bool
        OR and HR only: the outcome is rare (< 15 %), so they approximate the risk ratio.
    baseline_risk : float or sequence, optional
        RD only: the comparison group's risk ``p0`` of each estimate.
    std_error : float or sequence, optional
        SMD only: standard error of ``d`` (limits ``exp(0.91 d ∓ 1.78 SE)``).
    labels : sequence of str, optional
        Row labels (default ``estimate_1`` …).

    Returns
    -------
    EValueResult

    Examples
    --------
    >>> e_value(3.9, 1.8, 8.7).tidy()[["e_value", "e_value_ci"]].round(2).to_numpy().tolist()
    [[7.26, 3.0]]
    """
    est = np.atleast_1d(np.asarray(estimate, dtype=float))
    n = est.size
    lower, upper = _as_array(ci_lower, n, "ci_lower"), _as_array(ci_upper, n, "ci_upper")
    p0, se = _as_array(baseline_risk, n, "baseline_risk"), _as_array(std_error, n, "std_error")
    _check(measure, est, lower, upper, p0, se)
    if measure == "SMD" and not np.isnan(se).all():
        lower = np.where(np.isnan(lower), est - 1.78 / 0.91 * se, lower)
        upper = np.where(np.isnan(upper), est + 1.78 / 0.91 * se, upper)
    rr, rr_lo, rr_hi = (
        to_risk_ratio(v, measure, rare=rare, baseline_risk=p0) for v in (est, lower, upper)
    )
    names = list(labels) if labels is not None else [f"estimate_{i + 1}" for i in range(n)]
    if len(names) != n:
        raise InputError(f"e_value: {len(names)} labels for {n} estimates")
    table = pd.DataFrame(
        {
            "label": pd.array(names, dtype="string"),
            "measure": pd.array([measure] * n, dtype="string"),
            "estimate": est,
            "ci_lower": lower,
            "ci_upper": upper,
            "rr": rr,
            "rr_lower": rr_lo,
            "rr_upper": rr_hi,
            "e_value": e_value_rr(rr),
            "e_value_ci": e_value_limit(rr, rr_lo, rr_hi),
        }
    )
    return EValueResult(table, _conversion_text(measure, rare))
