"""The values a study's published outputs must never show, each with where it came from.

The privacy scan (:mod:`impact.privacy`) searches the published folders for these values; when
it finds one it names the value's origin (``"baseline.csv, response 12"``) so the analyst can
find the person, and never prints the value itself.
"""

from __future__ import annotations

from collections.abc import Iterator
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


def _file_parts(data: StudyData) -> Iterator[tuple[str, pd.DataFrame]]:
    """``(file name, that file's rows)`` of every table; stacked tables are split back by
    the row counts of their source files (in config order, as they were stacked)."""
    for table, frame in data.tables().items():
        sources = [s for s in data.sources if s.table == table and s.rows is not None]
        if sum(s.rows for s in sources) != len(frame):
            yield table, frame
            continue
        start = 0
        for source in sources:
            yield Path(source.path).name, frame.iloc[start : start + source.rows]
            start += source.rows


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
    for name, rows in _file_parts(data):
        for keyword, column in FORBIDDEN_COLUMNS.items():
            if column not in rows.columns:
                continue
            for number, value in enumerate(rows[column], start=1):
                if not pd.isna(value):
                    found[keyword].setdefault(str(value), f"{name}, response {number}")
    return found
