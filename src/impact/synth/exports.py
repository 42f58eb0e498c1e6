"""Write synthetic tables as an organisation would export them, or in canonical form.

*Raw* files look like a Swedish survey tool's export opened and saved by Swedish Excel:
question texts as headers, Swedish answer labels (from ``belong_sv.yaml``), semicolons between
fields, Windows-1252 encoding, decimal comma, dates as ``2023-03-06`` and timestamps as
``2023-03-06 14:05``. *Canonical* files carry the canonical column names and codes in UTF-8
with commas. Register extracts are always written with canonical names (they come from the
statistics agency, not the organisation's questionnaire).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Literal

import pandas as pd

from impact.synth.labels import ReverseMapping, reverse_mapping
from impact.synth.schema import NOT_EXPORTED

ExportKind = Literal["raw", "canonical"]
RAW_ENCODING = "cp1252"
_DATE_ONLY = {"randomised_on"}
_WAVES = ("baseline", "followup", "result")


def _raw_cell(value, column: str, dtype, rmap: ReverseMapping) -> str:
    if pd.isna(value):
        return rmap.missing_label
    if column in rmap.labels:
        code = int(value) if str(dtype) == "Int64" else value
        return rmap.labels[column][code]
    kind = str(dtype)
    if kind == "boolean":
        return rmap.true_label if bool(value) else rmap.false_label
    if kind == "Int64":
        return str(int(value))
    if kind == "Float64":
        return f"{float(value):.10g}".replace(".", ",")
    if kind.startswith("datetime64"):
        fmt = "%Y-%m-%d" if column in _DATE_ONLY else "%Y-%m-%d %H:%M"
        return pd.Timestamp(value).strftime(fmt)
    return str(value)


def raw_text(frame: pd.DataFrame, table: str, rmap: ReverseMapping | None = None) -> str:
    """Return a canonical table as the text of the organisation's CSV export.

    Parameters
    ----------
    frame : pandas.DataFrame
        A canonical wave or randomisation table.
    table : {"baseline", "followup", "result", "randomisation"}
        Which table (selects the headers).
    rmap : ReverseMapping, optional
        The mapping to write through (default: ``belong_sv``).
    """
    rmap = rmap or reverse_mapping()
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([rmap.header(table, column) for column in frame.columns])
    columns = [(c, frame[c].dtype, frame[c].tolist()) for c in frame.columns]
    for row in range(len(frame)):
        writer.writerow([_raw_cell(values[row], c, dtype, rmap) for c, dtype, values in columns])
    return buffer.getvalue()


def canonical_text(frame: pd.DataFrame) -> str:
    """Return a canonical table as UTF-8 CSV text (ISO dates, ``true``/``false``)."""
    out = frame.copy()
    for column in out.columns:
        kind = str(out[column].dtype)
        if kind == "boolean":
            out[column] = out[column].map({True: "true", False: "false"}).astype("string")
        elif kind.startswith("datetime64"):
            fmt = "%Y-%m-%d" if column in _DATE_ONLY else "%Y-%m-%d %H:%M:%S"
            out[column] = out[column].dt.strftime(fmt).astype("string")
    return out.to_csv(index=False, lineterminator="\n")


def write_table(frame: pd.DataFrame, path: Path, table: str, kind: ExportKind = "raw") -> Path:
    """Write one table to ``path`` in the chosen form and return the path.

    An all-missing ``study_id`` in a survey wave (a programme study, where the question is
    not asked) is left out of the file, and so are the all-missing optional fields of
    :data:`~impact.synth.schema.NOT_EXPORTED` (``cluster``).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    if "study_id" in frame.columns and table in _WAVES and frame["study_id"].isna().all():
        frame = frame.drop(columns="study_id")  # optional question not asked in this study
    unfilled = [c for c in NOT_EXPORTED if c in frame.columns and frame[c].isna().all()]
    frame = frame.drop(columns=unfilled)  # optional fields the synthetic studies never fill
    if kind == "raw" and table in (*_WAVES, "randomisation"):
        path.write_bytes(raw_text(frame, table).encode(RAW_ENCODING))
    else:
        path.write_bytes(canonical_text(frame).encode("utf-8"))
    return path
