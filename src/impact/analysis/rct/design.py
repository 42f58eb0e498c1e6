"""Checking the input table and building design matrices for the RCT analyses.

Every public function of :mod:`impact.analysis.rct` validates its input here, so the messages
are the same everywhere: which column, which value, what was expected. The rules:

* ``arm`` must hold only ``treatment`` / ``control`` (no missing values) and both arms must be
  present, otherwise :class:`~impact.errors.AnalysisError`.
* Outcomes must be boolean (``boolean``/``bool`` dtype, or numbers 0/1); ``pd.NA`` marks a
  non-respondent and the row is left out of that outcome's analysis.
* Covariates: booleans become 0/1; numbers are used as they are; text/categories become dummy
  columns (first level in sorted order is the reference). A covariate that is constant in the
  analysed rows is dropped with a :class:`RctWarning`. Missing covariate values are handled the
  standard way for randomised experiments (Lin, Green & Coppock 2016, "Standard operating
  procedures"): numbers are replaced by the analysed-sample mean and a ``<name>[missing]``
  indicator column is added; text gets its own ``(missing)`` level.
* Columns that are linear combinations of earlier ones (intercept, treatment, strata, then
  covariates in the order given) are dropped with a warning, as ``estimatr`` does.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from impact.errors import AnalysisError, InputError, Problem
from impact.validation import check_choice

log = logging.getLogger(__name__)

#: Robust standard errors, as ``estimatr::lm_robust``: heteroskedasticity-consistent HC0–HC3,
#: or cluster-robust (need ``cluster``): CR2 (Bell–McCaffrey, Satterthwaite df; the default
#: with a cluster) or CR1 with the Stata small-sample factor (``"stata"``).
SeType = Literal["HC0", "HC1", "HC2", "HC3", "CR2", "stata"]
#: The cluster-robust members of :data:`SeType`.
CLUSTER_SE_TYPES = ("CR2", "stata")
#: Covariate adjustment of the ITT regression.
Adjustment = Literal["unadjusted", "additive", "lin"]

TREATMENT = "treatment"
CONTROL = "control"
ARMS = (TREATMENT, CONTROL)
SOURCE = "indicator table"


class RctWarning(UserWarning):
    """A documented fallback was taken (e.g. a constant covariate was dropped)."""


def warn(message: str, notes: list[str] | None = None) -> None:
    """Emit a :class:`RctWarning`, log it (info: the warning itself reaches the user) and
    append it to ``notes``."""
    log.info(message)
    warnings.warn(message, RctWarning, stacklevel=3)
    if notes is not None:
        notes.append(message)


def resolve_se_type(se_type: str | None, cluster: str | None) -> str:
    """The SE type to use: ``CR2`` with a cluster, ``HC2`` without, unless one is given.

    Raises
    ------
    InputError
        A cluster-robust type without ``cluster``, or a cluster with an HC type.
    """
    if se_type is None:
        return "CR2" if cluster is not None else "HC2"
    check_choice("se_type", se_type, SeType)
    if (se_type in CLUSTER_SE_TYPES) != (cluster is not None):
        raise InputError(
            f"se_type={se_type!r} and cluster={cluster!r} do not fit together: the "
            "cluster-robust types 'CR2' (the default with a cluster) and 'stata' (CR1) need "
            "cluster=<column>, and a cluster column needs one of them; fix: give both, or "
            "leave se_type out to get CR2 with a cluster and HC2 without"
        )
    return se_type


def require_columns(data: pd.DataFrame, columns: Iterable[str | None], role: str) -> None:
    """Raise :class:`InputError` listing every ``columns`` entry absent from ``data``."""
    if not isinstance(data, pd.DataFrame):
        raise InputError(f"expected the {SOURCE} as a pandas DataFrame; got {type(data).__name__}")
    missing = [c for c in columns if c is not None and c not in data.columns]
    if missing:
        problems = [
            Problem(SOURCE, column=c, expected=f"a {role} column named {c!r}") for c in missing
        ]
        raise InputError(f"{SOURCE}: {role} column(s) not found", problems)


def treatment_indicator(data: pd.DataFrame, arm: str = "arm") -> np.ndarray:
    """Return 1.0 for ``treatment`` and 0.0 for ``control`` rows, after checking the column.

    Raises
    ------
    InputError
        The column is missing or holds values other than ``treatment``/``control``.
    AnalysisError
        One arm has no rows.
    """
    require_columns(data, [arm], "arm")
    values = data[arm].astype("string").str.strip().str.lower()
    bad = values.isna() | ~values.isin(ARMS)
    if bad.any():
        problems = [
            Problem(
                SOURCE,
                row=i + 1,
                column=arm,
                value=str(data[arm].iloc[i]),
                expected="'treatment' or 'control'",
            )
            for i in np.flatnonzero(bad.to_numpy())[:20]
        ]
        raise InputError(
            f"{SOURCE}: column {arm!r} has {int(bad.sum())} invalid value(s)", problems
        )
    z = (values == TREATMENT).to_numpy(dtype=float)
    for name, count in ((TREATMENT, z.sum()), (CONTROL, (1 - z).sum())):
        if count == 0:
            raise AnalysisError(
                f"{SOURCE}: arm {name!r} has no rows in column {arm!r}; an RCT analysis needs "
                "people randomised to both 'treatment' and 'control'; fix: check the arm "
                "column of the randomisation list (inputs.randomisation)"
            )
    return z


def outcome_values(data: pd.DataFrame, outcome: str) -> np.ndarray:
    """Return the outcome as floats 1.0/0.0 with NaN where missing, after checking it is binary."""
    require_columns(data, [outcome], "outcome")
    col = data[outcome]
    if pd.api.types.is_bool_dtype(col.dtype):
        return col.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    if pd.api.types.is_numeric_dtype(col.dtype):
        values = col.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        observed = values[~np.isnan(values)]
        if np.isin(observed, (0.0, 1.0)).all():
            return values
        bad = sorted(set(observed[~np.isin(observed, (0.0, 1.0))].tolist()))[:5]
    else:
        bad = sorted({str(v) for v in col.dropna().unique()})[:5]
    raise InputError(
        f"{SOURCE}: outcome {outcome!r} is not binary",
        [
            Problem(
                SOURCE,
                column=outcome,
                value=", ".join(map(str, bad)),
                expected="a boolean column (True/False, or 0/1) with pd.NA for missing",
            )
        ],
    )


def strata_codes(data: pd.DataFrame, strata: str | None) -> np.ndarray:
    """Return integer stratum codes (all zeros without strata); missing strata are an error."""
    if strata is None:
        return np.zeros(len(data), dtype=np.int64)
    require_columns(data, [strata], "stratum")
    col = data[strata]
    if col.isna().any():
        rows = np.flatnonzero(col.isna().to_numpy())[:20]
        raise InputError(
            f"{SOURCE}: column {strata!r} has missing strata",
            [Problem(SOURCE, row=int(i) + 1, column=strata, expected="a stratum") for i in rows],
        )
    codes, _ = pd.factorize(col.astype("string"), sort=True)
    return codes.astype(np.int64)


def _dummies(values: pd.Series, name: str) -> pd.DataFrame:
    text = values.astype("string").fillna("(missing)")
    levels = sorted(text.unique())
    return pd.DataFrame(
        {f"{name}[{lev}]": (text == lev).to_numpy(dtype=float) for lev in levels[1:]},
        index=values.index,
    )


def _is_numeric(col: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(col.dtype) and not pd.api.types.is_bool_dtype(col.dtype)


def covariate_frame(
    data: pd.DataFrame, covariates: Sequence[str], notes: list[str] | None = None
) -> pd.DataFrame:
    """Turn covariate columns into a float design block for the rows in ``data``.

    Parameters
    ----------
    data : DataFrame
        The rows being analysed (already restricted to the analysed sample).
    covariates : sequence of str
        Column names.
    notes : list of str, optional
        Receives a note for every fallback taken (dropped covariate, imputation).

    Returns
    -------
    DataFrame
        Float columns, same index as ``data``; possibly with zero columns.
    """
    require_columns(data, covariates, "covariate")
    blocks: list[pd.DataFrame] = []
    for name in covariates:
        col = data[name]
        observed = col.dropna()
        if observed.empty:
            warn(f"covariate {name!r} is missing for every analysed row; dropped", notes)
            continue
        if observed.nunique() < 2 and not col.isna().any():
            warn(f"covariate {name!r} has one value ({observed.iloc[0]!r}); dropped", notes)
            continue
        if pd.api.types.is_bool_dtype(col.dtype) or _is_numeric(col):
            values = col.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
            block = pd.DataFrame({name: values}, index=data.index)
            if np.isnan(values).any():
                miss = np.isnan(values)
                block[name] = np.where(miss, np.nanmean(values), values)
                block[f"{name}[missing]"] = miss.astype(float)
                message = (
                    f"covariate {name!r}: {int(miss.sum())} missing value(s) replaced by the "
                    "mean, with a missing-value indicator"
                )
                log.info(message)
                if notes is not None:
                    notes.append(message)
            blocks.append(block)
        else:
            blocks.append(_dummies(col, name))
    if not blocks:
        return pd.DataFrame(index=data.index)
    return pd.concat(blocks, axis=1)


def strata_frame(data: pd.DataFrame, strata: str | None) -> pd.DataFrame:
    """Return stratum dummies (first sorted stratum is the reference) for the rows in ``data``."""
    if strata is None:
        return pd.DataFrame(index=data.index)
    require_columns(data, [strata], "stratum")
    return _dummies(data[strata], strata)


def drop_collinear(
    frame: pd.DataFrame, protected: int, notes: list[str] | None = None, tol: float = 1e-9
) -> pd.DataFrame:
    """Drop columns that are linear combinations of earlier columns (kept: the first ones).

    Parameters
    ----------
    frame : DataFrame
        Design matrix; the first ``protected`` columns (intercept, treatment) must stay.
    protected : int
        Number of leading columns that may not be dropped.
    notes : list of str, optional
        Receives a note per dropped column.

    Raises
    ------
    AnalysisError
        A protected column (e.g. the treatment indicator) is collinear with earlier ones.
    """
    values = frame.to_numpy(dtype=float)
    scale = np.maximum(np.abs(values).max(axis=0, initial=0.0), 1.0)  # no rows: all columns 0
    values = values / scale
    keep: list[int] = []
    basis = np.zeros((values.shape[0], 0))
    for j in range(values.shape[1]):
        col = values[:, j]
        resid = col - basis @ (basis.T @ col) if basis.shape[1] else col
        norm = np.linalg.norm(resid)
        if norm > tol * max(np.linalg.norm(col), 1.0) * np.sqrt(len(col)):
            keep.append(j)
            basis = np.column_stack([basis, resid / norm])
        elif j < protected:
            raise AnalysisError(
                f"design column {frame.columns[j]!r} is constant or collinear with the columns "
                "before it (e.g. treatment is the same for everyone in the analysed rows)"
            )
        else:
            warn(f"column {frame.columns[j]!r} is collinear with other columns; dropped", notes)
    return frame.iloc[:, keep]


@dataclass
class Sample:
    """The analysed rows of one outcome: outcome, treatment, design blocks and counts."""

    outcome: str
    y: np.ndarray
    z: np.ndarray
    rows: np.ndarray
    covariates: pd.DataFrame
    strata: pd.DataFrame
    cluster: np.ndarray | None
    notes: list[str] = field(default_factory=list)

    @property
    def n(self) -> int:
        """Number of analysed rows."""
        return len(self.y)

    @property
    def n_treatment(self) -> int:
        """Analysed rows in the treatment arm."""
        return int(self.z.sum())

    @property
    def n_control(self) -> int:
        """Analysed rows in the control arm."""
        return int(self.n - self.z.sum())


def analysed_sample(
    data: pd.DataFrame,
    outcome: str,
    *,
    arm: str = "arm",
    covariates: Sequence[str] = (),
    strata: str | None = None,
    cluster: str | None = None,
    extra_mask: np.ndarray | None = None,
) -> Sample:
    """Rows with an observed ``outcome`` (and ``extra_mask``), with treatment and design blocks.

    The arm column is checked on the whole table (both arms must be randomised); an arm that
    is empty *after* dropping non-respondents is reported by the caller as a per-outcome note.
    """
    z_all = treatment_indicator(data, arm)
    y_all = outcome_values(data, outcome)
    require_columns(data, [strata, cluster], "stratum/cluster")
    mask = ~np.isnan(y_all)
    if extra_mask is not None:
        mask &= extra_mask
    rows = np.flatnonzero(mask)
    sub = data.iloc[rows]
    notes: list[str] = []
    cov = covariate_frame(sub, list(covariates), notes)
    strata_block = strata_frame(sub, strata)
    cl = None
    if cluster is not None:
        if sub[cluster].isna().any():
            raise InputError(
                f"{SOURCE}: cluster column {cluster!r} has missing values in the analysed rows"
            )
        cl = pd.factorize(sub[cluster].astype("string"))[0]
    return Sample(outcome, y_all[rows], z_all[rows], rows, cov, strata_block, cl, notes)
