"""The few places where DuckDB's and Spark's SQL differ: quoting, text literals, type names."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["boolean", "number", "string"]


@dataclass(frozen=True)
class Dialect:
    """How to write identifiers, literals and types for one SQL engine.

    Attributes
    ----------
    name : {"duckdb", "spark"}
        The engine.
    """

    name: Literal["duckdb", "spark"]

    def quote(self, identifier: str) -> str:
        """Quote a column or table name (``"x"`` in DuckDB, ```x``` in Spark)."""
        if self.name == "spark":
            return "`" + identifier.replace("`", "``") + "`"
        return '"' + identifier.replace('"', '""') + '"'

    def text(self, value: str) -> str:
        """A text literal; quotes (and in Spark backslashes) escaped."""
        if self.name == "spark":
            value = value.replace("\\", "\\\\")
        return "'" + value.replace("'", "''") + "'"

    def null(self, kind: Kind) -> str:
        """A typed missing value of ``kind``."""
        types = {"boolean": "BOOLEAN", "number": "BIGINT", "string": "STRING"}
        if self.name == "duckdb":
            types["string"] = "VARCHAR"
        return f"CAST(NULL AS {types[kind]})"

    def literal(self, value: bool | int | float | str) -> str:
        """A constant: booleans as TRUE/FALSE, integers as digits, decimals as DOUBLE."""
        if isinstance(value, bool):
            return "TRUE" if value else "FALSE"
        if isinstance(value, int):
            return str(value)
        if isinstance(value, float):
            return f"CAST({value!r} AS DOUBLE)"
        return self.text(str(value))

    def log2(self, expression: str) -> str:
        """Base-2 logarithm."""
        return f"LOG2({expression})"
