"""Intention-to-treat effects: linear probability models, Lin adjustment, logit AME.

For each binary outcome, the rows with an observed outcome are analysed as randomised (ITT
among respondents). Specifications:

``unadjusted``
    y ~ treatment (+ stratum fixed effects when ``strata`` is given).
``additive``
    y ~ treatment + covariates (+ stratum fixed effects).
``lin``
    Lin (2013): y ~ treatment + x̃ + treatment·x̃ with covariates (and stratum dummies, when
    stratified) centred at the analysed-sample mean, as ``estimatr::lm_lin``.
``logit_ame``
    Robustness: logit of y on treatment, covariates and strata; average marginal effect of
    treatment (delta-method SE, normal CI); missing with a note under separation.

SEs are HC2 by default with t inference on n − k degrees of freedom (``estimatr``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from impact.errors import InputError
from impact.results import Result
from impact.validation import check_choice, check_level

from .design import (
    Adjustment,
    SeType,
    analysed_sample,
    drop_collinear,
    require_columns,
    resolve_se_type,
    treatment_indicator,
    warn,
)
from .models import Coefficient, coefficient, fit_ols, logit_ame, missing_coefficient

INTERCEPT = "(Intercept)"
TREAT = "treatment"

COLUMNS = [
    "outcome",
    "specification",
    "estimate",
    "std_error",
    "statistic",
    "df",
    "p_value",
    "conf_low",
    "conf_high",
    "estimate_pp",
    "conf_low_pp",
    "conf_high_pp",
    "control_mean",
    "treatment_mean",
    "n",
    "n_treatment",
    "n_control",
    "se_type",
    "adjusted_for",
    "note",
]


def design_matrix(
    z: np.ndarray,
    covariates: pd.DataFrame,
    strata: pd.DataFrame,
    adjustment: Adjustment,
    notes: list[str] | None = None,
) -> pd.DataFrame:
    """Build the regression design for one adjustment (intercept and treatment first).

    Parameters
    ----------
    z : ndarray
        Treatment indicator (1 treatment, 0 control).
    covariates, strata : DataFrame
        Covariate and stratum-dummy blocks for the analysed rows.
    adjustment : {"unadjusted", "additive", "lin"}
        Which specification.
    notes : list of str, optional
        Receives a note per column dropped as collinear.
    """
    index = covariates.index
    base = pd.DataFrame({INTERCEPT: np.ones(len(z)), TREAT: z}, index=index)
    if adjustment == "unadjusted":
        frame = pd.concat([base, strata], axis=1)
    elif adjustment == "additive":
        frame = pd.concat([base, strata, covariates], axis=1)
    else:
        xs = pd.concat([strata, covariates], axis=1)
        xs = drop_collinear(pd.concat([base[[INTERCEPT]], xs], axis=1), 1, notes).iloc[:, 1:]
        centred = xs - xs.mean(axis=0)
        inter = centred.mul(z, axis=0).add_prefix(f"{TREAT}:")
        frame = pd.concat([base, centred, inter], axis=1)
    return drop_collinear(frame, 2, notes)


@dataclass(frozen=True)
class IttResult(Result):
    """ITT estimates, one row per outcome × specification (see :data:`COLUMNS`)."""

    table: pd.DataFrame
    confidence_level: float
    se_type: str
    notes: tuple[str, ...] = field(default=())
    title: str = "Intention-to-treat effects"

    def tidy(self) -> pd.DataFrame:
        """One row per outcome × specification with stable column names."""
        return self.table.copy()

    def estimate(self, outcome: str, specification: str = "unadjusted") -> pd.Series:
        """The row for one outcome and specification."""
        rows = self.table[
            (self.table["outcome"] == outcome) & (self.table["specification"] == specification)
        ]
        if rows.empty:
            raise KeyError(f"no estimate for outcome {outcome!r}, specification {specification!r}")
        return rows.iloc[0]

    def summary(self) -> str:
        """Effect in percentage points with CI and p-value per outcome and specification."""
        level = round(100 * self.confidence_level)
        lines = [f"{self.title} ({self.se_type} SEs, {level}% CI)"]
        for _, r in self.table.iterrows():
            if np.isnan(r["estimate"]):
                lines.append(f"  {r['outcome']:<30} {r['specification']:<11} NA ({r['note']})")
                continue
            lines.append(
                f"  {r['outcome']:<30} {r['specification']:<11} {r['estimate_pp']:+6.1f} pp "
                f"[{r['conf_low_pp']:+.1f}, {r['conf_high_pp']:+.1f}]  p = {r['p_value']:.3f}"
                f"  n = {r['n']}"
            )
        return "\n".join(lines)


def _row(outcome, spec, coef: Coefficient, sample, se_type, adjusted_for, note) -> dict:
    y, z = sample.y, sample.z
    return {
        "outcome": outcome,
        "specification": spec,
        "estimate": coef.estimate,
        "std_error": coef.std_error,
        "statistic": coef.statistic,
        "df": coef.df,
        "p_value": coef.p_value,
        "conf_low": coef.conf_low,
        "conf_high": coef.conf_high,
        "estimate_pp": 100 * coef.estimate,
        "conf_low_pp": 100 * coef.conf_low,
        "conf_high_pp": 100 * coef.conf_high,
        "control_mean": float(y[z == 0].mean()) if (z == 0).any() else np.nan,
        "treatment_mean": float(y[z == 1].mean()) if (z == 1).any() else np.nan,
        "n": sample.n,
        "n_treatment": sample.n_treatment,
        "n_control": sample.n_control,
        "se_type": se_type if spec != "logit_ame" else "delta",
        "adjusted_for": adjusted_for,
        "note": "; ".join(n for n in (coef.note, note) if n),
    }


def estimate_outcome(
    data: pd.DataFrame,
    outcome: str,
    *,
    arm: str,
    covariates: Sequence[str],
    strata: str | None,
    adjustments: Sequence[Adjustment],
    se_type: SeType,
    cluster: str | None,
    logit: bool,
    confidence_level: float,
) -> list[dict]:
    """All specifications for one outcome (rows of :class:`IttResult`)."""
    sample = analysed_sample(
        data, outcome, arm=arm, covariates=covariates, strata=strata, cluster=cluster
    )
    specs = list(adjustments) + (["logit_ame"] if logit else [])
    problem = ""
    if sample.n_treatment == 0 or sample.n_control == 0:
        problem = "an arm has no analysed rows"
    elif np.all(sample.y == sample.y[0]):
        problem = f"outcome has one value ({sample.y[0]:g}) in every analysed row: no test possible"
    if problem:
        warn(f"outcome {outcome!r}: {problem}; estimates reported as missing")
        return [
            _row(outcome, s, missing_coefficient(problem), sample, se_type, "", "") for s in specs
        ]
    rows = []
    shared_note = "; ".join(sample.notes)
    for spec in specs:
        notes: list[str] = []
        if spec == "logit_ame":
            design = design_matrix(sample.z, sample.covariates, sample.strata, "additive", notes)
            coef = logit_ame(sample.y, design, TREAT, confidence_level)
        else:
            design = design_matrix(sample.z, sample.covariates, sample.strata, spec, notes)
            if design.shape[1] >= sample.n:
                coef = missing_coefficient("more regressors than analysed rows")
            else:
                res = fit_ols(sample.y, design, se_type, sample.cluster)
                coef = coefficient(res, TREAT, confidence_level)
        adjusted = [c for c in design.columns if c not in (INTERCEPT, TREAT)]
        adjusted = [c for c in adjusted if not c.startswith(f"{TREAT}:")]
        note = "; ".join(n for n in (shared_note, *notes) if n)
        rows.append(_row(outcome, spec, coef, sample, se_type, ", ".join(adjusted), note))
    return rows


def itt(
    data: pd.DataFrame,
    outcomes: Sequence[str],
    *,
    arm: str = "arm",
    covariates: Sequence[str] = (),
    strata: str | None = "stratum",
    adjustments: Sequence[Adjustment] = ("unadjusted", "additive", "lin"),
    se_type: SeType | None = None,
    cluster: str | None = None,
    logit: bool = True,
    confidence_level: float = 0.95,
) -> IttResult:
    """Estimate intention-to-treat effects on binary outcomes.

    Parameters
    ----------
    data : DataFrame
        The indicator table: one row per randomised person.
    outcomes : sequence of str
        Boolean outcome columns (``pd.NA`` = not observed; those rows are left out).
    arm : str
        Column with ``treatment`` / ``control``.
    covariates : sequence of str
        Baseline covariates for the ``additive``, ``lin`` and ``logit_ame`` specifications.
    strata : str or None
        Randomisation stratum column; stratum fixed effects are added when given.
    adjustments : sequence of {"unadjusted", "additive", "lin"}
        Specifications to estimate. Without covariates, ``additive`` is skipped and ``lin``
        is kept only when there are strata.
    se_type : {"HC0", "HC1", "HC2", "HC3", "CR2", "stata"}, optional
        Robust SEs. Default: ``"HC2"``, or ``"CR2"`` (Bell–McCaffrey, Satterthwaite degrees of
        freedom) when ``cluster`` is given; ``"stata"`` is cluster-robust CR1. The
        cluster-robust types need ``cluster``.
    cluster : str or None
        Cluster column (for cluster-randomised designs).
    logit : bool
        Add the ``logit_ame`` robustness specification.
    confidence_level : float
        Level of the t-based intervals.

    Returns
    -------
    IttResult

    Raises
    ------
    InputError
        Missing columns, invalid options, non-binary outcomes, invalid arm codes.
    AnalysisError
        An arm has no randomised rows.
    """
    for a in adjustments:
        check_choice("adjustments", a, Adjustment)
    se_type = resolve_se_type(se_type, cluster)
    confidence_level = check_level(confidence_level, "confidence_level")
    if not outcomes:
        raise InputError("itt: give at least one outcome column")
    require_columns(data, [*outcomes, *covariates, strata, cluster], "analysis")
    treatment_indicator(data, arm)
    specs = [
        a
        for a in dict.fromkeys(adjustments)
        if covariates or a == "unadjusted" or (a == "lin" and strata is not None)
    ]
    rows: list[dict] = []
    for outcome in outcomes:
        rows += estimate_outcome(
            data,
            outcome,
            arm=arm,
            covariates=covariates,
            strata=strata,
            adjustments=specs,
            se_type=se_type,
            cluster=cluster,
            logit=logit,
            confidence_level=confidence_level,
        )
    table = pd.DataFrame(rows, columns=COLUMNS)
    notes = tuple(sorted({n for n in table["note"] if n}))
    return IttResult(table, confidence_level, se_type, notes)
