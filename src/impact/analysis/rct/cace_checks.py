"""Checks of the take-up column and of the first stage, for :mod:`~impact.analysis.rct.cace`."""

from __future__ import annotations

import numpy as np
import pandas as pd

from impact.errors import AnalysisError, InputError, Problem

from .design import SOURCE, require_columns

#: A first-stage coefficient smaller than this (in absolute value) is no first stage.
NO_FIRST_STAGE = 1e-10


def take_up_floats(data: pd.DataFrame, take_up: str) -> np.ndarray:
    """The take-up column as 1.0/0.0 with NaN where missing; InputError if it is not boolean."""
    col = data[take_up]
    observed = col.dropna()
    if pd.api.types.is_bool_dtype(col.dtype) or (
        col.dtype == object and observed.map(lambda v: isinstance(v, bool | np.bool_)).all()
    ):
        return col.astype("boolean").astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    if pd.api.types.is_numeric_dtype(col.dtype):
        values = col.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        if np.isin(values[~np.isnan(values)], (0.0, 1.0)).all():
            return values
    bad = sorted({str(v) for v in observed.unique()} - {"True", "False", "0", "1"})[:5]
    raise InputError(
        f"{SOURCE}: take-up column {take_up!r} is not boolean",
        [
            Problem(
                SOURCE,
                column=take_up,
                value=", ".join(bad),
                expected="True/False (or 0/1): did the person take part, e.g. start the "
                "programme; empty where not known",
            )
        ],
    )


def checked_take_up(
    data: pd.DataFrame, take_up: str, z: np.ndarray, arm: str
) -> tuple[np.ndarray, list[str]]:
    """The take-up as floats (NaN where missing) and notes, after checking it can be used.

    Raises
    ------
    InputError
        The column is missing, not boolean, or empty.
    AnalysisError
        Everyone with a known take-up has the same value, or the share taking part is the
        same in both arms (no first stage).
    """
    require_columns(data, [take_up], "take-up")
    d = take_up_floats(data, take_up)
    known = ~np.isnan(d)
    notes: list[str] = []
    if not known.any():
        raise InputError(
            f"{SOURCE}: take-up column {take_up!r} is empty; fix: record for each randomised "
            "person whether they took part (True/False), or leave take_up out"
        )
    if not known.all():
        notes.append(f"{int((~known).sum())} row(s) with unknown {take_up!r} left out of the CACE")
    dk, zk = d[known], z[known]
    if np.all(dk == dk[0]):
        value = "True" if dk[0] == 1 else "False"
        raise AnalysisError(
            f"take-up column {take_up!r} is {value} for every randomised person with a known "
            "take-up: it does not vary, so there is no effect on those who take part to "
            f"estimate; fix: check the {take_up!r} column, or analyse the offer only (ITT)"
        )
    treated, control = dk[zk == 1].mean(), dk[zk == 0].mean()
    if abs(treated - control) < NO_FIRST_STAGE:
        raise AnalysisError(
            f"the offer does not change take-up: {100 * treated:.1f}% took part in both arms "
            f"(columns {take_up!r} by {arm!r}), so random assignment is no instrument for "
            "taking part (no first stage) and the CACE is not defined; fix: check that "
            f"{take_up!r} records taking part and {arm!r} the offer"
        )
    return d, notes


def first_stage_exists(z: np.ndarray, d: np.ndarray, exog: pd.DataFrame) -> bool:
    """Does assignment change take-up once the exogenous regressors are held fixed?"""
    x = np.column_stack([exog.to_numpy(dtype=float), z])
    coef, *_ = np.linalg.lstsq(x, d, rcond=None)
    return bool(abs(coef[-1]) > NO_FIRST_STAGE)
