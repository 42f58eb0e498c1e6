"""Effect heterogeneity by subgroup (gender by default): subgroup ITTs and an interaction test.

Model (one per outcome and subgroup variable g with levels l):

    y = Σ_l α_l·1[g = l] + Σ_l τ_l·z·1[g = l] + stratum FE + covariates + ε

so τ_l is the ITT within level l (covariate slopes shared), and H0: τ_l equal for all l is
tested with a Wald F-test using the robust (HC2 by default) covariance — with two levels this is
exactly the t-test of the z × g interaction in ``lm_robust(y ~ z * g + …)``. With a cluster
the covariance is CR2 and the test is the HTZ Wald test of ``clubSandwich::Wald_test``. Levels
with fewer than ``min_per_arm`` analysed people in either arm are left out with a note
(estimates in tiny groups are noise); rows with a missing subgroup value are left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from impact.errors import InputError
from impact.results import Result
from impact.validation import check_level

from .cr2 import ClusterFit, wald_test_htz
from .design import (
    SeType,
    analysed_sample,
    drop_collinear,
    require_columns,
    resolve_se_type,
    warn,
)
from .models import ESTIMATE_COLUMNS, coefficient, fit_ols

MAX_LEVELS = 10
EFFECT_COLUMNS = [
    "outcome",
    "subgroup",
    "level",
    *ESTIMATE_COLUMNS,
    "conf_low_pp",
    "conf_high_pp",
    "control_mean",
    "n",
    "n_treatment",
    "n_control",
]
TEST_COLUMNS = [
    "outcome",
    "subgroup",
    "levels",
    "f_statistic",
    "df_num",
    "df_denom",
    "p_value",
    "note",
]


@dataclass(frozen=True)
class HeterogeneityResult(Result):
    """Subgroup effects (``table``) and interaction tests (``tests``)."""

    table: pd.DataFrame
    tests: pd.DataFrame
    se_type: str = "HC2"
    title: str = "Effects by subgroup"

    def tidy(self) -> pd.DataFrame:
        """One row per outcome × subgroup level."""
        return self.table.copy()

    def summary(self) -> str:
        """Per outcome: effect per level and the interaction p-value."""
        lines = [f"{self.title} ({self.se_type})"]
        for _, t in self.tests.iterrows():
            rows = self.table[
                (self.table["outcome"] == t["outcome"]) & (self.table["subgroup"] == t["subgroup"])
            ]
            parts = [
                f"{r['level']} {r['estimate_pp']:+.1f} pp (n={r['n']})" for _, r in rows.iterrows()
            ]
            lines.append(
                f"  {t['outcome']} by {t['subgroup']}: {', '.join(parts)}; "
                f"interaction p = {t['p_value']:.3f} {t['note']}".rstrip()
            )
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        tests = self.tests.to_html(index=False, float_format=lambda v: f"{v:.4g}", na_rep="")
        return super()._repr_html_() + "\n<h5>Interaction tests</h5>\n" + tests


def _one(data, outcome, by, *, arm, covariates, strata, se_type, cluster, min_per_arm, level_conf):
    """One outcome's subgroup effects (rows) and equality test (a dict with a note)."""
    sample = analysed_sample(
        data,
        outcome,
        arm=arm,
        covariates=[c for c in covariates if c != by],
        strata=strata,
        cluster=cluster,
        extra_mask=data[by].notna().to_numpy(),
    )
    g = data[by].iloc[sample.rows].astype("string").to_numpy(dtype=object)
    notes = list(sample.notes)
    levels = _levels_in_both_arms(sample.z, g, min_per_arm, notes)
    test = {"outcome": outcome, "subgroup": by, "levels": ", ".join(levels)}
    reason = ""
    if len(levels) < 2:
        reason = "fewer than two subgroup levels with people in both arms: no interaction test"
    elif np.all(sample.y == sample.y[0]):
        reason = "outcome has one value in every analysed row: no test possible"
    if reason:
        warn(f"outcome {outcome!r} by {by!r}: {reason}")
        return [], test | {"note": "; ".join([*notes, reason])}
    keep = np.isin(g, levels)
    y, z, g = sample.y[keep], sample.z[keep], g[keep]
    index = sample.covariates.index[keep]
    ind = pd.DataFrame({f"{by}={lev}": (g == lev).astype(float) for lev in levels}, index=index)
    eff = ind.mul(z, axis=0).add_prefix("treatment:")
    design = pd.concat([ind, eff, sample.strata[keep], sample.covariates[keep]], axis=1)
    design = drop_collinear(design, 2 * len(levels), notes)
    clusters = sample.cluster[keep] if sample.cluster is not None else None
    res = fit_ols(y, design, se_type, clusters)
    rows = [_level_row(res, outcome, by, lev, y, z, g == lev, level_conf) for lev in levels]
    return rows, test | _equality_test(res, list(design.columns), by, levels) | {
        "note": "; ".join(notes)
    }


