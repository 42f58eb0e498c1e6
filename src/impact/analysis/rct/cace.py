"""The effect on those who take part when offered: CACE / LATE by two-stage least squares.

Random assignment (the offer) is the instrument for take-up (e.g. ``started``). For each
binary outcome, on the rows with an observed outcome and a known take-up:

    y = α + β·d + W'γ + e,   d instrumented by z,   W = stratum dummies + covariates,

as ``estimatr::iv_robust(y ~ d + W | z + W)``, with HC2 standard errors (``n − k`` degrees of
freedom) or, with a cluster, CR2 with Satterthwaite degrees of freedom (:mod:`.iv`,
:mod:`.cr2`). β is the complier average causal effect (Angrist, Imbens & Rubin 1996): the
effect among those who take part when offered and not otherwise, valid under the exclusion
restriction (the offer acts only through taking part) and monotonicity (no one takes part
*because* they were not offered). Beside it: the ITT of the same model (the reduced form,
``itt_estimate = β × complier_share``, with its SE, p and CI from the same covariance type),
the first stage (``complier_share``: how much the
offer raises take-up) and its robust F statistic (weak when below 10), and the complier
characteristics of :mod:`.compliers`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from impact.errors import InputError
from impact.results import Result
from impact.validation import check_level

from .cace_checks import checked_take_up, first_stage_exists
from .compliers import complier_means
from .design import (
    SeType,
    analysed_sample,
    drop_collinear,
    require_columns,
    resolve_se_type,
    strata_codes,
    treatment_indicator,
    warn,
)
from .iv import fit_2sls
from .models import t_inference

#: A first-stage F below this is reported as a weak instrument (Staiger & Stock 1997).
WEAK_F = 10.0

#: The inference columns of a coefficient, in :data:`COLUMNS` order.
INFERENCE_KEYS = ("estimate", "std_error", "statistic", "df", "p_value", "conf_low", "conf_high")
#: The reduced-form (ITT) numbers reported beside the CACE, as ``itt_<key>``.
ITT_KEYS = ("estimate", "std_error", "p_value", "conf_low", "conf_high")

COLUMNS = [
    "outcome",
    "estimate",
    "std_error",
    "statistic",
    "df",
    "p_value",
    "conf_low",
    "conf_high",
    "first_stage_f",
    "complier_share",
    "itt_estimate",
    "itt_std_error",
    "itt_p_value",
    "itt_conf_low",
    "itt_conf_high",
    "weak_instrument",
    "n",
    "n_treatment",
    "n_control",
    "take_up_treatment",
    "take_up_control",
    "se_type",
    "adjusted_for",
    "note",
]


@dataclass(frozen=True)
class CaceResult(Result):
    """CACE per outcome (:data:`COLUMNS`) and the complier characteristics."""

    table: pd.DataFrame
    compliers: pd.DataFrame
    confidence_level: float
    se_type: str
    take_up: str
    notes: tuple[str, ...] = field(default=())
    title: str = "Effect on those who take part when offered (CACE)"

    def tidy(self) -> pd.DataFrame:
        """One row per outcome with stable column names (see :data:`COLUMNS`)."""
        return self.table.copy()

    def summary(self) -> str:
        """CACE, ITT, first stage and the weak-instrument flag per outcome; complier means."""
        level = round(100 * self.confidence_level)
        lines = [f"{self.title} (take-up: {self.take_up}; {self.se_type} SEs, {level}% CI)"]
        for r in self.table.itertuples():
            if np.isnan(r.estimate):
                lines.append(f"  {r.outcome:<24} NA ({r.note})")
                continue
            weak = "  WEAK first stage" if r.weak_instrument else ""
            lines.append(
                f"  {r.outcome:<24} CACE {100 * r.estimate:+6.1f} pp "
                f"[{100 * r.conf_low:+.1f}, {100 * r.conf_high:+.1f}]  p = {r.p_value:.3f}  "
                f"ITT {100 * r.itt_estimate:+.1f} pp  compliers {100 * r.complier_share:.0f}%  "
                f"F = {r.first_stage_f:.1f}{weak}  n = {r.n}"
            )
        if len(self.compliers):
            lines.append("Baseline means: everyone vs compliers (Abadie's kappa)")
            for r in self.compliers.itertuples():
                name = f"{r.covariate}={r.level}" if r.level else r.covariate
                lines.append(f"  {name:<24} {r.sample_mean:8.3f} {r.complier_mean:8.3f}")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        """The rows, the complier characteristics and the settings as plain values."""
        comp = self.compliers.astype(object).where(self.compliers.notna(), None)
        return super().to_dict() | {
            "compliers": comp.to_dict(orient="records"),
            "take_up": self.take_up,
            "se_type": self.se_type,
            "confidence_level": self.confidence_level,
            "notes": list(self.notes),
        }

    def _repr_html_(self) -> str:
        table = self.compliers.to_html(index=False, float_format=lambda v: f"{v:.4g}")
        return super()._repr_html_() + "\n<h5>Complier characteristics</h5>\n" + table


def _missing_row(base: dict, note: str) -> dict:
    nan = float("nan")
    keys = INFERENCE_KEYS
    fill = ("first_stage_f", "complier_share", "itt_estimate", "itt_std_error", "itt_p_value",
            "itt_conf_low", "itt_conf_high")  # fmt: skip
    return base | dict.fromkeys(keys + fill, nan) | {"weak_instrument": False, "note": note}


def _inference(est: float, se: float, df: float, level: float) -> dict:
    c = t_inference(est, se, df, level)
    return {key: getattr(c, key) for key in INFERENCE_KEYS}


def _one_outcome(data, outcome, d_all, *, arm, covariates, strata, cluster, se_type, level):
    """The CACE row of one outcome."""
    sample = analysed_sample(
        data, outcome, arm=arm, covariates=covariates, strata=strata, cluster=cluster,
        extra_mask=~np.isnan(d_all),
    )  # fmt: skip
    d, z = d_all[sample.rows], sample.z
    notes = list(sample.notes)
    exog = pd.concat(
        [pd.DataFrame({"(Intercept)": 1.0}, index=sample.covariates.index), sample.strata,
         sample.covariates], axis=1,
    )  # fmt: skip
    exog = drop_collinear(exog, 1, notes)
    base = {
        "outcome": outcome,
        "n": sample.n,
        "n_treatment": sample.n_treatment,
        "n_control": sample.n_control,
        "take_up_treatment": float(d[z == 1].mean()) if sample.n_treatment else np.nan,
        "take_up_control": float(d[z == 0].mean()) if sample.n_control else np.nan,
        "se_type": se_type,
        "adjusted_for": ", ".join(exog.columns[1:]),
    }
    problem = ""
    if sample.n_treatment == 0 or sample.n_control == 0:
        problem = "an arm has no analysed rows"
    elif np.all(sample.y == sample.y[0]):
        problem = f"outcome has one value ({sample.y[0]:g}) in every analysed row"
    elif np.all(d == d[0]) or not first_stage_exists(z, d, exog):
        problem = "take-up does not differ between the arms in the analysed rows"
    elif exog.shape[1] + 1 >= sample.n:
        problem = "more regressors than analysed rows"
    if problem:
        warn(f"CACE of {outcome!r}: {problem}; reported as missing")
        return _missing_row(base, "; ".join([*notes, problem]))
    fit = fit_2sls(sample.y, d, z, exog.to_numpy(dtype=float), se_type, sample.cluster)
    weak = bool(fit.first_stage_f < WEAK_F)
    if weak:
        notes.append(f"weak first stage: F = {fit.first_stage_f:.1f} (below {WEAK_F:g})")
    itt = _inference(fit.reduced_form, fit.reduced_form_se, fit.reduced_form_df, level)
    effect = _inference(float(fit.params[1]), float(fit.bse[1]), float(fit.df[1]), level)
    return (
        base
        | effect
        | {"first_stage_f": fit.first_stage_f, "complier_share": fit.first_stage}
        | {f"itt_{key}": itt[key] for key in ITT_KEYS}
        | {"weak_instrument": weak, "note": "; ".join(notes)}
    )


def _compliers(data, d_all, z_all, strata, covariates) -> pd.DataFrame:
    """Complier characteristics on every randomised row with a known take-up."""
    known = ~np.isnan(d_all)
    codes = strata_codes(data, strata)[known]
    return complier_means(data.iloc[np.flatnonzero(known)], z_all[known], d_all[known], codes,
                          covariates)  # fmt: skip


def cace(
    data: pd.DataFrame,
    *,
    outcomes: Sequence[str],
    take_up: str = "started",
    arm: str = "arm",
    covariates: Sequence[str] = (),
    strata: str | None = "stratum",
    cluster: str | None = None,
    se_type: SeType | None = None,
    confidence_level: float = 0.95,
) -> CaceResult:
    """Estimate the effect on those who take part when offered (CACE / LATE) by 2SLS.

    Parameters
    ----------
    data : DataFrame
        One row per randomised person.
    outcomes : sequence of str
        Boolean outcome columns (``pd.NA`` = not observed; those rows are left out).
    take_up : str
        Boolean column: did the person take part (e.g. ``started``)? Rows where it is missing
        are left out (with a note). Control-group members who took part are crossovers.
    arm : str
        Column with ``treatment`` / ``control``: the instrument.
    covariates : sequence of str
        Baseline covariates (exogenous regressors; also the complier characteristics).
    strata : str or None
        Randomisation stratum column (fixed effects; the κ weights use per-stratum shares).
    cluster : str or None
        Cluster column for cluster-randomised designs.
    se_type : {"HC0", "HC1", "HC2", "HC3", "CR2", "stata"}, optional
        Default ``"HC2"``, or ``"CR2"`` with a cluster (as ``estimatr::iv_robust``).
    confidence_level : float
        Level of the t-based intervals.

    Returns
    -------
    CaceResult

    Raises
    ------
    InputError
        Missing or non-boolean take-up column, other missing columns, invalid options.
    AnalysisError
        Take-up has one value for everyone, or the offer does not change take-up (no first
        stage).
    """
    se_type = resolve_se_type(se_type, cluster)
    level = check_level(confidence_level, "confidence_level")
    if not outcomes:
        raise InputError("cace: give at least one outcome column")
    require_columns(data, [*outcomes, *covariates, strata, cluster], "analysis")
    z_all = treatment_indicator(data, arm)
    d_all, notes = checked_take_up(data, take_up, z_all, arm)
    rows = [
        _one_outcome(data, o, d_all, arm=arm, covariates=covariates, strata=strata,
                     cluster=cluster, se_type=se_type, level=level)
        for o in outcomes
    ]  # fmt: skip
    table = pd.DataFrame(rows, columns=COLUMNS)
    compliers = _compliers(data, d_all, z_all, strata, covariates)
    notes += sorted({n for n in table["note"] if n})
    return CaceResult(table, compliers, level, se_type, take_up, tuple(notes))
