"""Declarative, versioned, parameterised indicator definitions and their computation.

The built-in definitions live in ``data_schema/indicators.yaml``; rules are written in a small
expression language (:mod:`.expr_parser`) and evaluated column-wise with pandas
(:mod:`.expr_eval`) or compiled to SQL for DuckDB and Spark (:mod:`.sql_compile`).
See ``docs/indicators.md``.
"""

from impact.indicators.aggregates import IndicatorAggregates
from impact.indicators.codebook import write_codebook
from impact.indicators.compute import aggregate_indicators, compute_indicators
from impact.indicators.conformance import ConformanceResult, run_conformance
from impact.indicators.definitions import (
    DefinitionSet,
    IndicatorDefinition,
    ParamSpec,
    Population,
    load_definitions,
)
from impact.indicators.expr_parser import ExpressionError, parse
from impact.indicators.io import read_panel, write_indicators
from impact.indicators.missing import MissingCounts, missing_counts
from impact.indicators.registry import (
    BoundIndicator,
    IndicatorRegistry,
    builtin_registry,
    load_registry,
)

__all__ = [
    "BoundIndicator",
    "ConformanceResult",
    "DefinitionSet",
    "ExpressionError",
    "IndicatorAggregates",
    "IndicatorDefinition",
    "IndicatorRegistry",
    "MissingCounts",
    "ParamSpec",
    "Population",
    "aggregate_indicators",
    "builtin_registry",
    "compute_indicators",
    "load_definitions",
    "load_registry",
    "missing_counts",
    "parse",
    "read_panel",
    "run_conformance",
    "write_codebook",
    "write_indicators",
]
