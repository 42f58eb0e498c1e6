"""Kaplan–Meier curves of time to first job, by group, with pointwise confidence intervals.

The estimate and its Greenwood standard error come from statsmodels'
:class:`~statsmodels.duration.survfunc.SurvfuncRight`; the confidence intervals use the same
transformations as R's ``survival::survfit`` (``conf.type``): ``"log"`` (R's default,
``S·exp(±z·se(log S))``), ``"log-log"`` (on ``log(−log S)``) and ``"plain"`` (``S ± z·se(S)``,
clipped to [0, 1]). The *cumulative share employed* is ``1 − S(t)`` with the interval flipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.duration.survfunc import SurvfuncRight

from impact.errors import AnalysisError
from impact.results import Result
from impact.validation import check_choice, check_level

ConfType = Literal["log", "log-log", "plain"]
CURVE_COLUMNS = [
    "group",
    "time",
    "n_risk",
    "n_events",
    "n_censored",
    "survival",
    "std_error",
    "ci_lower",
    "ci_upper",
    "employed_share",
    "employed_lower",
    "employed_upper",
]


def _intervals(
    surv: np.ndarray, se_log: np.ndarray, z: float, conf_type: str
) -> tuple[np.ndarray, np.ndarray]:
    """Pointwise CI of S(t) as in ``survfit`` (S = 0 or S = 1 give a degenerate interval)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if conf_type == "plain":
            se = surv * se_log
            lower, upper = surv - z * se, surv + z * se
        elif conf_type == "log":
            lower, upper = surv * np.exp(-z * se_log), surv * np.exp(z * se_log)
        else:
            loglog = np.log(-np.log(surv))
            se = se_log / np.abs(np.log(surv))
            lower = np.exp(-np.exp(loglog + z * se))
            upper = np.exp(-np.exp(loglog - z * se))
    degenerate = (surv <= 0.0) | (surv >= 1.0) | ~np.isfinite(se_log)
    lower = np.where(degenerate, surv, lower)
    upper = np.where(degenerate, surv, upper)
    return np.clip(lower, 0.0, 1.0), np.clip(upper, 0.0, 1.0)


def km_curve(
    time: np.ndarray, event: np.ndarray, *, confidence_level: float = 0.95, conf_type: str = "log"
) -> pd.DataFrame:
    """Kaplan–Meier table of one group at every distinct time (events or censorings).

    Parameters
    ----------
    time, event : array
        Event or censoring times and 1/0 event indicators.
    confidence_level : float
        Level of the pointwise intervals.
    conf_type : {"log", "log-log", "plain"}
        Transformation of the interval (as ``survfit``'s ``conf.type``).

    Returns
    -------
    DataFrame
        ``time``, ``n_risk``, ``n_events``, ``n_censored``, ``survival``, ``std_error``
        (standard error of S, Greenwood), ``ci_lower``, ``ci_upper``.
    """
    check_choice("conf_type", conf_type, ConfType)
    z = stats.norm.ppf(0.5 + check_level(confidence_level, "confidence_level") / 2.0)
    time = np.asarray(time, float)
    event = np.asarray(event, int)
    if len(time) == 0:
        raise AnalysisError("Kaplan–Meier curve: the group has no analysed people")
    fit = SurvfuncRight(time, event)
    times = np.unique(time)
    n_risk = np.array([(time >= t).sum() for t in times])
    n_events = np.array([((time == t) & (event == 1)).sum() for t in times])
    n_censored = np.array([((time == t) & (event == 0)).sum() for t in times])
    # Carry the estimate at the last event time forward to every distinct time.
    event_times = np.append(-np.inf, fit.surv_times)
    idx = np.searchsorted(event_times, times, side="right") - 1
    surv = np.append(1.0, fit.surv_prob)[idx]
    se = np.append(0.0, fit.surv_prob_se)[idx]
    with np.errstate(divide="ignore", invalid="ignore"):
        se_log = np.where(surv > 0, se / surv, np.inf)
    lower, upper = _intervals(surv, se_log, z, conf_type)
    return pd.DataFrame(
        {
            "time": times,
            "n_risk": n_risk,
            "n_events": n_events,
            "n_censored": n_censored,
            "survival": surv,
            "std_error": se,
            "ci_lower": lower,
            "ci_upper": upper,
        }
    )


