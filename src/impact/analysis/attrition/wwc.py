"""What Works Clearinghouse (WWC) attrition standard: low or high attrition.

The WWC rates a randomised study's attrition as *low* when its differential attrition (absolute
difference of the arms' attrition rates) is at most the boundary for its overall attrition, and
*high* otherwise. The boundary comes from the WWC attrition-bias model (Deke & Chiang 2017) and
is published as a table of overall attrition 0–65 % in 1-point steps with the largest tolerable
differential (percentage points) under two assumptions about how strongly attrition is related
to outcomes: *cautious* (the intervention could plausibly affect who responds) and *optimistic*
(it is unlikely to). The table ships as ``wwc_boundaries.csv`` next to this module (WWC
Standards Handbook v4.1, Table II.1; unchanged in v5.0). Under the cautious boundary, overall
attrition above 57 % is high whatever the differential; under the optimistic one, above 65 %.

Between table rows the boundary is linearly interpolated by default (``interpolation="linear"``);
``"nearest"`` instead rounds overall attrition half-up to a whole percent and reads that row, as a
reviewer reading the printed table would. Beyond the last row with a value, attrition is high.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Literal

import pandas as pd

from impact.errors import InputError, Problem
from impact.results import Result

from ._common import check_option

Boundary = Literal["cautious", "optimistic"]
Interpolation = Literal["linear", "nearest"]

_TOLERANCE_PP = 1e-9


@lru_cache(maxsize=1)
def _table() -> pd.DataFrame:
    path = resources.files("impact.analysis.attrition").joinpath("wwc_boundaries.csv")
    with path.open("r", encoding="utf-8") as handle:
        table = pd.read_csv(handle, dtype=float)
    table["overall_attrition_pct"] = table["overall_attrition_pct"].astype(int)
    return table


def wwc_boundaries() -> pd.DataFrame:
    """Return the WWC boundary table.

    Returns
    -------
    DataFrame
        Columns ``overall_attrition_pct`` (0–65), ``cautious_max_differential_pp`` and
        ``optimistic_max_differential_pp`` (largest differential attrition in percentage points
        that is still *low* attrition; NaN where any differential is high).
    """
    return _table().copy()


def max_differential(
    overall: float, *, boundary: Boundary = "cautious", interpolation: Interpolation = "linear"
) -> float:
    """Return the largest differential attrition (as a proportion) that is still low.

    Parameters
    ----------
    overall : float
        Overall attrition as a proportion in [0, 1].
    boundary : {"cautious", "optimistic"}
        Which WWC boundary.
    interpolation : {"linear", "nearest"}
        How to read the table between whole percents (see the module notes).

    Returns
    -------
    float
        The boundary as a proportion, or NaN when every differential is high at this overall
        attrition.
    """
    check_option("boundary", boundary, Boundary)
    check_option("interpolation", interpolation, Interpolation)
    _check_share("overall", overall)
    column = f"{boundary}_max_differential_pp"
    values = _table()[column].to_numpy()
    pct = overall * 100
    if interpolation == "nearest":
        index = math.floor(pct + 0.5)
        if index >= len(values):
            return float("nan")
        return float(values[index]) / 100
    lower = math.floor(pct + 1e-9)
    if lower >= len(values) or math.isnan(values[lower]):
        return float("nan")
    share = pct - lower
    if share <= 1e-9:
        return float(values[lower]) / 100
    if lower + 1 >= len(values) or math.isnan(values[lower + 1]):
        return float("nan")
    return float(values[lower] + share * (values[lower + 1] - values[lower])) / 100


def _check_share(name: str, value: float) -> None:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not ok or math.isnan(value) or not 0 <= value <= 1:
        raise InputError(
            f"Invalid {name} attrition",
            [
                Problem(
                    source="WWC attrition standard",
                    column=name,
                    value=str(value),
                    expected="a proportion between 0 and 1 (e.g. 0.25 for 25 %)",
                )
            ],
        )


@dataclass(repr=False)
class WWCClassification(Result):
    """Low/high attrition under both WWC boundaries, with the one chosen by the study.

    Attributes
    ----------
    overall_attrition, differential_attrition : float
        Proportions; the differential is the absolute difference between the arms.
    boundary : str
        The boundary the study uses (``cautious`` or ``optimistic``).
    interpolation : str
        How the table was read.
    max_differential : dict
        Boundary name → largest tolerable differential (proportion; NaN = none).
    ratings : dict
        Boundary name → ``"low"`` or ``"high"``.
    """

    overall_attrition: float
    differential_attrition: float
    boundary: str
    interpolation: str
    max_differential: dict[str, float]
    ratings: dict[str, str]
    title = "WWC attrition standard"

    @property
    def rating(self) -> str:
        """``"low"`` or ``"high"`` attrition under the chosen boundary."""
        return self.ratings[self.boundary]

    def tidy(self) -> pd.DataFrame:
        """One row per boundary: overall, differential, max_differential, rating, chosen."""
        return pd.DataFrame(
            [
                {
                    "boundary": name,
                    "overall_attrition": self.overall_attrition,
                    "differential_attrition": self.differential_attrition,
                    "max_differential": self.max_differential[name],
                    "rating": self.ratings[name],
                    "chosen": name == self.boundary,
                }
                for name in ("cautious", "optimistic")
            ]
        )

    def summary(self) -> str:
        """One line: the rates, the chosen boundary's limit and the rating."""
        limit = self.max_differential[self.boundary]
        limit_text = "none (overall too high)" if math.isnan(limit) else f"{limit * 100:.1f} pp"
        return (
            f"{self.title}: overall {self.overall_attrition:.1%}, differential "
            f"{self.differential_attrition * 100:.1f} pp; {self.boundary} boundary allows "
            f"{limit_text} → {self.rating} attrition "
            f"(cautious: {self.ratings['cautious']}, optimistic: {self.ratings['optimistic']})"
        )


def classify_attrition(
    overall: float,
    differential: float,
    *,
    boundary: Boundary = "cautious",
    interpolation: Interpolation = "linear",
) -> WWCClassification:
    """Classify attrition as low or high against the WWC boundaries.

    Parameters
    ----------
    overall : float
        Overall attrition as a proportion (0.25 for 25 %).
    differential : float
        Differential attrition as a proportion; the sign is ignored.
    boundary : {"cautious", "optimistic"}
        The boundary the study's protocol chooses (both are reported).
    interpolation : {"linear", "nearest"}
        How to read the table between whole percents.

    Returns
    -------
    WWCClassification
        ``rating`` is ``"low"`` when the differential (in percentage points) is at most the
        boundary, else ``"high"``.

    Examples
    --------
    >>> classify_attrition(0.25, 0.10).ratings
    {'cautious': 'high', 'optimistic': 'high'}
    """
    check_option("boundary", boundary, Boundary)
    check_option("interpolation", interpolation, Interpolation)
    _check_share("overall", overall)
    if not isinstance(differential, (int, float)) or math.isnan(differential):
        _check_share("differential", differential)
    differential = abs(float(differential))
    _check_share("differential", differential)
    limits, ratings = {}, {}
    for name in ("cautious", "optimistic"):
        limit = max_differential(overall, boundary=name, interpolation=interpolation)
        limits[name] = limit
        low = not math.isnan(limit) and differential * 100 <= limit * 100 + _TOLERANCE_PP
        ratings[name] = "low" if low else "high"
    return WWCClassification(
        overall_attrition=float(overall),
        differential_attrition=differential,
        boundary=boundary,
        interpolation=interpolation,
        max_differential=limits,
        ratings=ratings,
    )
