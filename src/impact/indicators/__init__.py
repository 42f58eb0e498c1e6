"""Indicators: declarative, versioned, parameterised definitions and their computation.

The public namespace ``impact.indicators`` is the names in ``__all__``:

* :func:`compute_indicators` — linked panel → :class:`IndicatorTable` (one row per person), on
  pandas, DuckDB or Spark (``engine=``);
* :func:`aggregate_indicators` — indicator counts and shares computed inside the engine
  (:class:`IndicatorAggregates`), for tables too large to bring back;
* :func:`missing_counts` — why each indicator is missing, per person count;
* :func:`run_conformance` — the definitions checked against the conformance vectors
  (:func:`default_vectors_path`: the built-in vectors, for checking your own code);
* :func:`load_registry` — the built-in definitions, with a study's own file added;
* :func:`write_codebook` — the indicator codebook in Markdown and Quarto.

The built-in definitions live in ``data_schema/indicators.yaml``; rules are written in a small
expression language (:mod:`.expr_parser`) and evaluated column-wise with pandas
(:mod:`.expr_eval`) or compiled to SQL for DuckDB and Spark (:mod:`.sql_compile`). Every other
name importable from here or from the submodules is internal.
See ``docs/indicators.md``.
"""

from impact.errors import ExpressionError
from impact.indicators.aggregates import IndicatorAggregates
from impact.indicators.codebook import write_codebook
from impact.indicators.compute import aggregate_indicators
from impact.indicators.conformance import ConformanceResult, default_vectors_path, run_conformance
from impact.indicators.definitions import DefinitionSet as DefinitionSet
from impact.indicators.definitions import IndicatorDefinition as IndicatorDefinition
from impact.indicators.definitions import ParamSpec as ParamSpec
from impact.indicators.definitions import Population as Population
from impact.indicators.definitions import load_definitions as load_definitions
from impact.indicators.expr_parser import parse as parse
from impact.indicators.io import read_panel as read_panel
from impact.indicators.io import write_indicators as write_indicators
from impact.indicators.missing import MissingCounts, missing_counts
from impact.indicators.registry import BoundIndicator as BoundIndicator
from impact.indicators.registry import IndicatorRegistry, load_registry
from impact.indicators.registry import builtin_registry as builtin_registry
from impact.indicators.table import IndicatorTable, compute_indicators

__all__ = [
    "compute_indicators",
    "aggregate_indicators",
    "missing_counts",
    "run_conformance",
    "default_vectors_path",
    "load_registry",
    "write_codebook",
    "IndicatorTable",
    "IndicatorAggregates",
    "MissingCounts",
    "ConformanceResult",
    "IndicatorRegistry",
    "ExpressionError",
]
