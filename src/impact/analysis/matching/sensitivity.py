"""Sensitivity of the register comparison to what matching cannot see.

For every specification of :func:`~impact.analysis.matching.register_comparison`:

* **E-values** (:mod:`.evalues`) of each estimate (difference at study end, adjusted, DiD)
  and of its confidence limit closer to no effect. Employment is a share, so the difference
  ``RD`` is put on the risk-ratio scale with the comparison group's matched rate ``p0`` in the
  end month: ``RR = (p0 + RD) / p0`` (limits likewise, ``p0`` fixed; for the DiD this reads
  the difference as a change in the end-month risk). Wage income is a mean difference: it is
  standardised by the comparison group's weighted SD in the end month and converted with
  ``RR = exp(0.91 d)`` (VanderWeele & Ding 2017).
* **Rosenbaum bounds** (:mod:`.rosenbaum`) on the end-month outcome of the matched sets —
  only for specifications that form sets of one member and its own controls (nearest
  neighbour or propensity matching without replacement); exact and CEM cells hold several
  members, and matching with replacement shares controls, so they get a note instead.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from impact.errors import ImpactError
from impact.i18n import Lang, check_lang, message
from impact.i18n.numbers import decimal

from .evalues import EValueResult, e_value
from .rosenbaum import RosenbaumResult, rosenbaum_bounds

#: Columns of :func:`sensitivity_table`.
SENSITIVITY_COLUMNS = [
    "specification",
    "estimator",
    "estimate",
    "ci_lower",
    "ci_upper",
    "baseline",
    "rr",
    "rr_lower",
    "rr_upper",
    "e_value",
    "e_value_ci",
    "bounds_method",
    "n_sets",
    "gamma_critical",
    "p_upper_gamma_1",
]


@dataclass(frozen=True)
class Sensitivity:
    """E-values and Rosenbaum bounds of one specification.

    Attributes
    ----------
    evalues : EValueResult or None
        One row per estimator (``label`` = estimator); ``None`` with ``note`` when the
        baseline does not allow the conversion (comparison rate 0 or 1, SD 0).
    bounds : RosenbaumResult or None
        ``None`` with ``note`` when the specification has no one-member matched sets.
    baseline : float
        ``p0`` (employment) or the comparison group's SD (wage income) in the end month.
    note : str
    """

    evalues: EValueResult | None
    bounds: RosenbaumResult | None
    baseline: float
    note: str = ""


def _weighted(values: np.ndarray, weights: np.ndarray) -> tuple[float, float]:
    mean = float(np.sum(weights * values) / weights.sum())
    sd = float(np.sqrt(np.sum(weights * (values - mean) ** 2) / weights.sum()))
    return mean, sd


def _evalues(estimates: pd.DataFrame, baseline: float, share: bool) -> EValueResult:
    est = estimates["estimate"].to_numpy(float)
    lower, upper = estimates["ci_lower"].to_numpy(float), estimates["ci_upper"].to_numpy(float)
    labels = estimates["estimator"].astype(str).tolist()
    if share:
        return e_value(est, lower, upper, measure="RD", baseline_risk=baseline, labels=labels)
    return e_value(est / baseline, lower / baseline, upper / baseline, measure="SMD", labels=labels)


def specification_sensitivity(
    panel: pd.DataFrame,
    persons: pd.DataFrame,
    estimates: pd.DataFrame,
    *,
    spec_method: str,
    replace: bool,
    end_month: int,
    share: bool,
    level: float,
) -> Sensitivity:
    """E-values of ``estimates`` and Rosenbaum bounds of the end-month matched sets."""
    end = panel[(panel["month"] == end_month) & (panel["weight"] > 0)]
    controls = end[end["treated"] == 0]
    p0, sd = _weighted(controls["y"].to_numpy(float), controls["weight"].to_numpy(float))
    baseline = p0 if share else sd
    notes = []
    try:
        evalues = _evalues(estimates, baseline, share)
    except ImpactError as error:
        evalues = None
        notes.append(f"no E-values: {error}")
    bounds = None
    if spec_method in ("nearest", "propensity") and not replace:
        sets = end[["person_id", "treated", "y"]].merge(
            persons[["person_id", "subclass"]], on="person_id", how="left"
        )
        try:
            bounds = rosenbaum_bounds(sets.dropna(subset=["subclass"]), alpha=1.0 - level)
        except ImpactError as error:
            notes.append(f"no Rosenbaum bounds: {error}")
    else:
        notes.append(
            "no Rosenbaum bounds: they need matched sets of one member and its own controls "
            "(nearest neighbour or propensity matching without replacement)"
        )
    return Sensitivity(evalues, bounds, baseline, "; ".join(notes))


def sensitivity_table(specifications: dict) -> pd.DataFrame:
    """One row per matched specification × estimator (:data:`SENSITIVITY_COLUMNS`)."""
    rows = []
    for name, result in specifications.items():
        sens: Sensitivity | None = result.sensitivity
        if sens is None:
            continue
        bounds = sens.bounds
        extra = {
            "bounds_method": bounds.method if bounds else pd.NA,
            "n_sets": bounds.n_sets if bounds else pd.NA,
            "gamma_critical": bounds.gamma_critical if bounds else np.nan,
            "p_upper_gamma_1": float(bounds.table["p_upper"].iloc[0]) if bounds else np.nan,
        }
        ev = sens.evalues.tidy().set_index("label") if sens.evalues is not None else None
        for row in result.estimates.itertuples(index=False):
            found = ev.loc[row.estimator] if ev is not None else None
            rows.append(
                {
                    "specification": name,
                    "estimator": row.estimator,
                    "estimate": row.estimate,
                    "ci_lower": row.ci_lower,
                    "ci_upper": row.ci_upper,
                    "baseline": sens.baseline,
                    **{
                        k: (float(found[k]) if found is not None else np.nan)
                        for k in ("rr", "rr_lower", "rr_upper", "e_value", "e_value_ci")
                    },
                    **extra,
                }
            )
    out = pd.DataFrame(rows, columns=SENSITIVITY_COLUMNS)
    for column in ("specification", "estimator", "bounds_method"):
        out[column] = out[column].astype("string")
    out["n_sets"] = out["n_sets"].astype("Int64")
    return out


def sensitivity_sentence(table: pd.DataFrame, lang: Lang = "en") -> str:
    """Plain-language reading of the main specification's end-of-study estimate."""
    check_lang(lang)
    main = table[(table["specification"] == "main") & (table["estimator"] == "end_difference")]
    if main.empty or pd.isna(main["e_value"].iloc[0]):
        return message("labels.sensitivity.none", lang)
    row = main.iloc[0]
    text = message("labels.sensitivity.evalue", lang, e=decimal(row["e_value"], 2, lang))
    if row["e_value_ci"] > 1.0:
        e_ci = decimal(row["e_value_ci"], 2, lang)
        text += " " + message("labels.sensitivity.evalue_ci", lang, e_ci=e_ci)
    else:
        text += " " + message("labels.sensitivity.evalue_ci_null", lang)
    gamma = row["gamma_critical"]
    if pd.isna(row["bounds_method"]):
        key, values = "labels.sensitivity.no_bounds", {}
    elif np.isnan(gamma):
        key, values = "labels.sensitivity.gamma_none", {}
    elif np.isinf(gamma):
        key, values = "labels.sensitivity.gamma_large", {}
    else:
        key, values = "labels.sensitivity.gamma", {"gamma": decimal(gamma, 2, lang)}
    return f"{text} {message(key, lang, **values)}"
