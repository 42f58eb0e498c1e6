"""Exact or CEM matching and the monthly outcome rates in one call: :func:`matched_rates`.

On DuckDB or Spark the register extract stays in the engine (the tables may be passed by name)
and only the counts per group and the rates per group and month come back
(:mod:`impact.analysis.matching.on_engine`); on pandas the same numbers come from
:func:`~impact.analysis.matching.match_persons` and
:func:`~impact.analysis.matching.monthly_rates`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

import pandas as pd

from impact.analysis.matching.inputs import OUTCOMES, check_months
from impact.analysis.matching.matcher import match_persons
from impact.analysis.matching.on_engine import (
    GROUP_COLUMNS,
    RATE_COLUMNS,
    MatchedRates,
    match_in_engine,
)
from impact.analysis.matching.outcomes import monthly_rates
from impact.analysis.matching.spec import DEFAULT_COARSEN, DEFAULT_EXACT, Cutpoints, MatchSpec
from impact.engines.jobs import session_for
from impact.engines.selection import Engine, check_engine
from impact.engines.sessions import EngineSession
from impact.errors import InputError, Problem


def matched_rates(
    persons: pd.DataFrame | str,
    months: pd.DataFrame | str | None = None,
    *,
    engine: Engine = "pandas",
    method: Literal["exact", "cem"] = "exact",
    exact: Sequence[str] = DEFAULT_EXACT,
    coarsen: Mapping[str, Cutpoints] | None = None,
    outcome: Literal["employed", "wage_income"] = "employed",
    confidence_level: float = 0.95,
    session: EngineSession | None = None,
    collect: bool = False,
) -> MatchedRates:
    """Exact or coarsened exact matching and the weighted monthly outcome rates by group.

    Parameters
    ----------
    persons : pandas.DataFrame or str
        ``register_persons`` (``person_id``, ``group``, the matching variables), or (DuckDB,
        Spark) the name of a table in ``session``.
    months : pandas.DataFrame or str, optional
        ``register_months`` (``person_id``, ``month``, the outcome), or a table name; without
        it only the matching is done.
    engine : {"pandas", "duckdb", "spark"}
        Where to compute; the numbers are the same.
    method : {"exact", "cem"}
        Exact matching on ``exact`` and ``coarsen`` (uncoarsened), or CEM.
    exact : sequence of str
        Variables matched exactly.
    coarsen : mapping, optional
        Variables → cut points (a list, a number of bins, ``"sturges"``, or None); default
        birth year in 3-year bins (:data:`impact.analysis.matching.DEFAULT_COARSEN`).
    outcome : {"employed", "wage_income"}
        Column of ``register_months`` to average.
    confidence_level : float
        Level of the intervals of the monthly rates.
    session : EngineSession, optional
        An open session of ``engine`` (default: one opened for this call).
    collect : bool
        Also return the matched persons' weights (as pandas).

    Returns
    -------
    MatchedRates

    Raises
    ------
    InputError
        Bad options, missing tables or columns, unknown groups.
    AnalysisError
        A group without complete persons, or nobody matched.
    """
    engine = check_engine(engine)
    _check_options(method, outcome, confidence_level)
    spec = MatchSpec(
        method=method,
        exact=tuple(exact),
        coarsen=dict(DEFAULT_COARSEN if coarsen is None else coarsen),
    )
    if engine == "pandas":
        persons, months = _as_frames(persons, months)
        return _on_pandas(persons, months, spec, outcome, float(confidence_level), collect)
    with session_for(engine, session) as active:
        return match_in_engine(
            active, persons, months, spec, outcome, float(confidence_level), collect
        )


def _check_options(method: str, outcome: str, confidence_level: float) -> None:
    if method not in ("exact", "cem"):
        raise InputError(
            "Unsupported matching method for matched_rates",
            [
                Problem(
                    "matching",
                    "'exact' or 'cem' (nearest-neighbour and propensity matching: "
                    "impact.analysis.matching.match_persons)",
                    column="method",
                    value=repr(method),
                )
            ],
        )
    if outcome not in OUTCOMES:
        raise InputError(
            "Unknown outcome",
            [
                Problem(
                    "register_months",
                    f"one of {', '.join(OUTCOMES)}",
                    column="outcome",
                    value=repr(outcome),
                )
            ],
        )
    if not 0 < float(confidence_level) < 1:
        raise InputError(
            "Invalid confidence level",
            [
                Problem(
                    "matching",
                    "a number between 0 and 1",
                    column="confidence_level",
                    value=repr(confidence_level),
                )
            ],
        )


def _as_frames(
    persons: pd.DataFrame | str, months: pd.DataFrame | str | None
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The tables, which on pandas must be DataFrames (not names of tables in an engine)."""
    if not isinstance(persons, pd.DataFrame) or (
        months is not None and not isinstance(months, pd.DataFrame)
    ):
        raise InputError(
            "engine 'pandas' needs DataFrames",
            [Problem("matching", "pandas DataFrames for persons and months")],
        )
    return persons, months


def _on_pandas(
    persons: pd.DataFrame,
    months: pd.DataFrame | None,
    spec: MatchSpec,
    outcome: str,
    level: float,
    collect: bool,
) -> MatchedRates:
    """:func:`match_persons` and :func:`monthly_rates`, reduced to the engines' tables."""
    matched = match_persons(persons, spec)
    groups = matched.tidy()[GROUP_COLUMNS]
    rates = None
    if months is not None:
        long = check_months(months, matched.persons, outcome)
        panel = long.merge(
            matched.persons[["person_id", "group", "treated", "weight"]],
            on="person_id",
            how="inner",
        )
        rates = monthly_rates(panel, level=level, share=outcome == "employed")[RATE_COLUMNS]
        rates = rates.sort_values(["group", "month"]).reset_index(drop=True)
    weights = None
    if collect:
        kept = matched.persons[matched.persons["weight"] > 0]
        weights = (
            kept[["person_id", "group", "subclass", "weight"]]
            .sort_values("person_id")
            .reset_index(drop=True)
        )
    return MatchedRates("pandas", spec, groups, rates, weights)
