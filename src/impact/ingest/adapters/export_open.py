"""Open one export with its tool's layout: choose the adapter, read the header rows, drop
the rows that are not real responses.

:func:`open_export` reads a file; :func:`opened_rows` does the per-row part (also for a chunk).
:mod:`impact.ingest.adapters.export` turns the opened rows into the table ingest maps.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from impact.ingest.adapters.base import Adapter, ExportColumn, normal_text
from impact.ingest.adapters.detect import Detection, detect_source
from impact.ingest.adapters.registry import ADAPTERS, AUTO, get_adapter
from impact.ingest.mapping import Mapping
from impact.ingest.raw_table import HEADER_JOIN, RawTable
from impact.ingest.readers import read_raw

__all__ = ["OpenedExport", "find_column", "open_export", "opened_rows"]

#: Formats whose variables carry labels (one header row; Qualtrics' texts are the labels).
_LABELLED = (".sav", ".dta")


def _nfc_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Every cell in Unicode NFC, so decomposed letters (NFD) match the mapping's labels."""
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        lookup = {v: unicodedata.normalize("NFC", v) for v in pd.unique(values)}
        out[column] = values.map(lookup)
    return out


def find_column(columns: list[ExportColumn], names: tuple[str, ...]) -> ExportColumn | None:
    """The first column whose header or tag is one of ``names`` (in the order of names)."""
    for name in names:
        key = normal_text(name)
        for column in columns:
            if key in (normal_text(column.header), normal_text(column.tag)):
                return column
    return None


def _read(path: Path, sheet: str | None, known: set[str], adapter: Adapter) -> RawTable:
    """Read with the tool's header rows; SPSS variables named ``name`` + label for Qualtrics."""
    labelled = path.suffix.lower() in _LABELLED
    if not labelled or adapter.option_style != "dash":
        rows = 1 if labelled else adapter.header_rows
        if rows > 1:  # the first header row holds the tool's own names (tags, meta columns)
            known = {*adapter.signature, *adapter.id_columns, *adapter.time_columns}
        return read_raw(path, sheet=sheet, known_headers=known, header_rows=rows)
    import pyreadstat

    raw = read_raw(path, sheet=sheet)
    read = pyreadstat.read_dta if path.suffix.lower() == ".dta" else pyreadstat.read_sav
    _, meta = read(str(path), metadataonly=True)
    labels = meta.column_names_to_labels or {}
    raw.frame.columns = [
        f"{name}{HEADER_JOIN}{(labels.get(name) or '').strip()}" for name in raw.frame.columns
    ]
    return raw


def _choose(
    path: Path, sheet: str | None, known: set[str], mapping: Mapping
) -> tuple[Adapter, Detection, RawTable | None]:
    """The adapter (named or recognised), the detection, and the file if already read right."""
    first = read_raw(path, sheet=sheet, known_headers=known)
    rows = first.frame.head(2).to_numpy().tolist()
    detection = detect_source(list(first.frame.columns), rows)
    adapter = ADAPTERS[detection.adapter] if mapping.source == AUTO else get_adapter(mapping.source)
    labelled = path.suffix.lower() in _LABELLED
    reusable = (adapter.header_rows == 1 or labelled) and not (
        labelled and adapter.option_style == "dash"
    )
    return adapter, detection, first if reusable else None


def _drop_rows(
    frame: pd.DataFrame, columns: list[ExportColumn], adapter: Adapter
) -> tuple[pd.Series, dict[str, list[int]]]:
    """Rows to keep, and the dropped rows per reason (first matching rule wins)."""
    keep = pd.Series(True, index=frame.index)
    dropped: dict[str, list[int]] = {}
    for rule in adapter.drop_rules:
        column = find_column(columns, rule.columns)
        if column is None:
            continue
        hit = frame.iloc[:, column.position].map(rule.drops) & keep
        if hit.any():
            dropped[rule.reason] = [int(r) for r in frame.index[hit]]
            keep &= ~hit
    return keep, dropped


@dataclass
class OpenedExport:
    """An export read with its tool's layout, before any mapping.

    Attributes
    ----------
    raw : RawTable
        As the reader returned it.
    adapter : Adapter
        The tool.
    detection : Detection
        What the header looks like.
    columns : list of ExportColumn
        The parsed headers.
    frame : pandas.DataFrame
        NFC cells of the real responses, columns by position, index = file row numbers.
    dropped : dict
        ``{reason: [row numbers]}`` of rows that are not real responses.
    """

    raw: RawTable
    adapter: Adapter
    detection: Detection
    columns: list[ExportColumn]
    frame: pd.DataFrame
    dropped: dict[str, list[int]]


def open_export(
    path: str | Path,
    table: str | None,
    mapping: Mapping,
    sheet: str | None = None,
    declared: Sequence[str] = (),
) -> OpenedExport:
    """Read an export with its tool's layout and drop the rows that are not real responses.

    Parameters
    ----------
    path : path
        The export.
    table : str or None
        The canonical table (None when not known yet: the mapping assistant).
    mapping : Mapping
        Its ``source`` chooses the tool (``auto``: recognised) and its checkbox questions help
        read option headers.
    sheet : str, optional
        Excel sheet.
    declared : sequence of str
        Further checkbox question texts (the mapping assistant's guesses).
    """
    path = Path(path)
    tables = [table] if table is not None else ["baseline", "followup", "result"]
    known = {h for t in tables for h in mapping.known_headers(t)}
    adapter, detection, raw = _choose(path, sheet, known, mapping)
    if raw is None:
        raw = _read(path, sheet, known, adapter)
    return opened_rows(raw, adapter, detection, tables, mapping, declared)


def opened_rows(
    raw: RawTable,
    adapter: Adapter,
    detection: Detection,
    tables: Sequence[str],
    mapping: Mapping,
    declared: Sequence[str] = (),
) -> OpenedExport:
    """Parse the headers of rows read with the tool's layout and drop the rows not responses.

    The rows may be the whole file or a chunk of it (every step is per row).
    """
    questions = [*declared, *(q.question for t in tables for q in mapping.checkboxes_for(t))]
    columns = adapter.parse_headers(list(raw.frame.columns), questions)
    frame = _nfc_frame(raw.frame.set_axis(range(len(columns)), axis=1))
    keep, dropped = _drop_rows(frame, columns, adapter)
    return OpenedExport(raw, adapter, detection, columns, frame[keep], dropped)
