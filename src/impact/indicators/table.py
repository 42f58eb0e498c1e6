"""The indicator table as a :class:`~impact.results.Result`: what the public API returns.

:func:`compute_indicators` here is the public verb (``impact.indicators.compute_indicators``);
it wraps :func:`impact.indicators.compute.compute_indicators`, which the pipeline and the
engines call and which returns the bare DataFrame.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from impact.engines import Engine, EngineSession
from impact.indicators.compute import compute_indicators as _compute_indicators
from impact.indicators.panel_check import Definitions
from impact.results import Result


@dataclass(repr=False)
class IndicatorTable(Result):
    """Every indicator for every person of a linked panel.

    Attributes
    ----------
    table : pandas.DataFrame
        The person-level columns, then one column per indicator (``boolean``; counts
        ``Int64``), ``pd.NA`` where missing; ``table.attrs["indicators"]`` holds the
        definitions' ids, versions, rules and parameters.
    """

    table: pd.DataFrame
    title: str = field(default="Indicators", init=False)

    @property
    def indicators(self) -> list[str]:
        """The ids of the indicators computed, in column order."""
        return [d["id"] for d in self.metadata.get("definitions", [])]

    @property
    def metadata(self) -> dict[str, Any]:
        """Definition ids, versions, rules, parameters and missing counts (``attrs``)."""
        return dict(self.table.attrs.get("indicators", {}))

    def tidy(self) -> pd.DataFrame:
        """The indicator table itself (one row per person)."""
        return self.table

    def summary(self) -> str:
        """How many persons and which indicators."""
        names = ", ".join(self.indicators)
        return f"{self.title}: {len(self.table)} persons; {names}"


def compute_indicators(
    linked: pd.DataFrame,
    definitions: Definitions = None,
    params: Mapping[str, Any] | None = None,
    *,
    engine: Engine = "pandas",
    session: EngineSession | None = None,
) -> IndicatorTable:
    """Compute every indicator for every person of the linked panel.

    Parameters
    ----------
    linked : pandas.DataFrame
        The linked panel (``links.panel`` of :func:`impact.link.link_study`): one row per
        person, wave columns prefixed ``b_``, ``r_``, ``f1_`` …
    definitions : None, path, DefinitionSet, list of IndicatorDefinition or IndicatorRegistry
        None uses the built-in definitions; a YAML file (the study file's
        ``indicators.definitions``) adds definitions or replaces built-in ones with the same id.
    params : mapping, optional
        Parameter overrides: ``{name: value}`` for every definition declaring ``name``, or
        ``{"id.name": value}`` for one definition.
    engine : {"pandas", "duckdb", "spark"}
        Where the rules run: the same table on every engine (on DuckDB and Spark the rules are
        compiled to SQL).
    session : EngineSession, optional
        An open DuckDB or Spark session to reuse (one is opened and closed otherwise).

    Returns
    -------
    IndicatorTable
        ``table`` (also ``tidy()``): the person-level columns, then one column per indicator.
    """
    return IndicatorTable(
        _compute_indicators(
            linked, definitions=definitions, params=params, engine=engine, session=session
        )
    )