def step_at(curve: pd.DataFrame, months: np.ndarray) -> pd.DataFrame:
    """Evaluate a :func:`km_curve` table (right-continuous step function) at ``months``."""
    months = np.asarray(months, float)
    idx = np.searchsorted(curve["time"].to_numpy(float), months, side="right") - 1
    out = pd.DataFrame({"month": months})
    for column in ("survival", "std_error", "ci_lower", "ci_upper"):
        values = curve[column].to_numpy(float)
        start = 1.0 if column in ("survival", "ci_lower", "ci_upper") else 0.0
        out[column] = np.where(idx >= 0, values[np.maximum(idx, 0)], start)
    # At risk at month m: everyone whose time is ≥ m, i.e. n_risk of the first time ≥ m.
    risk = curve["n_risk"].to_numpy()
    after = np.searchsorted(curve["time"].to_numpy(float), months, side="left")
    out["n_risk"] = np.where(after < len(risk), risk[np.minimum(after, len(risk) - 1)], 0)
    return out


@dataclass(frozen=True)
class KaplanMeier(Result):
    """Kaplan–Meier curves by group.

    Attributes
    ----------
    curves : DataFrame
        :data:`CURVE_COLUMNS`, one row per group and distinct time.
    confidence_level : float
    conf_type : str
    """

    curves: pd.DataFrame
    confidence_level: float = 0.95
    conf_type: str = "log"
    title: str = "Kaplan–Meier: time to first job"

    def tidy(self) -> pd.DataFrame:
        """The curve table (:data:`CURVE_COLUMNS`)."""
        return self.curves[CURVE_COLUMNS].copy()

    def at(self, months) -> pd.DataFrame:
        """Cumulative share employed at ``months`` by group, with the interval.

        Returns
        -------
        DataFrame
            ``group``, ``month``, ``n_risk``, ``employed_share``, ``std_error``,
            ``ci_lower``, ``ci_upper``.
        """
        parts = []
        for group, curve in self.curves.groupby("group", sort=False):
            s = step_at(curve, np.asarray(months, float))
            parts.append(
                pd.DataFrame(
                    {
                        "group": group,
                        "month": s["month"],
                        "n_risk": s["n_risk"].astype(int),
                        "employed_share": 1.0 - s["survival"],
                        "std_error": s["std_error"],
                        "ci_lower": 1.0 - s["ci_upper"],
                        "ci_upper": 1.0 - s["ci_lower"],
                    }
                )
            )
        return pd.concat(parts, ignore_index=True)


def kaplan_meier(
    persons: pd.DataFrame,
    *,
    time: str = "time",
    confidence_level: float = 0.95,
    conf_type: ConfType = "log",
) -> KaplanMeier:
    """Kaplan–Meier curves by ``group`` of the analysed people of :func:`job_times`.

    Parameters
    ----------
    persons : DataFrame
        Output of :func:`~impact.analysis.timing.episodes.job_times` (``included`` rows used).
    time : str
        Column with the event/censoring time (e.g. a bound from ``bound_times``).
    confidence_level : float
        Level of the pointwise intervals.
    conf_type : {"log", "log-log", "plain"}
        Interval transformation, as ``survfit``'s ``conf.type``.

    Returns
    -------
    KaplanMeier
    """
    used = persons[persons["included"]]
    if used.empty:
        raise AnalysisError("time to job: nobody is left to analyse (see the exclusion counts)")
    parts = []
    for group, rows in used.groupby("group", sort=True):
        curve = km_curve(
            rows[time].to_numpy(float),
            rows["event"].to_numpy(int),
            confidence_level=confidence_level,
            conf_type=conf_type,
        )
        curve.insert(0, "group", group)
        parts.append(curve)
    curves = pd.concat(parts, ignore_index=True)
    curves["employed_share"] = 1.0 - curves["survival"]
    curves["employed_lower"] = 1.0 - curves["ci_upper"]
    curves["employed_upper"] = 1.0 - curves["ci_lower"]
    curves["group"] = curves["group"].astype("string")
    return KaplanMeier(curves[CURVE_COLUMNS], float(confidence_level), conf_type)
