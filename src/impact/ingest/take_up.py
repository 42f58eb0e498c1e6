"""Take-up in a randomisation list: who started, completed and left the programme early.

The randomisation list may record take-up in four optional fields (see
``data_schema/randomisation.schema.json``): ``started`` (took up the offer), ``completed``,
``sessions_attended`` (0 or more, checked by the schema) and ``left_month`` (months after
programme start when the person left early). :func:`take_up_problems` checks that they agree
with one another; :func:`crossover_note` counts control-group people who started anyway
(crossover), which is allowed and reported in the run notes.
"""

from __future__ import annotations

import pandas as pd

from impact.errors import Problem
from impact.ingest.translate import display_column
from impact.ingest.validate import dtype_matches

__all__ = ["TAKE_UP_COLUMNS", "crossover_note", "recorded_take_up", "take_up_problems"]

#: The take-up fields, in schema order; they travel with ``arm`` into the analysis table.
TAKE_UP_COLUMNS = ("started", "completed", "sessions_attended", "left_month")
_TYPES = {"started": "boolean", "completed": "boolean", "left_month": "Int64"}


def recorded_take_up(frame: pd.DataFrame) -> list[str]:
    """The take-up columns of ``frame`` that hold at least one value (recorded in the file)."""
    return [c for c in TAKE_UP_COLUMNS if c in frame.columns and frame[c].notna().any()]


def _flagged_rows(frame: pd.DataFrame, mask: pd.Series, column: str) -> list[tuple[int, str]]:
    """``(1-based data row, value of column)`` of the rows where ``mask`` is true (ingest's
    index is the data row; a default 0-based index counts from row 1)."""
    index = frame.index
    shift = 1 if isinstance(index, pd.RangeIndex) and index.start == 0 else 0
    picked = frame.loc[mask.fillna(False).to_numpy(dtype=bool), column]
    return [(int(label) + shift, str(value).lower()) for label, value in picked.items()]


def _flag(frame: pd.DataFrame, column: str) -> pd.Series:
    """A boolean take-up column as plain booleans (missing → False)."""
    return frame[column].astype("boolean").fillna(False).astype(bool)


def _completed_not_started(frame: pd.DataFrame) -> pd.Series:
    """Rows with ``completed`` true and ``started`` false (not missing)."""
    not_started = frame["started"].astype("boolean").eq(False).fillna(False)
    return _flag(frame, "completed") & not_started


#: The rules across take-up fields: (columns needed, rows broken, column reported, expected,
#: fix).
_RULES = (
    (
        {"started", "completed"},
        _completed_not_started,
        "completed",
        "completed only for people who started (started is false in this row)",
        "set started to true if the person took part, or completed to false if they never started",
    ),
    (
        {"completed", "left_month"},
        lambda frame: _flag(frame, "completed") & frame["left_month"].notna(),
        "left_month",
        "an empty left_month for people who completed the programme (completed is true in "
        "this row)",
        "empty left_month if the person completed, or set completed to false if they left early",
    ),
)


def take_up_problems(
    frame: pd.DataFrame, source: str, headers: dict[str, str] | None = None
) -> list[Problem]:
    """Rows whose take-up fields contradict one another.

    Parameters
    ----------
    frame : pandas.DataFrame
        A canonical randomisation table (index: 1-based data rows, as ingest builds it).
    source : str
        The file, for messages.
    headers : dict, optional
        ``{field: source header}`` so messages name the header the user sees.

    Returns
    -------
    list of Problem
        One per contradicting row: ``completed`` true while ``started`` is false, and
        ``left_month`` given while ``completed`` is true.
    """
    headers = headers or {}
    # columns of the wrong type are reported by the schema checks; only typed ones are compared
    columns = {c for c, t in _TYPES.items() if c in frame.columns and dtype_matches(frame[c], t)}
    problems: list[Problem] = []
    for needs, broken, column, expected, fix in _RULES:
        if not needs <= columns:
            continue
        bad = broken(frame)
        shown = display_column(column, headers.get(column))
        problems += [
            Problem(source, expected, row=row, column=shown, value=value, fix=fix)
            for row, value in _flagged_rows(frame, bad, column)
        ]
    return sorted(problems, key=lambda p: p.row or 0)


def crossover_note(rows: pd.DataFrame, arm: str = "arm") -> str | None:
    """A run note counting control-group people who started the programme (crossover).

    Parameters
    ----------
    rows : pandas.DataFrame
        The randomised rows, with ``arm`` and (when take-up was recorded) ``started``.
    arm : str
        The arm column (``treatment``/``control``).

    Returns
    -------
    str or None
        None when ``started`` is not recorded or no control started.
    """
    if "started" not in rows.columns or arm not in rows.columns:
        return None
    control = rows[arm] == "control"
    crossed = int((_flag(rows, "started") & control).sum())
    if crossed == 0:
        return None
    n_control = int(control.sum())
    return (
        f"take-up: {crossed} of {n_control} people in the control group started the programme "
        "anyway (crossover); the ITT compares arms as randomised, the CACE accounts for them"
    )
