"""One specification of the register comparison: its matched set, estimates and sensitivity."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from impact.results import Result

from .balance import Balance, balance_table
from .matcher import MatchedSet
from .outcomes import ESTIMATE_COLUMNS, did, end_difference, event_study, monthly_rates
from .sensitivity import Sensitivity, specification_sensitivity


@dataclass(frozen=True)
class SpecificationResult(Result):
    """Everything estimated under one matching specification.

    Attributes
    ----------
    name : str
    matched : MatchedSet
    balance : Balance
    rates : DataFrame
        Monthly rate by group (``group``, ``month``, ``rate``, ``std_error``, ``ci_lower``,
        ``ci_upper``, ``n``).
    estimates : DataFrame
        ``estimator`` (``end_difference``, ``adjusted``, ``did``) and :data:`ESTIMATE_COLUMNS`.
    events : DataFrame
        Event-study coefficients by month.
    sensitivity : Sensitivity or None
        E-values and Rosenbaum bounds (:mod:`impact.analysis.matching.sensitivity`).
    """

    name: str
    matched: MatchedSet
    balance: Balance
    rates: pd.DataFrame
    estimates: pd.DataFrame
    events: pd.DataFrame
    sensitivity: Sensitivity | None = None
    title: str = "Matched comparison"

    def tidy(self) -> pd.DataFrame:
        """The estimates with the specification name and their E-values."""
        out = self.estimates.assign(specification=self.name)
        ev = self.sensitivity.evalues if self.sensitivity else None
        found = ev.tidy().set_index("label") if ev is not None else None
        for column in ("e_value", "e_value_ci"):
            out[column] = out["estimator"].map(found[column]) if found is not None else np.nan
        return out[["specification", "estimator", *ESTIMATE_COLUMNS, "e_value", "e_value_ci"]]


def analyse_specification(
    name, matched: MatchedSet, months: pd.DataFrame, *, end_month, reference_month, level, share
) -> SpecificationResult:
    persons = matched.persons
    variables = matched.spec.variables
    panel = months.merge(
        persons[["person_id", "group", "treated", "weight"]], on="person_id", how="inner"
    )
    rates = monthly_rates(panel, level=level, share=share)
    estimates = pd.DataFrame(
        [
            {
                "estimator": "end_difference",
                **end_difference(panel, persons, end_month=end_month, level=level),
            },
            {
                "estimator": "adjusted",
                **end_difference(
                    panel, persons, end_month=end_month, adjust=variables, level=level
                ),
            },
            {"estimator": "did", **did(panel, reference_month=reference_month, level=level)},
        ]
    )
    events = event_study(panel, reference_month=reference_month, level=level)
    balance = Balance(balance_table(persons, variables, persons["weight"].to_numpy(float)))
    spec = matched.spec
    sensitivity = specification_sensitivity(
        panel, persons, estimates, spec_method=spec.method if name != "unmatched" else "none",
        replace=spec.replace, end_month=end_month, share=share, level=level,
    )  # fmt: skip
    return SpecificationResult(name, matched, balance, rates, estimates, events, sensitivity)


def everyone(matched: MatchedSet) -> MatchedSet:
    """The unmatched comparison: the main specification's people, all with weight 1."""
    persons = matched.persons.assign(weight=1.0, matched=True)
    return MatchedSet(matched.spec, persons, matched.dropped_missing)
