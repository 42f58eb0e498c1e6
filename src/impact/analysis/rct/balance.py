"""Covariate balance between arms, for the randomised and for the analysed sample.

Per covariate (numbers and booleans; text is split into one row per level):

* mean (share for booleans/levels) and SD by arm, the **standardised mean difference**
  SMD = (mean_T − mean_C) / sqrt((s²_T + s²_C) / 2) with sample variances (ddof = 1);
* a test: Welch's t-test for numbers, Pearson's χ² test of arm × level (no continuity
  correction) for booleans and text.

Joint test: the treatment indicator regressed on all covariates (plus stratum dummies when
stratified) in the rows with complete covariates; the classical F-test that every covariate
coefficient is zero (restricted model: intercept and strata), and the same Wald F-test with
HC2 standard errors (the LPM for arm is heteroskedastic by construction). A covariate missing
for every person of a sample is left out of that sample's joint test, with a note naming it (as
a constant covariate is); when no person has every covariate, the joint test is not possible.

Covariate values are described where observed; people who never answered baseline have no
baseline covariates, so ``n_treatment``/``n_control`` are given per row.

The SMD is Imbens & Rubin's (2015, eq. 14.3) *normalised difference*,
(m_T − m_C) / sqrt((s²_T + s²_C) / 2): the same number, reported once (``smd``).

As reviewers expect from Stata ``iebaltab`` / R ``cobalt`` (see :mod:`.balance_tests`): per
covariate, the difference in means from a regression on treatment with stratum fixed effects
and the declared standard errors (``difference``, ``difference_se``, ``difference_p``: HC2, or
CR1 with a cluster); jointly, the robust Wald F of the regression of treatment on every
covariate (``wald_*``) and, with ``ri_draws``, its randomisation p-value (``ri_p``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from impact.errors import InputError
from impact.results import Result

from .balance_compliers import complier_rows
from .balance_tests import difference_test, hc2_wald_statistics, ri_p_value, wald_test
from .design import (
    SeType,
    covariate_frame,
    drop_collinear,
    outcome_values,
    require_columns,
    resolve_se_type,
    strata_codes,
    strata_frame,
    treatment_indicator,
    warn,
)
from .procedure import RandomisationProcedure
from .randomisation import default_declaration

ROW_COLUMNS = [
    "sample",
    "covariate",
    "level",
    "n_treatment",
    "n_control",
    "mean_treatment",
    "mean_control",
    "sd_treatment",
    "sd_control",
    "smd",
    "test",
    "p_value",
    "difference",
    "difference_se",
    "difference_df",
    "difference_p",
    "se_type",
    "note",
]
JOINT_COLUMNS = [
    "sample",
    "n",
    "n_covariates",
    "f_statistic",
    "df_num",
    "df_denom",
    "p_value",
    "f_statistic_hc2",
    "p_value_hc2",
    "wald_f",
    "wald_df_num",
    "wald_df_denom",
    "wald_p",
    "wald_se_type",
    "ri_p",
    "ri_draws",
    "note",
]


@dataclass(frozen=True)
class BalanceResult(Result):
    """Balance table (one row per covariate or level per sample) and joint tests."""

    table: pd.DataFrame
    joint: pd.DataFrame
    title: str = "Baseline balance"

    def tidy(self) -> pd.DataFrame:
        """Per-covariate rows (see :data:`ROW_COLUMNS`)."""
        return self.table.copy()

    def summary(self) -> str:
        """Largest |SMD| per sample, the joint F-test and its robust and randomisation p."""
        lines = [self.title]
        for _, j in self.joint.iterrows():
            rows = self.table[self.table["sample"] == j["sample"]]
            worst = rows.loc[rows["smd"].abs().idxmax()] if rows["smd"].notna().any() else None
            text = (
                f"largest |SMD| {worst['smd']:+.2f} ({worst['covariate']})"
                if worst is not None
                else "no SMD"
            )
            if pd.notna(j.get("f_statistic")):
                text += (
                    f"; joint F = {j['f_statistic']:.2f}, p = {j['p_value']:.3f} "
                    f"({j['wald_se_type']} Wald p = {j['wald_p']:.3f}"
                    + (f", randomisation p = {j['ri_p']:.3f}" if pd.notna(j["ri_p"]) else "")
                    + ")"
                )
            lines.append(f"  {j['sample']}: {text}, n = {j['n']}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        joint = self.joint.to_html(index=False, float_format=lambda v: f"{v:.4g}", na_rep="")
        return super()._repr_html_() + "\n<h5>Joint tests</h5>\n" + joint


def _smd(x1: np.ndarray, x0: np.ndarray) -> float:
    pooled = np.sqrt((np.var(x1, ddof=1) + np.var(x0, ddof=1)) / 2)
    return float((x1.mean() - x0.mean()) / pooled) if pooled > 0 else float("nan")


def _numeric_row(name, x, z) -> dict:
    ok = ~np.isnan(x)
    x1, x0 = x[ok & (z == 1)], x[ok & (z == 0)]
    row = {"covariate": name, "level": "", "n_treatment": x1.size, "n_control": x0.size}
    if x1.size < 2 or x0.size < 2:
        return row | {"note": "fewer than 2 observed values in an arm", "test": "welch_t"}
    p = float("nan")
    note = ""
    if np.var(x1) + np.var(x0) > 0:
        p = float(stats.ttest_ind(x1, x0, equal_var=False).pvalue)
    else:
        note = "covariate constant: no test"
    return row | {
        "mean_treatment": x1.mean(),
        "mean_control": x0.mean(),
        "sd_treatment": np.std(x1, ddof=1),
        "sd_control": np.std(x0, ddof=1),
        "smd": _smd(x1, x0),
        "test": "welch_t",
        "p_value": p,
        "note": note,
    }


@dataclass(frozen=True)
class _Design:
    """What every test of one sample needs: treatment, strata, clusters, SEs, RI draws."""

    z: np.ndarray
    strata_block: pd.DataFrame
    cluster: np.ndarray | None
    se_type: SeType
    assignments: np.ndarray | None  # draws × rows of this sample


def _with_test(row: dict, x: np.ndarray, design: _Design) -> dict:
    test = difference_test(x, design.z, design.strata_block, design.cluster, design.se_type)
    note = "; ".join(filter(None, [row.get("note", ""), test.pop("note", "")]))
    return row | test | {"se_type": design.se_type, "note": note}


def _categorical_rows(name, col: pd.Series, design: _Design) -> list[dict]:
    z = design.z
    ok = col.notna().to_numpy()
    text = col.astype("string").to_numpy(dtype=object)
    levels = sorted({str(v) for v in text[ok]})
    counts = pd.crosstab(z[ok], text[ok]).to_numpy()
    p = float("nan")
    note = ""
    if len(levels) > 1 and counts.shape[0] == 2:
        p = float(stats.chi2_contingency(counts, correction=False)[1])
    else:
        note = "one level or one arm: no test"
    rows = []
    for lev in levels:
        x = np.full(len(text), np.nan)
        x[ok] = text[ok] == lev
        row = _numeric_row(name, x[ok], z[ok])
        row |= {"level": lev, "test": "chi_squared", "p_value": p, "note": note}
        rows.append(_with_test(row, x, design))
    return rows


def _joint(sub: pd.DataFrame, design: _Design, covariates, strata) -> dict:
    z = design.z
    notes: list[str] = []
    observed = []
    for name in covariates:
        if sub[name].notna().any():
            observed.append(name)
        else:
            warn(f"covariate {name!r} is missing for every row; left out of the joint test", notes)
    complete = sub[observed].notna().all(axis=1).to_numpy()
    if not complete.any():
        notes.append("no row has every covariate")
        return {"n": 0, "n_covariates": 0, "note": "; ".join([*notes, "joint test not possible"])}
    rows = sub[complete]
    zc = z[complete]
    cov = covariate_frame(rows, observed, notes)
    base = pd.concat(
        [pd.DataFrame({"(Intercept)": 1.0}, index=rows.index), strata_frame(rows, strata)], axis=1
    )
    base = drop_collinear(base, 1, notes)
    full = drop_collinear(pd.concat([base, cov], axis=1), base.shape[1], notes)
    q = full.shape[1] - base.shape[1]
    out = {"n": int(complete.sum()), "n_covariates": q, "note": "; ".join(notes)}
    if q == 0 or len(zc) <= full.shape[1] or zc.min() == zc.max():
        return out | {"note": "; ".join(filter(None, [out["note"], "joint test not possible"]))}
    restricted = sm.OLS(zc, base).fit()
    unrestricted = sm.OLS(zc, full).fit()
    f, p, df_num = unrestricted.compare_f_test(restricted)
    robust = sm.OLS(zc, full).fit(cov_type="HC2", use_t=True)
    constraint = np.zeros((q, full.shape[1]))
    constraint[:, base.shape[1] :] = np.eye(q)
    wald = robust.f_test(constraint)
    cluster = None if design.cluster is None else design.cluster[complete]
    declared = wald_test(zc, full, q, design.se_type, cluster)
    out |= {
        "f_statistic": float(f),
        "df_num": float(df_num),
        "df_denom": float(unrestricted.df_resid),
        "p_value": float(p),
        "f_statistic_hc2": float(np.squeeze(wald.fvalue)),
        "p_value_hc2": float(wald.pvalue),
    } | declared
    if design.assignments is not None:
        null = hc2_wald_statistics(design.assignments[:, complete], full.to_numpy(float), q)
        out["ri_p"], out["ri_draws"] = ri_p_value(out["f_statistic_hc2"], null)
    return out


def _resolve_se(se_type: SeType | None, cluster: str | None) -> SeType:
    try:
        return resolve_se_type(se_type, cluster)
    except InputError as error:
        raise InputError(f"balance: {error}") from None


def _masks(data: pd.DataFrame, analysed, samples) -> dict[str, np.ndarray]:
    masks: dict[str, np.ndarray] = {"randomised": np.ones(len(data), dtype=bool)}
    if analysed is not None:
        if isinstance(analysed, str):
            masks["analysed"] = ~np.isnan(outcome_values(data, analysed))
        else:
            masks["analysed"] = np.asarray(analysed, dtype=bool)
    for name, mask in (samples or {}).items():
        masks[name] = np.asarray(mask, dtype=bool)
    for name, mask in masks.items():
        if mask.shape != (len(data),):
            raise InputError(
                f"balance: sample {name!r} mask has {mask.size} values, "
                f"expected one per row ({len(data)})"
            )
    return masks


def _draws(data, arm, strata, cluster, ri_draws, seed, assignments) -> np.ndarray | None:
    if assignments is not None:
        draws = np.asarray(assignments)
        if draws.ndim != 2 or draws.shape[1] != len(data) or not np.isin(draws, (0, 1)).all():
            raise InputError(
                f"balance: assignments must be a 0/1 matrix with one column per row of the "
                f"data ({len(data)}); got shape {draws.shape}"
            )
        return draws.astype(np.int8)
    if not ri_draws or cluster is not None:  # clusters: pass the declared procedure's draws
        return None
    procedure = RandomisationProcedure.from_data(data, default_declaration(strata), arm=arm)
    return procedure.draw(np.random.default_rng(seed), int(ri_draws))


def balance(
    data: pd.DataFrame,
    covariates: Sequence[str],
    *,
    arm: str = "arm",
    strata: str | None = "stratum",
    analysed: str | np.ndarray | pd.Series | None = None,
    samples: Mapping[str, np.ndarray | pd.Series] | None = None,
    se_type: SeType | None = None,
    cluster: str | None = None,
    ri_draws: int = 0,
    seed: int | None = None,
    assignments: np.ndarray | None = None,
    take_up: str | None = None,
) -> BalanceResult:
    """Compare baseline covariates between arms.

    Parameters
    ----------
    data : DataFrame
        Indicator table, one row per randomised person.
    covariates : sequence of str
        Baseline covariate columns (numbers, booleans or text categories).
    arm : str
        Arm column (``treatment``/``control``).
    strata : str or None
        Stratum column; stratum fixed effects enter every regression test, and the
        randomisation draws keep the number treated per stratum.
    analysed : str, boolean array/Series, or None
        The analysed sample: an outcome column (rows where it is observed) or a boolean mask.
        When given, the table has a ``randomised`` and an ``analysed`` sample.
    samples : mapping of name → boolean mask, optional
        Further named samples to describe.
    se_type : {"HC0", "HC1", "HC2", "HC3", "stata"}, optional
        Standard errors of the regression tests: HC2 by default, ``"stata"`` (CR1) when a
        ``cluster`` is given.
    cluster : str, optional
        Cluster column (cluster-robust tests; the randomisation test is then skipped).
    ri_draws : int
        Randomisation draws for the omnibus test (0: none).
    seed : int, optional
        Seed of those draws.
    assignments : ndarray (draws × rows of ``data``), optional
        Re-drawn 0/1 assignments to use instead of ``ri_draws`` permutations within strata
        (e.g. from a declared randomisation procedure).
    take_up : str, optional
        Take-up column (``started``): adds a ``compliers`` sample, the complier means of each
        arm by Abadie κ weights (see :mod:`.balance_compliers`).

    Returns
    -------
    BalanceResult
    """
    if not covariates:
        raise InputError("balance: give at least one covariate column")
    require_columns(data, [*covariates, strata, cluster, take_up], "covariate/stratum/cluster")
    se = _resolve_se(se_type, cluster)
    z = treatment_indicator(data, arm)
    clusters = None
    if cluster is not None:
        if data[cluster].isna().any():
            raise InputError(f"balance: cluster column {cluster!r} has missing values")
        clusters = pd.factorize(data[cluster].astype("string"))[0]
    draws = _draws(data, arm, strata, cluster, ri_draws, seed, assignments)
    rows, joints = [], []
    for name, mask in _masks(data, analysed, samples).items():
        sub = data[mask]
        design = _Design(
            z[mask],
            strata_frame(sub, strata),
            None if clusters is None else clusters[mask],
            se,
            None if draws is None else draws[:, mask],
        )
        for cov in covariates:
            col = sub[cov]
            if pd.api.types.is_numeric_dtype(col.dtype) and not pd.api.types.is_bool_dtype(
                col.dtype
            ):
                x = col.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
                row = {"sample": name} | _numeric_row(cov, x, design.z)
                rows.append(_with_test(row, x, design))
            else:
                rows += [{"sample": name} | r for r in _categorical_rows(cov, col, design)]
        joints.append({"sample": name} | _joint(sub, design, covariates, strata))
    if take_up is not None:
        extra, joint_row = complier_rows(data, covariates, z, take_up, strata_codes(data, strata))
        rows += extra
        joints.append(joint_row)
    table = pd.DataFrame(rows).reindex(columns=ROW_COLUMNS)
    table["note"] = table["note"].fillna("")
    joint = pd.DataFrame(joints).reindex(columns=JOINT_COLUMNS)
    joint["note"] = joint["note"].fillna("")
    if cluster is not None and (ri_draws or assignments is not None):
        skipped = "randomisation test skipped: clustered design"
        joint["note"] = [f"{n}; {skipped}" if n else skipped for n in joint["note"]]
    return BalanceResult(table, joint)
