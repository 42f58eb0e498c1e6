"""Checking the register tables (``register_persons``, ``register_months``).

Errors name the table, row, column and value. Persons with a missing matching variable cannot
be matched: they are left out and counted (``dropped_missing``), never silently.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype

from impact.analysis._common import bad_rows
from impact.errors import AnalysisError, InputError, Problem

PERSONS = "register_persons"
MONTHS = "register_months"
GROUPS = ("intervention", "external")
OUTCOMES = ("employed", "wage_income")


def _frame(data: object, source: str) -> pd.DataFrame:
    if not isinstance(data, pd.DataFrame):
        raise InputError(
            f"expected the {source} table as a pandas DataFrame; got {type(data).__name__}"
        )
    if data.empty:
        raise InputError(f"the {source} table has no rows")
    return data


def _require(data: pd.DataFrame, columns: Sequence[str], source: str) -> None:
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise InputError(
            f"{source}: column(s) not found",
            [Problem(source, column=c, expected=f"a column named {c!r}") for c in missing],
        )


def check_persons(persons: pd.DataFrame, variables: Sequence[str]) -> pd.DataFrame:
    """Validate the persons table; return it with ``treated`` (1/0) and a clean index.

    Raises
    ------
    InputError
        Missing columns, bad ``group`` values, duplicate or missing ``person_id``.
    AnalysisError
        No intervention member or no external person.
    """
    _frame(persons, PERSONS)
    _require(persons, ["person_id", "group", *variables], PERSONS)
    ids = persons["person_id"].astype("string")
    bad_rows(persons, "person_id", ids.isna().to_numpy(bool), "a person id", PERSONS)
    bad_rows(persons, "person_id", ids.duplicated().to_numpy(bool), "each person once", PERSONS)
    group = persons["group"].astype("string").str.strip().str.lower()
    bad_rows(
        persons,
        "group",
        (~group.isin(GROUPS)).fillna(True).to_numpy(bool),
        "'intervention' or 'external'",
        PERSONS,
    )
    out = persons.reset_index(drop=True).copy()
    out["person_id"] = ids.to_numpy()
    out["group"] = group.to_numpy()
    out["treated"] = (out["group"] == "intervention").astype(int)
    for name in GROUPS:
        if not (out["group"] == name).any():
            raise AnalysisError(f"{PERSONS}: no person in group {name!r}; matching needs both")
    return out


def complete_cases(
    persons: pd.DataFrame, variables: Sequence[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split persons into those with every matching variable and a count of the others.

    Returns
    -------
    (DataFrame, DataFrame)
        The complete persons, and ``group``, ``dropped_missing`` counts.
    """
    missing = persons[list(variables)].isna().any(axis=1)
    counts = (
        persons.assign(dropped_missing=missing.astype(int))
        .groupby("group", sort=True)["dropped_missing"]
        .sum()
        .reset_index()
    )
    kept = persons[~missing].reset_index(drop=True)
    for name in GROUPS:
        if not (kept["group"] == name).any():
            raise AnalysisError(
                f"{PERSONS}: every {name!r} person has a missing matching variable "
                f"({', '.join(variables)})"
            )
    return kept, counts


def check_months(months: pd.DataFrame, persons: pd.DataFrame, outcome: str) -> pd.DataFrame:
    """Validate the months table; return ``person_id``, ``month`` (int), ``y`` (float).

    Raises
    ------
    InputError
        Missing columns, non-integer months, duplicated person-months, unknown persons,
        missing or invalid outcome values.
    """
    if outcome not in OUTCOMES:
        raise InputError(f"outcome must be one of {', '.join(OUTCOMES)}; got {outcome!r}")
    _frame(months, MONTHS)
    _require(months, ["person_id", "month", outcome], MONTHS)
    ids = months["person_id"].astype("string")
    known = ids.isin(set(persons["person_id"])).fillna(False).to_numpy(bool)
    bad_rows(months, "person_id", ~known, f"a person_id listed in {PERSONS}", MONTHS)
    month = pd.to_numeric(months["month"], errors="coerce")
    bad_month = (month.isna() | (month != np.round(month))).to_numpy(bool)
    bad_rows(months, "month", bad_month, "a whole month (0 = study start)", MONTHS)
    values = months[outcome]
    if outcome == "employed":
        if is_bool_dtype(values.dtype):
            y = values.astype("boolean")
        else:
            y = pd.to_numeric(values, errors="coerce")
            bad = (~y.isin([0, 1])).to_numpy(bool)
            bad_rows(months, outcome, bad, "true/false (or 1/0)", MONTHS)
        y = y.astype("Float64")
        bad_rows(
            months, outcome, y.isna().to_numpy(bool), "true/false (or 1/0), not missing", MONTHS
        )
    else:
        y = (
            pd.to_numeric(values, errors="coerce").astype("Float64")
            if not is_numeric_dtype(values.dtype)
            else values.astype("Float64")
        )
        bad_rows(
            months,
            outcome,
            (y.isna() | (y < 0)).fillna(True).to_numpy(bool),
            "an amount ≥ 0",
            MONTHS,
        )
    out = pd.DataFrame(
        {
            "person_id": ids.to_numpy(),
            "month": month.astype(int).to_numpy(),
            "y": y.astype(float).to_numpy(),
        }
    )
    dup = out.duplicated(["person_id", "month"]).to_numpy(bool)
    bad_rows(months, "month", dup, "one row per person and month", MONTHS)
    return out
