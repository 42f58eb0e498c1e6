"""Input checks shared by the time-to-job modules: options, columns, values.

Every check raises :class:`~impact.errors.InputError` naming the table, column, value and what
was expected, so a user can fix the input without reading code.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from impact.errors import InputError, Problem

SOURCE = "linked panel"


def require_frame(data: object, source: str = SOURCE) -> pd.DataFrame:
    """Return ``data`` if it is a non-empty DataFrame, else raise :class:`InputError`."""
    if not isinstance(data, pd.DataFrame):
        raise InputError(f"expected the {source} as a pandas DataFrame; got {type(data).__name__}")
    if data.empty:
        raise InputError(f"the {source} has no rows")
    return data


def require_columns(
    data: pd.DataFrame, columns: Iterable[str | None], role: str, source: str = SOURCE
) -> None:
    """Raise :class:`InputError` listing every entry of ``columns`` absent from ``data``."""
    missing = [c for c in columns if c is not None and c not in data.columns]
    if missing:
        problems = [
            Problem(source, column=c, expected=f"a {role} column named {c!r}") for c in missing
        ]
        raise InputError(f"{source}: {role} column(s) not found", problems)
