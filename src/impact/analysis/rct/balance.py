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

from .design import (
    covariate_frame,
    drop_collinear,
    outcome_values,
    require_columns,
    strata_frame,
    treatment_indicator,
    warn,
)

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
        """Largest |SMD| and the joint F-test per sample."""
        lines = [self.title]
        for _, j in self.joint.iterrows():
            rows = self.table[self.table["sample"] == j["sample"]]
            worst = rows.loc[rows["smd"].abs().idxmax()] if rows["smd"].notna().any() else None
            worst_txt = (
                f"largest |SMD| {worst['smd']:+.2f} ({worst['covariate']})"
                if (worst is not None)
                else "no SMD"
            )
            lines.append(
                f"  {j['sample']}: {worst_txt}; joint F = {j['f_statistic']:.2f}, "
                f"p = {j['p_value']:.3f} (HC2 p = {j['p_value_hc2']:.3f}), n = {j['n']}"
            )
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


def _categorical_rows(name, col: pd.Series, z) -> list[dict]:
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
        x = (text[ok] == lev).astype(float)
        row = _numeric_row(name, x, z[ok])
        rows.append(row | {"level": lev, "test": "chi_squared", "p_value": p, "note": note})
    return rows


def _joint(sub: pd.DataFrame, z: np.ndarray, covariates, strata) -> dict:
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
    return out | {
        "f_statistic": float(f),
        "df_num": float(df_num),
        "df_denom": float(unrestricted.df_resid),
        "p_value": float(p),
        "f_statistic_hc2": float(np.squeeze(wald.fvalue)),
        "p_value_hc2": float(wald.pvalue),
    }


def balance(
    data: pd.DataFrame,
    covariates: Sequence[str],
    *,
    arm: str = "arm",
    strata: str | None = "stratum",
    analysed: str | np.ndarray | pd.Series | None = None,
    samples: Mapping[str, np.ndarray | pd.Series] | None = None,
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
        Stratum column; stratum dummies enter the joint test.
    analysed : str, boolean array/Series, or None
        The analysed sample: an outcome column (rows where it is observed) or a boolean mask.
        When given, the table has a ``randomised`` and an ``analysed`` sample.
    samples : mapping of name → boolean mask, optional
        Further named samples to describe.

    Returns
    -------
    BalanceResult
    """
    if not covariates:
        raise InputError("balance: give at least one covariate column")
    require_columns(data, [*covariates, strata], "covariate/stratum")
    z = treatment_indicator(data, arm)
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
    rows, joints = [], []
    for name, mask in masks.items():
        sub, zs = data[mask], z[mask]
        for cov in covariates:
            col = sub[cov]
            if pd.api.types.is_numeric_dtype(col.dtype) and not pd.api.types.is_bool_dtype(
                col.dtype
            ):
                x = col.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
                rows.append({"sample": name} | _numeric_row(cov, x, zs))
            else:
                rows += [{"sample": name} | r for r in _categorical_rows(cov, col, zs)]
        joints.append({"sample": name} | _joint(sub, zs, covariates, strata))
    table = pd.DataFrame(rows).reindex(columns=ROW_COLUMNS)
    table["note"] = table["note"].fillna("")
    joint = pd.DataFrame(joints).reindex(columns=JOINT_COLUMNS)
    return BalanceResult(table, joint)
