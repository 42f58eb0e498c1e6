"""The contract every result object follows: ``tidy()``, ``summary()``, ``to_dict()``, HTML.

Every verb of the public API (``impact.rct.itt``, ``impact.power.mde`` …) returns an object
that subclasses :class:`Result`. ``tidy()`` returns a DataFrame with stable column names (the
machine-readable answer); ``summary()`` returns a short text for people; ``to_dict()`` returns
plain Python values (JSON-ready); ``_repr_html_`` lets Jupyter show the tidy table under a
title.
"""

from __future__ import annotations

import html
from abc import ABC, abstractmethod
from typing import Any

import pandas as pd


class Result(ABC):
    """Base class for analysis results."""

    #: Short human title shown above the HTML table in notebooks.
    title: str = "Result"

    @abstractmethod
    def tidy(self) -> pd.DataFrame:
        """Return the result as a DataFrame with stable column names."""

    def summary(self) -> str:
        """Return a short plain-text summary (default: the title and the tidy table)."""
        with pd.option_context("display.width", 120, "display.max_columns", 30):
            return f"{self.title}\n{self.tidy().to_string(index=False)}"

    def to_dict(self) -> dict[str, Any]:
        """Return the result as plain Python values (default: the title and the tidy rows).

        Missing values become ``None``, so the dictionary can be written with :mod:`json`.
        Results whose numbers are not a table (power calculations) return their own fields.
        """
        table = self.tidy()
        rows = table.astype(object).where(table.notna(), None).to_dict(orient="records")
        return {"title": self.title, "rows": rows}

    def __repr__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        table = self.tidy().to_html(index=False, float_format=lambda v: f"{v:.4g}", na_rep="")
        return f"<h4>{html.escape(self.title)}</h4>\n{table}"
