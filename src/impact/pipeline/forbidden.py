"""The values a study's published outputs must never show, each with where it came from.

The privacy scan (:mod:`impact.privacy`) searches the published folders for these values; when
it finds one it names the value's origin (``"baseline.csv, response 12"``) so the analyst can
find the person, and never prints the value itself.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from impact.ingest import StudyData

__all__ = ["forbidden_values"]

#: Keyword of :func:`impact.privacy.scan_outputs` → canonical column holding those values.
FORBIDDEN_COLUMNS = {
    "raw_codes": "link_code",
    "response_ids": "response_id",
    "free_texts": "comments",
}


def forbidden_values(data: StudyData) -> dict[str, dict[str, str]]:
    """Linking codes, response ids and free-text answers of every input, with their origins.

    Parameters
    ----------
    data : StudyData
        The study's canonical tables.

    Returns
    -------
    dict
        ``{"raw_codes": …, "response_ids": …, "free_texts": …}``, each a mapping of value →
        ``"<file>, response <n>"`` (the first answer holding it; ``n`` counts the file's
        answers, not counting blank lines), ready for :func:`impact.privacy.assert_private`.
    """
    found: dict[str, dict[str, str]] = {keyword: {} for keyword in FORBIDDEN_COLUMNS}
    for table in data.tables():
        for path, rows in data.file_rows(table):
            _collect(found, Path(path).name, rows)
    return found


def _collect(found: dict[str, dict[str, str]], name: str, rows: pd.DataFrame) -> None:
    """Add one file's forbidden values (first origin wins)."""
    for keyword, column in FORBIDDEN_COLUMNS.items():
        if column not in rows.columns:
            continue
        values = rows[column].reset_index(drop=True).dropna().astype(str)
        first = values[~values.duplicated()]  # each value once, at its first answer
        for number, value in zip(first.index + 1, first, strict=True):
            found[keyword].setdefault(value, f"{name}, response {number}")
