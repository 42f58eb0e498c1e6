"""Helpers shared by the analysis packages (matching, timing): reporting invalid input rows."""

from __future__ import annotations

import numpy as np
import pandas as pd

from impact.errors import InputError, Problem

#: How many invalid rows an error lists (the message counts them all).
MAX_LISTED = 20


def bad_rows(data: pd.DataFrame, column: str, bad: np.ndarray, expected: str, source: str) -> None:
    """Raise :class:`InputError` for the rows flagged in ``bad`` (the first 20 listed).

    Each listed problem names ``source``, the 1-based row, ``column``, the value and what was
    ``expected``; nothing happens when no row is flagged.
    """
    rows = np.flatnonzero(bad)
    if len(rows) == 0:
        return
    problems = [
        Problem(
            source,
            row=int(i) + 1,
            column=column,
            value=str(data[column].iloc[i]),
            expected=expected,
        )
        for i in rows[:MAX_LISTED]
    ]
    raise InputError(f"{source}: column {column!r} has {len(rows)} invalid value(s)", problems)
