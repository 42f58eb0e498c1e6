"""What a programme without a control group cost per participant, and per participant
reaching each outcome — descriptive figures, **not** effects.

Without a comparison group nothing says how many participants would have reached an outcome
anyway, so these are costs per participant *reaching* an outcome, not per *additional* one.
The cost per participant reaching an outcome is the cost per participant divided by the share
reaching it among respondents; its interval comes from the share's Wilson interval (no finite
upper limit when the interval reaches zero).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from impact.analysis.cost.basis import cost_basis, participant_counts
from impact.analysis.cost.effectiveness import costs_section
from impact.analysis.cost.fieller import positive_cost_interval
from impact.analysis.cost.result import CostResult
from impact.analysis.cost.text import money
from impact.analysis.outcomes.proportions import wilson_interval
from impact.analysis.rct.design import outcome_values
from impact.i18n import Lang, check_lang, message
from impact.i18n import numbers as nf
from impact.i18n.labels import label
from impact.ingest.config_costs import CostsConfig
from impact.validation import check_level

__all__ = ["ProgrammeCosts", "programme_costs"]

COLUMNS = [
    "outcome",
    "respondents",
    "reached",
    "share",
    "share_low",
    "share_high",
    "cost_per_participant",
    "cost_per_reaching",
    "interval",
    "cost_low",
    "cost_high",
    "suppressed",
    "currency",
    "price_year",
]


@dataclass(frozen=True, repr=False)
class ProgrammeCosts(CostResult):
    """Cost per participant and per participant reaching each outcome (descriptive).

    ``tidy()``: one row per outcome (see :data:`COLUMNS`); ``interval`` reads like
    :class:`~impact.analysis.cost.result.CostEffectiveness`'s. Rows from fewer respondents or
    reaching participants than the suppression threshold are blanked (``suppressed``).
    """

    title = "Programme costs (descriptive, not an effect)"

    def sentences(self, lang: Lang = "en") -> list[str]:
        """The cost per participant, then one sentence per outcome."""
        lang = check_lang(lang)
        currency = self.basis.get("currency", "SEK")
        out = [
            message(
                "labels.cost.programme.per_participant",
                lang,
                cost=money(self.basis["per_participant"], currency, lang),
                total=money(self.basis["total"], currency, lang),
                n=nf.count(self.basis["n_participants"], lang),
                year=self.basis.get("price_year"),
            )
        ]
        for row in self.table.to_dict(orient="records"):
            if row["suppressed"] or not row["share"] > 0:
                continue
            key = "bounded" if row["interval"] == "bounded" else "no_upper_limit"
            high = money(row["cost_high"], currency, lang) if key == "bounded" else ""
            out.append(
                message(
                    f"labels.cost.programme.{key}",
                    lang,
                    outcome=label(str(row["outcome"]), lang),
                    cost=money(row["cost_per_reaching"], currency, lang),
                    share=nf.percent(row["share"], lang),
                    low=money(row["cost_low"], currency, lang),
                    high=high,
                )
            )
        return out


def _outcome_row(values: np.ndarray, per_participant: float, level: float, threshold: int):
    """Share reaching the outcome among respondents and the cost per participant reaching it."""
    observed = values[~np.isnan(values)]
    n, x = len(observed), int(observed.sum())
    suppressed = bool(0 < n < threshold or 0 < x < threshold)
    interval = wilson_interval(x, n, level)
    share, low, high = (x / n if n else math.nan), float(interval.low), float(interval.high)
    kind, c_low, c_high = positive_cost_interval(per_participant, low, high)
    row = {
        "respondents": n,
        "reached": x,
        "share": share,
        "share_low": low,
        "share_high": high,
        "cost_per_participant": per_participant,
        "cost_per_reaching": per_participant / share if share > 0 else math.nan,
        "interval": kind,
        "cost_low": c_low,
        "cost_high": c_high,
        "suppressed": suppressed,
    }
    if suppressed:
        for key in ("respondents", "reached"):
            row[key] = None
        for key in (
            "share",
            "share_low",
            "share_high",
            "cost_per_reaching",
            "cost_low",
            "cost_high",
        ):
            row[key] = math.nan
    return row


def programme_costs(
    data: pd.DataFrame,
    costs: CostsConfig | Mapping,
    *,
    outcomes: Sequence[str] | None = None,
    rounds: str = "round_id",
    confidence_level: float = 0.95,
    suppression_threshold: int = 5,
) -> ProgrammeCosts:
    """Cost per participant and per participant reaching each outcome (not an effect).

    Parameters
    ----------
    data : DataFrame
        The indicator table: one row per participant (outcomes missing for non-respondents).
    costs : CostsConfig or mapping
        The study file's ``costs:`` section.
    outcomes : sequence of str, optional
        Default: ``costs.outcomes`` present in ``data``.
    rounds : str
        Round column, for a cost per round.
    confidence_level : float
    suppression_threshold : int
        Rows with fewer respondents or reaching participants than this are blanked.

    Returns
    -------
    ProgrammeCosts
    """
    section = costs_section(costs)
    level = check_level(confidence_level, "confidence_level")
    wanted = list(section.outcomes if outcomes is None else outcomes)
    n_people, _, n_rounds = participant_counts(data, arm=None, take_up=None, rounds=rounds)
    basis = cost_basis(section, n_offered=n_people, n_participants=n_people, n_rounds=n_rounds)
    rows = []
    for outcome in (o for o in wanted if o in data.columns):
        row = _outcome_row(
            outcome_values(data, outcome), basis.per_participant, level, int(suppression_threshold)
        )
        rows.append(
            {"outcome": outcome, **row, "currency": basis.currency, "price_year": basis.price_year}
        )
    return ProgrammeCosts(pd.DataFrame(rows, columns=COLUMNS), basis=basis.to_dict())
