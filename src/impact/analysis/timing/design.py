"""Design matrices for the hazard models: group dummies plus baseline covariates.

Rules: the group column becomes one dummy per level except the reference (``control`` when
present, else the first level in sorted order), named ``<group>[<level>]``; numeric and
boolean covariates enter as numbers; text covariates become dummies (first sorted level is the
reference), named ``<covariate>[<level>]``. Rows with a missing covariate are left out of the
models (complete cases) and counted; a covariate constant among the analysed rows is dropped
with a note.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype

from impact.errors import InputError, Problem

from ._checks import SOURCE


@dataclass(frozen=True)
class Design:
    """A design matrix and what was dropped on the way.

    Attributes
    ----------
    matrix : DataFrame
        Numeric columns (no intercept), index as the rows kept.
    group_terms : list of str
        Columns that are group dummies.
    n_missing : int
        Rows dropped for a missing covariate.
    notes : list of str
        Dropped constant covariates and similar remarks.
    """

    matrix: pd.DataFrame
    group_terms: list[str]
    n_missing: int
    notes: list[str] = field(default_factory=list)


def _numeric(panel: pd.DataFrame, column: str) -> pd.Series:
    values = panel[column]
    if is_bool_dtype(values.dtype):
        return values.astype("Float64").astype(float)
    if is_numeric_dtype(values.dtype):
        return pd.to_numeric(values).astype("Float64").astype(float)
    raise TypeError(column)


def _dummies(values: pd.Series, name: str, reference: str | None) -> pd.DataFrame:
    text = values.astype("string")
    levels = sorted(text.dropna().unique())
    ref = reference if reference in levels else (levels[0] if levels else None)
    out = {}
    for level in levels:
        if level == ref:
            continue
        column = (text == level).astype("Float64").astype(float)
        column[text.isna().to_numpy()] = np.nan
        out[f"{name}[{level}]"] = column
    return pd.DataFrame(out, index=values.index)


def build_design(
    panel: pd.DataFrame,
    groups: pd.Series,
    group_name: str,
    covariates: Sequence[str],
) -> Design:
    """Group dummies and covariates for the rows of ``panel`` (index preserved).

    Parameters
    ----------
    panel : DataFrame
        Rows to model (already restricted to the analysed people).
    groups : Series
        Group label of each row.
    group_name : str
        Name used for the group terms (e.g. ``arm``).
    covariates : sequence of str
        Baseline covariate columns of ``panel``.

    Raises
    ------
    InputError
        A covariate column is neither numeric, boolean nor text.
    """
    parts = [_dummies(groups, group_name, "control")]
    group_terms = list(parts[0].columns)
    notes: list[str] = []
    problems = []
    for column in covariates:
        values = panel[column]
        if is_bool_dtype(values.dtype) or is_numeric_dtype(values.dtype):
            parts.append(pd.DataFrame({column: _numeric(panel, column)}, index=panel.index))
        elif values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
            parts.append(_dummies(values, column, None))
        else:
            problems.append(
                Problem(
                    SOURCE,
                    column=column,
                    value=str(values.dtype),
                    expected="a numeric, boolean or text covariate",
                )
            )
    if problems:
        raise InputError(f"{SOURCE}: covariates of unsupported type", problems)
    matrix = pd.concat(parts, axis=1)
    complete = matrix.notna().all(axis=1)
    matrix = matrix[complete]
    for column in list(matrix.columns):
        if column not in group_terms and matrix[column].nunique() <= 1:
            notes.append(
                f"covariate term {column!r} is constant among the analysed and was dropped"
            )
            matrix = matrix.drop(columns=column)
    return Design(matrix.astype(float), group_terms, int((~complete).sum()), notes)
