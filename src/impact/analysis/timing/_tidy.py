"""The stacked ("tidy") table layout the time-to-job results share."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

#: Columns of ``TimeToJob.tidy()`` and ``IntervalCensored.tidy()``.
TIDY_COLUMNS = [
    "part",
    "group",
    "term",
    "month",
    "estimate",
    "std_error",
    "ci_lower",
    "ci_upper",
    "statistic",
    "p_value",
    "n",
]
#: Columns of ``CompetingRisks.tidy()``: the same with the event type.
COMPETING_TIDY_COLUMNS = ["part", "event", *TIDY_COLUMNS[1:]]


def stack(parts: Sequence[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    """Concatenate ``parts`` into ``columns``: text columns as strings, ``n`` as ``Int64``."""
    out = pd.concat(list(parts), ignore_index=True).reindex(columns=columns)
    for column in ("part", "event", "group", "term"):
        if column in out.columns:
            out[column] = out[column].astype("string")
    out["n"] = out["n"].astype("Int64")
    return out