def _levels_in_both_arms(
    z: np.ndarray, g: np.ndarray, min_per_arm: int, notes: list[str]
) -> list[str]:
    """The subgroup levels with ``min_per_arm`` people in each arm; a note on the others."""
    levels: list[str] = []
    dropped: list[str] = []
    for lev in sorted(set(g)):
        zl = z[g == lev]
        (levels if min(zl.sum(), (1 - zl).sum()) >= min_per_arm else dropped).append(lev)
    if dropped:
        notes.append(
            f"level(s) {', '.join(dropped)} left out: fewer than {min_per_arm} "
            "analysed people in an arm"
        )
    return levels


def _level_row(res, outcome, by, lev, y, z, in_lev, level_conf) -> dict:
    """The ITT within one subgroup level, with its control mean and counts."""
    c = coefficient(res, f"treatment:{by}={lev}", level_conf)
    return {
        "outcome": outcome,
        "subgroup": by,
        "level": lev,
        **c.columns(),
        "conf_low_pp": 100 * c.conf_low,
        "conf_high_pp": 100 * c.conf_high,
        "control_mean": float(y[in_lev & (z == 0)].mean()),
        "n": int(in_lev.sum()),
        "n_treatment": int((in_lev & (z == 1)).sum()),
        "n_control": int((in_lev & (z == 0)).sum()),
    }


def _equality_test(res, names: list[str], by: str, levels: list) -> dict:
    """Wald F-test that the treatment effect is the same in every level (with CR2: the HTZ
    test of :func:`~impact.analysis.rct.cr2.wald_test_htz`)."""
    first = names.index(f"treatment:{by}={levels[0]}")
    constraint = np.zeros((len(levels) - 1, len(names)))
    for i, lev in enumerate(levels[1:]):
        constraint[i, names.index(f"treatment:{by}={lev}")] = 1.0
        constraint[i, first] = -1.0
    if isinstance(res, ClusterFit):
        return wald_test_htz(res, constraint)
    wald = res.f_test(constraint)
    return {
        "f_statistic": float(np.squeeze(wald.fvalue)),
        "df_num": float(wald.df_num),
        "df_denom": float(wald.df_denom),
        "p_value": float(wald.pvalue),
    }


def heterogeneity(
    data: pd.DataFrame,
    outcomes: Sequence[str],
    by: str = "gender",
    *,
    arm: str = "arm",
    covariates: Sequence[str] = (),
    strata: str | None = "stratum",
    se_type: SeType | None = None,
    cluster: str | None = None,
    min_per_arm: int = 2,
    confidence_level: float = 0.95,
) -> HeterogeneityResult:
    """ITT effects within the levels of ``by`` and a test that they are equal.

    Parameters
    ----------
    data : DataFrame
        Indicator table.
    outcomes : sequence of str
        Binary outcome columns.
    by : str
        Subgroup column (text, boolean or a number with at most 10 distinct values).
    arm, strata : str
        Arm and stratum columns.
    covariates : sequence of str
        Additive covariates (``by`` itself is left out of them).
    se_type : {"HC0", "HC1", "HC2", "HC3", "CR2", "stata"}, optional
        Robust covariance: default ``"HC2"``, or ``"CR2"`` with ``cluster`` (then the
        equality test is clubSandwich's HTZ Wald test).
    cluster : str, optional
        Cluster column (cluster-randomised designs).
    min_per_arm : int
        Smallest number of analysed people per arm for a level to be kept.
    confidence_level : float
        Level of the t-based intervals.

    Returns
    -------
    HeterogeneityResult
    """
    se_type = resolve_se_type(se_type, cluster)
    level = check_level(confidence_level, "confidence_level")
    require_columns(data, [*outcomes, by, *covariates, strata, cluster], "analysis")
    n_levels = data[by].nunique(dropna=True)
    if n_levels > MAX_LEVELS:
        raise InputError(
            f"subgroup column {by!r} has {n_levels} distinct values (at most {MAX_LEVELS}); "
            "group it into a few categories first"
        )
    rows, tests = [], []
    for outcome in outcomes:
        r, t = _one(
            data,
            outcome,
            by,
            arm=arm,
            covariates=covariates,
            strata=strata,
            se_type=se_type,
            cluster=cluster,
            min_per_arm=min_per_arm,
            level_conf=level,
        )
        rows += r
        tests.append(t)
    return HeterogeneityResult(
        pd.DataFrame(rows, columns=EFFECT_COLUMNS),
        pd.DataFrame(tests).reindex(columns=TEST_COLUMNS).fillna({"note": ""}),
        se_type,
        title=f"Effects by {by}",
    )
