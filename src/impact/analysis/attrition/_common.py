"""Input checks and small conversions shared by the attrition modules.

Every public attrition function takes the linked-panel / indicator table (one row per randomised
person, ``arm`` in {treatment, control}, ``responded_<stage>`` booleans, baseline covariates and
outcome columns with ``pd.NA`` for people without the outcome). The helpers here turn that table
into numpy arrays after checking it, and raise :class:`~impact.errors.InputError` naming the
column, value and what was expected when something is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Literal, get_args

import numpy as np
import pandas as pd

from impact.errors import AnalysisError, InputError, Problem

#: Name of the arm column and its two codes (data contract of the linked panel).
ARM = "arm"
TREATMENT = "treatment"
CONTROL = "control"
#: Source name used in error messages.
SOURCE = "indicator table"

Population = Literal["randomised", "baseline"]

_STAGE_RE = re.compile(r"^(b|r|f[1-9][0-9]*)$")


def _invalid_option(name: str, value: object, expected: str) -> InputError:
    """The error of an attrition option ``name`` given ``value``: it should be ``expected``."""
    return InputError(
        f"Invalid value for '{name}'",
        [Problem(source="attrition options", column=name, value=str(value), expected=expected)],
    )


def check_option(name: str, value: object, allowed_type: object) -> None:
    """Raise :class:`InputError` unless ``value`` is one of the ``Literal`` choices.

    Parameters
    ----------
    name : str
        Argument name, used in the message.
    value : object
        The value given.
    allowed_type : typing.Literal
        The ``Literal[...]`` type listing the allowed values.
    """
    allowed = get_args(allowed_type)
    if value not in allowed:
        raise _invalid_option(name, value, "one of " + ", ".join(repr(a) for a in allowed))


def check_probability(name: str, value: float, *, open_interval: bool = True) -> None:
    """Raise :class:`InputError` unless ``0 < value < 1`` (or ``0 <= value <= 1``)."""
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and np.isfinite(value)
    if ok:
        ok = (0 < value < 1) if open_interval else (0 <= value <= 1)
    if not ok:
        interval = "strictly between 0 and 1" if open_interval else "between 0 and 1"
        raise _invalid_option(name, value, interval)


def check_count(name: str, value: int, minimum: int) -> None:
    """Raise :class:`InputError` unless ``value`` is an integer ``>= minimum``."""
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < minimum:
        raise _invalid_option(name, value, f"an integer >= {minimum}")


def require_columns(data: pd.DataFrame, columns: Sequence[str], why: str) -> None:
    """Raise :class:`InputError` listing every column of ``columns`` missing from ``data``."""
    if not isinstance(data, pd.DataFrame):
        raise InputError(
            "The attrition analysis needs a pandas DataFrame",
            [Problem(source=SOURCE, value=type(data).__name__, expected="a pandas DataFrame")],
        )
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise InputError(
            f"The {SOURCE} lacks columns needed for {why}",
            [Problem(source=SOURCE, column=c, expected=f"a column '{c}' ({why})") for c in missing],
        )


def arm_indicator(data: pd.DataFrame) -> np.ndarray:
    """Return ``1`` for treatment and ``0`` for control, checking the ``arm`` column.

    Raises
    ------
    InputError
        If the column is missing, has missing values or codes other than treatment/control.
    AnalysisError
        If one arm is empty.
    """
    require_columns(data, [ARM], "the randomised arm")
    arm = data[ARM].astype("string")
    problems = []
    bad = arm.isna() | ~arm.isin([TREATMENT, CONTROL])
    for row in np.flatnonzero(bad.to_numpy(dtype=bool))[:20]:
        value = arm.iloc[row]
        problems.append(
            Problem(
                source=SOURCE,
                row=int(row) + 1,
                column=ARM,
                value=None if pd.isna(value) else str(value),
                expected="'treatment' or 'control'",
            )
        )
    if problems:
        raise InputError(f"The '{ARM}' column has invalid values", problems)
    treat = (arm == TREATMENT).to_numpy(dtype=bool).astype(int)
    if treat.sum() == 0 or treat.sum() == len(treat):
        empty = CONTROL if treat.sum() == len(treat) else TREATMENT
        raise AnalysisError(f"Attrition analysis needs both arms; the {empty} arm is empty.")
    return treat


def response_column(stage: str) -> str:
    """Return ``responded_<stage>`` after checking that ``stage`` is b, r or f<k>."""
    if not isinstance(stage, str) or not _STAGE_RE.match(stage):
        raise InputError(
            "Invalid survey stage",
            [
                Problem(
                    source="attrition options",
                    column="stage",
                    value=str(stage),
                    expected="'b' (baseline), 'f1', 'f2', … (follow-ups) or 'r' (result)",
                )
            ],
        )
    return f"responded_{stage}"


def responded(data: pd.DataFrame, stage: str) -> np.ndarray:
    """Return the 0/1 response indicator of ``stage``, checking the column."""
    column = response_column(stage)
    require_columns(data, [column], f"response at stage '{stage}'")
    values = data[column]
    if values.isna().any():
        rows = np.flatnonzero(values.isna().to_numpy(dtype=bool))[:20]
        raise InputError(
            f"The '{column}' column has missing values",
            [
                Problem(source=SOURCE, row=int(r) + 1, column=column, expected="True or False")
                for r in rows
            ],
        )
    if not set(pd.unique(values.astype(object))) <= {True, False}:
        raise InputError(
            f"The '{column}' column is not boolean",
            [Problem(source=SOURCE, column=column, value=str(values.dtype),
                     expected="True/False (or 1/0) values")],
        )  # fmt: skip
    out = values.astype(bool).to_numpy(dtype=bool)
    return out.astype(int)


def stages_in(data: pd.DataFrame) -> list[str]:
    """Return the survey stages present as ``responded_*`` columns: b, f1, f2, …, r."""
    found = [c.removeprefix("responded_") for c in data.columns if c.startswith("responded_")]
    found = [s for s in found if _STAGE_RE.match(s)]
    follow = sorted((s for s in found if s.startswith("f")), key=lambda s: int(s[1:]))
    return (["b"] if "b" in found else []) + follow + (["r"] if "r" in found else [])


def stage_label(stage: str) -> str:
    """Human label of a stage code (``f2`` → ``follow-up 2``)."""
    if stage == "randomised":
        return "randomised"
    if stage == "b":
        return "baseline"
    if stage == "r":
        return "result"
    return f"follow-up {stage[1:]}"


def outcome_values(data: pd.DataFrame, outcome: str) -> tuple[np.ndarray, np.ndarray, bool]:
    """Return the outcome as floats (``nan`` where missing), the observed mask and binary flag.

    Booleans become 0/1. An outcome is *binary* when every observed value is 0 or 1.

    Raises
    ------
    InputError
        If the column is missing or not numeric/boolean.
    """
    if not isinstance(outcome, str):
        raise InputError(
            "Outcome names must be strings",
            [
                Problem(
                    source="attrition options",
                    column="outcome",
                    value=str(outcome),
                    expected="a column name",
                )
            ],
        )
    require_columns(data, [outcome], f"the outcome '{outcome}'")
    series = data[outcome]
    if not (pd.api.types.is_bool_dtype(series) or pd.api.types.is_numeric_dtype(series)):
        observed = series.dropna()
        if len(observed) and set(pd.unique(observed.astype(object))) <= {True, False}:
            series = series.astype("boolean")
        else:
            raise InputError(
                f"The outcome '{outcome}' is not numeric or boolean",
                [
                    Problem(
                        source=SOURCE,
                        column=outcome,
                        value=str(series.dtype),
                        expected="a boolean or numeric column (pd.NA where missing)",
                    )
                ],
            )
    y = series.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    if np.isinf(y).any():
        raise InputError(
            f"The outcome '{outcome}' has infinite values",
            [Problem(source=SOURCE, column=outcome, value="inf", expected="finite numbers")],
        )
    observed = ~np.isnan(y)
    binary = bool(np.isin(y[observed], (0.0, 1.0)).all())
    return y, observed, binary


def covariate_frame(data: pd.DataFrame, covariates: Sequence[str]) -> pd.DataFrame:
    """Return a numeric design frame for ``covariates`` (no constant), ``nan`` where missing.

    Numeric and boolean covariates enter as numbers (ordinal codes such as ``education_level``
    enter linearly); text or categorical covariates enter as 0/1 indicators of every level but
    the first in sorted order (the reference level), named ``<covariate>[<level>]``.
    """
    if isinstance(covariates, str):
        covariates = [covariates]
    covariates = list(covariates)
    if not covariates:
        raise InputError(
            "At least one covariate is needed",
            [Problem(source="attrition options", column="covariates", value="[]",
                     expected="a list of baseline covariate columns, e.g. ['gender', 'age']")],
        )  # fmt: skip
    require_columns(data, covariates, "the covariates")
    parts = {}
    for name in covariates:
        series = data[name]
        if pd.api.types.is_bool_dtype(series) or pd.api.types.is_numeric_dtype(series):
            parts[name] = series.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
            continue
        text = series.astype("string")
        levels = sorted(text.dropna().unique())
        missing = text.isna().to_numpy(dtype=bool)
        for level in levels[1:]:
            column = (text == level).to_numpy(dtype=float, na_value=np.nan)
            column[missing] = np.nan
            parts[f"{name}[{level}]"] = column
    return pd.DataFrame(parts, index=data.index)


def choose_population(
    data: pd.DataFrame, design: pd.DataFrame, population: Population | None
) -> tuple[np.ndarray, Population, int]:
    """Return the rows analysed: the population, minus rows with missing covariates.

    Parameters
    ----------
    data : DataFrame
        The indicator table.
    design : DataFrame
        The covariate design frame (``nan`` where missing).
    population : {"randomised", "baseline"} or None
        ``"randomised"`` analyses everyone randomised; ``"baseline"`` only baseline respondents
        (``responded_b``), for whom baseline covariates are known. ``None`` chooses
        ``"randomised"`` when the covariates are known for everyone, else ``"baseline"``.

    Returns
    -------
    mask : ndarray of bool
        Rows analysed.
    population : str
        The population used.
    n_excluded : int
        Rows of the population dropped because a covariate is missing (item non-response).
    """
    complete = ~design.isna().any(axis=1).to_numpy(dtype=bool)
    if population is None:
        population = "randomised" if complete.all() else "baseline"
    check_option("population", population, Population)
    if population == "randomised":
        base = np.ones(len(data), dtype=bool)
    else:
        base = responded(data, "b").astype(bool)
    mask = base & complete
    if mask.sum() == 0:
        raise AnalysisError(
            f"No {population} person has all covariates ({', '.join(design.columns)}) observed."
        )
    return mask, population, int((base & ~complete).sum())


def bootstrap_within_arm(
    treat: np.ndarray, n_bootstrap: int, seed: int, statistic: Callable[[np.ndarray], object]
) -> tuple[list, int]:
    """``statistic(rows)`` on ``n_bootstrap`` resamples of people within arm (seeded).

    Returns the values of the replicates that worked and how many raised
    :class:`~impact.errors.AnalysisError` (skipped).
    """
    rng = np.random.default_rng(seed)
    arm_rows = [np.flatnonzero(treat == a) for a in (1, 0)]
    draws, n_failed = [], 0
    for _ in range(n_bootstrap):
        idx = np.concatenate([rng.choice(r, size=len(r), replace=True) for r in arm_rows])
        try:
            draws.append(statistic(idx))
        except AnalysisError:
            n_failed += 1
    return draws, n_failed
