"""Self-reported attribution: did the programme contribute to the job / internship / education?

Among the people with an outcome (``got_job``, ``got_internship``,
``started_relevant_education``), the share answering ``yes``, ``no`` and ``dont_know`` to the
matching result-survey question (``r_contributed_job``, ``r_contributed_internship``,
``r_contributed_education``). Shares are out of those who answered the question
(``n_answered``); ``missing`` counts people with the outcome who did not answer. For jobs, when
``r_job_matches_field`` is present, ``yes_relevant`` counts those who say the programme
contributed **and** whose job matches their field (the Jobbsteget report's "contributed and
relevant"); for other outcomes those columns are empty.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from impact.analysis.outcomes.inputs import (
    OVERALL,
    SOURCE,
    as_boolean,
    check_group_columns,
    check_table,
    check_threshold,
    iter_groups,
)
from impact.analysis.outcomes.proportions import wilson_interval
from impact.analysis.outcomes.publishable import PublishableTable
from impact.analysis.outcomes.suppression import SuppressionRules
from impact.errors import InputError, Problem
from impact.validation import check_level

ANSWERS: tuple[str, ...] = ("yes", "no", "dont_know")

#: Outcome indicator → the result-survey question about the programme's contribution.
DEFAULT_ATTRIBUTION: dict[str, str] = {
    "got_job": "r_contributed_job",
    "got_internship": "r_contributed_internship",
    "started_relevant_education": "r_contributed_education",
}

_CATEGORIES = (*ANSWERS, "yes_relevant")

ATTRIBUTION_COLUMNS: tuple[str, ...] = (
    "outcome",
    "contributed_column",
    "group_var",
    "group",
    "n_outcome",
    "n_answered",
    "missing",
    *ANSWERS,
    "yes_relevant",
    *[f"{kind}_{c}" for c in _CATEGORIES for kind in ("share", "ci_low", "ci_high")],
    "level",
)

ATTRIBUTION_RULES = SuppressionRules(
    count_columns=("n_outcome", "n_answered", "missing", *ANSWERS, "yes_relevant"),
    dependent_columns={
        f"{kind}_{c}": (c, "n_answered", f"not_{c}")
        for c in _CATEGORIES
        for kind in ("share", "ci_low", "ci_high")
    },
    additive=(
        ("n_outcome", ("n_answered", "missing")),
        ("n_answered", ANSWERS),
        ("yes", ("yes_relevant", "yes_not_relevant")),
        # a share c / n_answered also reveals n_answered − c: protect it when small
        *(("n_answered", (c, f"not_{c}")) for c in _CATEGORIES),
    ),
)


@dataclass(frozen=True, repr=False)
class Attribution(PublishableTable):
    """Shares who say the programme contributed, among those with each outcome.

    Attributes
    ----------
    table : DataFrame
        One row per outcome × group, columns :data:`ATTRIBUTION_COLUMNS`.
    level : float
        Confidence level.
    """

    rules: ClassVar[SuppressionRules] = ATTRIBUTION_RULES
    source: ClassVar[str] = "attribution"
    title: ClassVar[str] = "Programme contribution (self-reported)"

    def summary(self) -> str:
        """One line per outcome (overall)."""
        lines = [self.title]
        for _, r in self.table[self.table["group_var"] == OVERALL].iterrows():
            if r["n_answered"] == 0:
                lines.append(f"  {r['outcome']}: nobody answered ({r['n_outcome']} with outcome)")
                continue
            lines.append(
                f"  {r['outcome']}: yes {r['share_yes']:.0%}, no {r['share_no']:.0%}, "
                f"don't know {r['share_dont_know']:.0%} (n={r['n_answered']})"
            )
        return "\n".join(lines)


def _check_answers(series: pd.Series, column: str) -> pd.Series:
    text = series.astype("string").str.strip()
    bad = sorted(set(text.dropna()) - set(ANSWERS))
    if bad:
        raise InputError(
            f"{SOURCE}: column '{column}' has unknown answers",
            [Problem(SOURCE, "yes, no, dont_know or missing", column=column, value=v) for v in bad],
        )
    return text


def attribution(
    indicators: pd.DataFrame,
    pairs: Mapping[str, str] | None = None,
    *,
    by: Sequence[str] | str | None = ("gender",),
    relevant_column: str | None = "r_job_matches_field",
    level: float = 0.95,
    suppression_threshold: int = 5,
) -> Attribution:
    """Among people with each outcome, the shares answering yes / no / don't know.

    Parameters
    ----------
    indicators : DataFrame
        The indicator table (with the result-survey answers ``r_contributed_*``).
    pairs : mapping outcome → answer column, optional
        Default :data:`DEFAULT_ATTRIBUTION`, keeping the pairs whose columns exist (at least
        one must). Pairs given explicitly must all exist.
    by : sequence of str
        Grouping columns (default gender).
    relevant_column : str or None
        Boolean column "job matches field", used for ``yes_relevant`` on ``got_job``.
    level : float
        Confidence level (Wilson CIs).
    suppression_threshold : int
        Used by :meth:`Attribution.publishable`.

    Returns
    -------
    Attribution
    """
    level = check_level(level)
    threshold = check_threshold(suppression_threshold)
    indicators = check_table(indicators)
    if pairs is None:
        chosen = {
            k: v
            for k, v in DEFAULT_ATTRIBUTION.items()
            if k in indicators.columns and v in indicators.columns
        }
        if not chosen:
            raise InputError(
                f"{SOURCE} has none of the outcome/contribution column pairs "
                + ", ".join(f"{k}/{v}" for k, v in DEFAULT_ATTRIBUTION.items())
            )
    else:
        chosen = dict(pairs)
        check_table(indicators, [*chosen, *chosen.values()])
    groups = check_group_columns(indicators, by)
    relevant = None
    if relevant_column is not None and relevant_column in indicators.columns:
        relevant = as_boolean(indicators[relevant_column], relevant_column)
    rows = []
    for outcome, column in chosen.items():
        has = as_boolean(indicators[outcome], outcome).fillna(False).astype(bool)
        answers = _check_answers(indicators[column], column)
        use_relevant = relevant is not None and outcome == "got_job"
        for group_var, group, part in iter_groups(indicators, groups):
            idx = part[has.loc[part].to_numpy()]
            row = {"outcome": outcome, "contributed_column": column, "group_var": group_var}
            row.update(
                _answer_row(group, answers.loc[idx], relevant.loc[idx] if use_relevant else None)
            )
            row["level"] = level
            rows.append(_with_intervals(row, level))
    table = pd.DataFrame(rows, columns=list(ATTRIBUTION_COLUMNS))
    table["yes_relevant"] = table["yes_relevant"].astype("Int64")
    return Attribution(table=table, level=level, suppression_threshold=threshold)


def _answer_row(group: object, given: pd.Series, relevant: pd.Series | None) -> dict:
    """Counts of one group's answers (``relevant``: job matches field, for ``got_job``)."""
    row = {
        "group": group,
        "n_outcome": len(given),
        "n_answered": int(given.notna().sum()),
        "missing": int(given.isna().sum()),
    }
    for answer in ANSWERS:
        row[answer] = int((given == answer).sum())
    if relevant is not None:
        rel = relevant.fillna(False).astype(bool)
        row["yes_relevant"] = int(((given == "yes").fillna(False) & rel).sum())
    else:
        row["yes_relevant"] = pd.NA
    return row


def _with_intervals(row: dict, level: float) -> dict:
    """``row`` with the share and Wilson interval of every answer category."""
    for cat in _CATEGORIES:
        count, n = row[cat], row["n_answered"]
        if pd.isna(count) or n == 0:
            row.update({f"share_{cat}": np.nan, f"ci_low_{cat}": np.nan})
            row[f"ci_high_{cat}"] = np.nan
            continue
        low, high = wilson_interval(count, n, level)
        row.update({f"share_{cat}": count / n, f"ci_low_{cat}": low, f"ci_high_{cat}": high})
    return row
