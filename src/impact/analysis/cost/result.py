"""The cost-effectiveness result: cost per additional outcome and impact per amount spent."""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field

import pandas as pd

from impact.analysis.cost.text import cost_sentence, impact_sentence
from impact.i18n import Lang, check_lang
from impact.results import Result

__all__ = ["COLUMNS", "CostEffectiveness", "CostResult"]

#: Columns of :meth:`CostEffectiveness.tidy`.
COLUMNS = [
    "outcome",
    "effect",
    "estimate",
    "std_error",
    "df",
    "effect_low",
    "effect_high",
    "cost_per_person",
    "cost_per_outcome",
    "fieller_interval",
    "fieller_low",
    "fieller_high",
    "bootstrap_interval",
    "bootstrap_low",
    "bootstrap_high",
    "bootstrap_draws",
    "per_amount",
    "impact",
    "impact_low",
    "impact_high",
    "impact_boot_low",
    "impact_boot_high",
    "currency",
    "price_year",
    "level",
]


@dataclass(frozen=True, repr=False)
class CostResult(Result):
    """A table of costs, the cost basis they come from, and sentences in sv/en (subclasses
    write :meth:`sentences`)."""

    table: pd.DataFrame
    basis: dict = field(default_factory=dict)

    def tidy(self) -> pd.DataFrame:
        """One row per outcome (see the class docstring)."""
        return self.table.copy()

    def sentences(self, lang: Lang = "en") -> list[str]:  # pragma: no cover - abstract
        """The result in words."""
        raise NotImplementedError

    def summary(self) -> str:
        """The sentences in English."""
        return "\n".join([self.title, *self.sentences("en")])

    def to_dict(self) -> dict:
        """JSON-ready rows (missing values as None), the cost basis and the sentences."""
        rows = [
            {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()}
            for r in self.table.to_dict(orient="records")
        ]
        return {
            "title": self.title,
            "basis": dict(self.basis),
            "rows": rows,
            "sentences": {lang: self.sentences(lang) for lang in ("sv", "en")},
        }

    def _repr_html_(self) -> str:
        items = "".join(f"<li>{html.escape(s)}</li>" for s in self.sentences("en"))
        table = self.table.to_html(index=False, float_format=lambda v: f"{v:.4g}", na_rep="")
        return f"<h4>{html.escape(self.title)}</h4>\n<ul>{items}</ul>\n{table}"


@dataclass(frozen=True, repr=False)
class CostEffectiveness(CostResult):
    """Cost per additional person with an outcome, with Fieller and bootstrap intervals.

    ``tidy()`` has one row per outcome and effect (``itt``: cost per person offered ÷ ITT;
    ``cace``: cost per participant ÷ CACE). ``cost_per_outcome`` is missing when the effect
    is not positive; ``fieller_interval`` / ``bootstrap_interval`` say how to read the limits:
    ``bounded`` (both), ``no_upper_limit`` (the effect's interval includes zero: only a lower
    limit, ``*_high`` missing), ``not_positive`` (no positive cost at all), ``unbounded``.
    ``impact`` is the J-PAL style "additional people with the outcome per ``per_amount``",
    with t-based (``impact_low/high``) and bootstrap (``impact_boot_low/high``) intervals.
    """

    title = "Cost-effectiveness"

    def sentences(self, lang: Lang = "en") -> list[str]:
        """Per row: the cost per additional outcome and the impact per amount, in words."""
        lang = check_lang(lang)
        rows = self.table.to_dict(orient="records")
        return [f"{cost_sentence(r, lang)} {impact_sentence(r, lang)}" for r in rows]
