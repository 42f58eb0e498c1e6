"""The cost basis of a study: total cost, cost per person offered and per participant.

The study file's ``costs:`` section gives a total, a cost per participant or per round (see
:class:`impact.ingest.config_costs.CostsConfig`). Each is turned into a total with the
numbers from the data (participants, rounds); when several are given, the totals must agree
within ``tolerance``, else :class:`~impact.errors.InputError` names the keys, the totals they
imply and how to fix them.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from impact.errors import InputError, Problem
from impact.ingest.config_costs import CostsConfig

__all__ = ["CostBasis", "cost_basis", "participant_counts"]

SOURCE = "study file costs:"


@dataclass(frozen=True)
class CostBasis:
    """What the programme cost and whom it reached.

    Attributes
    ----------
    total : float
        Total programme cost (from the study file's amounts and the data's counts).
    n_offered, n_participants, n_rounds : int
        People offered the programme (the treatment arm; everyone in a programme study), people
        who took part, rounds.
    currency, price_year
        From the study file.
    source : str
        Which amount the total comes from (``total``, ``per_participant`` or ``per_round``).
    """

    total: float
    n_offered: int
    n_participants: int
    n_rounds: int
    currency: str
    price_year: int
    source: str

    @property
    def per_offered(self) -> float:
        """Cost per person offered the programme (the ITT's denominator)."""
        return self.total / self.n_offered

    @property
    def per_participant(self) -> float:
        """Cost per person who took part (the CACE's denominator)."""
        return self.total / self.n_participants

    def to_dict(self) -> dict:
        """JSON-ready fields, with the two costs per person."""
        return {
            "total": self.total,
            "per_offered": self.per_offered,
            "per_participant": self.per_participant,
            "n_offered": self.n_offered,
            "n_participants": self.n_participants,
            "n_rounds": self.n_rounds,
            "currency": self.currency,
            "price_year": self.price_year,
            "source": self.source,
        }


def participant_counts(
    data: pd.DataFrame,
    *,
    arm: str | None = "arm",
    take_up: str | None = "started",
    rounds: str = "round_id",
) -> tuple[int, int, int]:
    """People offered, people who took part and rounds in ``data``.

    Offered: the treatment arm (every row when ``arm`` is None or absent). Took part: offered
    rows with ``take_up`` true, or all offered when the column is absent. Rounds: distinct
    ``rounds`` values (1 when absent).
    """
    offered = data
    if arm is not None and arm in data.columns:
        offered = data[data[arm].astype("string").str.strip().str.lower() == "treatment"]
    took_part = len(offered)
    if take_up is not None and take_up in offered.columns:
        took_part = int(offered[take_up].fillna(False).astype(bool).sum())
    n_rounds = int(data[rounds].nunique()) if rounds in data.columns else 1
    return len(offered), took_part, max(n_rounds, 1)


def cost_basis(
    costs: CostsConfig, *, n_offered: int, n_participants: int, n_rounds: int
) -> CostBasis:
    """The total cost implied by the study file's amounts, checked for agreement.

    Parameters
    ----------
    costs : CostsConfig
        The study file's ``costs:`` section.
    n_offered, n_participants, n_rounds : int
        From :func:`participant_counts`.

    Returns
    -------
    CostBasis

    Raises
    ------
    InputError
        No one offered or taking part, or amounts that disagree by more than the tolerance.
    """
    if n_offered < 1 or n_participants < 1:
        raise InputError(
            f"{SOURCE} no cost per person: {n_offered} offered, {n_participants} took part",
            [
                Problem(
                    SOURCE,
                    column="costs",
                    value=f"{n_offered}/{n_participants}",
                    expected="at least one person offered the programme and taking part",
                )
            ],
        )
    counts = {"total": 1, "per_participant": n_participants, "per_round": n_rounds}
    totals = {key: amount * counts[key] for key, amount in costs.given().items()}
    source, total = next(iter(totals.items()))
    problems = [
        Problem(
            SOURCE,
            column=f"costs.{key}",
            value=f"{costs.given()[key]:,.0f}",
            expected=f"a total of {total:,.0f} {costs.currency} as costs.{source} gives "
            f"(this implies {implied:,.0f}: {_how(key, n_participants, n_rounds)})",
            fix=f"give only one of {', '.join('costs.' + k for k in totals)}, or correct it",
        )
        for key, implied in totals.items()
        if abs(implied - total) > costs.tolerance * max(abs(total), abs(implied))
    ]
    if problems:
        raise InputError(f"{SOURCE} the amounts disagree", problems)
    return CostBasis(
        total, n_offered, n_participants, n_rounds, costs.currency, costs.price_year, source
    )


def _how(key: str, n_participants: int, n_rounds: int) -> str:
    if key == "per_participant":
        return f"× {n_participants} participants"
    if key == "per_round":
        return f"× {n_rounds} rounds"
    return "the total"
