"""Associations between each step component and getting a job — *not* causal effects.

For each component c (e.g. ``improved_cv``), among people with both c and the job outcome
observed, both arms pooled:

    got_job = α + β·c + γ·treatment + stratum FE + covariates + ε

β (linear probability model, HC2 SEs, or CR2 with a cluster) is the difference in the
probability of a job between people with and without the component, holding arm, stratum and
covariates fixed; the logit average marginal effect of c is the robustness column. Components
are measured after randomisation and are not randomised themselves, so β is an association
(confounding and reverse causation are possible). Holm and Benjamini–Hochberg adjustments are
applied across the family of components.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from impact.errors import InputError
from impact.results import Result
from impact.validation import check_level

from .design import (
    SeType,
    analysed_sample,
    drop_collinear,
    outcome_values,
    require_columns,
    resolve_se_type,
    warn,
)
from .models import ESTIMATE_COLUMNS, coefficient, fit_ols, logit_ame, missing_coefficient
from .multiple import PAdjustMethod, adjust_pvalues

COLUMNS = [
    "component",
    "outcome",
    *ESTIMATE_COLUMNS,
    "outcome_share_with",
    "outcome_share_without",
    "n",
    "n_with",
    "logit_ame",
    "logit_ame_se",
    "logit_ame_p",
    "note",
]


@dataclass(frozen=True)
class ComponentsResult(Result):
    """Association of each component with the job outcome, with adjusted p-values."""

    table: pd.DataFrame
    outcome: str = "got_job"
    title: str = "Step components and getting a job (associations, not causal effects)"

    def tidy(self) -> pd.DataFrame:
        """One row per component (see :data:`COLUMNS` plus ``<method>_p`` adjustments)."""
        return self.table.copy()


def _component(data, component, job, *, arm, covariates, strata, se_type, cluster, level, logit):
    x_all = outcome_values(data, component)
    sample = analysed_sample(
        data, job, arm=arm, covariates=covariates, strata=strata, cluster=cluster,
        extra_mask=~np.isnan(x_all),
    )  # fmt: skip
    x = x_all[sample.rows]
    y = sample.y
    notes = list(sample.notes)
    base = {
        "component": component,
        "outcome": job,
        "n": sample.n,
        "n_with": int(x.sum()),
        "outcome_share_with": float(y[x == 1].mean()) if x.any() else np.nan,
        "outcome_share_without": float(y[x == 0].mean()) if (x == 0).any() else np.nan,
    }
    reason = ""
    if sample.n == 0 or np.all(x == x[0]):
        reason = "component has one value in every analysed row"
    elif np.all(y == y[0]):
        reason = f"{job} has one value in every analysed row"
    if reason:
        warn(f"component {component!r}: {reason}; association not estimable")
        c = missing_coefficient(reason)
        return (
            base
            | c.columns()
            | {"logit_ame": np.nan, "logit_ame_se": np.nan, "logit_ame_p": np.nan, "note": reason}
        )
    design = pd.concat(
        [
            pd.DataFrame(
                {"(Intercept)": 1.0, component: x, "treatment": sample.z},
                index=sample.covariates.index,
            ),
            sample.strata,
            sample.covariates,
        ],
        axis=1,
    )
    design = drop_collinear(design, 2, notes)
    c = coefficient(fit_ols(y, design, se_type, sample.cluster), component, level)
    ame = logit_ame(y, design, component, level) if logit else missing_coefficient("")
    note = "; ".join(n for n in (*notes, c.note, ame.note) if n)
    return (
        base
        | c.columns()
        | {
            "logit_ame": ame.estimate,
            "logit_ame_se": ame.std_error,
            "logit_ame_p": ame.p_value,
            "note": note,
        }
    )


def component_associations(
    data: pd.DataFrame,
    components: Sequence[str],
    *,
    outcome: str = "got_job",
    arm: str = "arm",
    covariates: Sequence[str] = (),
    strata: str | None = "stratum",
    se_type: SeType | None = None,
    cluster: str | None = None,
    methods: Sequence[PAdjustMethod] = ("holm", "fdr_bh"),
    logit: bool = True,
    confidence_level: float = 0.95,
) -> ComponentsResult:
    """Associate each step component with the job outcome (LPM and logit AME).

    Parameters
    ----------
    data : DataFrame
        Indicator table.
    components : sequence of str
        Boolean component columns (the family for the multiple-testing adjustment).
    outcome : str
        The job outcome (default ``got_job``).
    arm, strata : str
        Arm and stratum columns (both are controlled for).
    covariates : sequence of str
        Additive baseline covariates.
    se_type : {"HC0", "HC1", "HC2", "HC3", "CR2", "stata"}, optional
        Robust covariance of the LPM: default ``"HC2"``, or ``"CR2"`` with ``cluster``.
    cluster : str, optional
        Cluster column (cluster-randomised designs).
    methods : sequence of str
        p-value adjustments across components (statsmodels names).
    logit : bool
        Add the logit AME columns.
    confidence_level : float
        Level of the t-based intervals.

    Returns
    -------
    ComponentsResult
    """
    se_type = resolve_se_type(se_type, cluster)
    level = check_level(confidence_level, "confidence_level")
    if not components:
        raise InputError("component_associations: give at least one component column")
    if outcome in components:
        raise InputError(f"component_associations: {outcome!r} is both outcome and component")
    require_columns(data, [*components, outcome, *covariates, strata, cluster], "analysis")
    rows = [
        _component(
            data,
            c,
            outcome,
            arm=arm,
            covariates=covariates,
            strata=strata,
            se_type=se_type,
            cluster=cluster,
            level=level,
            logit=logit,
        )
        for c in components
    ]
    table = pd.DataFrame(rows, columns=COLUMNS)
    adjusted = adjust_pvalues(
        pd.Series(table["p_value"].to_numpy(), index=table["component"]),
        methods=methods,
        family="components_job",
    ).tidy()
    for m in methods:
        table.insert(table.columns.get_loc("note"), f"{m}_p", adjusted[f"{m}_p"].to_numpy())
    return ComponentsResult(table, outcome)
