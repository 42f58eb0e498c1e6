"""Canonical columns and pandas dtypes of the tables the synthetic studies produce.

The column order and types are read from the package's Frictionless Table Schemas
(``data_schema/<table>.schema.json``), so the in-memory synthetic tables look exactly like the
output of :mod:`impact.ingest`: text → ``string``, integer → ``Int64``, boolean → ``boolean``,
number → ``Float64``, date/datetime → ``datetime64[ns]``.
"""

from __future__ import annotations

import json
from functools import cache

import pandas as pd

from impact.ingest.schema import TABLES
from impact.resources import data_schema_dir

STRING, INT, BOOL, FLOAT, DATETIME = "string", "Int64", "boolean", "Float64", "datetime64[ns]"
_PANDAS = {
    "string": STRING,
    "integer": INT,
    "boolean": BOOL,
    "number": FLOAT,
    "date": DATETIME,
    "datetime": DATETIME,
}
#: Optional canonical columns a synthetic table may lack (added as all missing).
OPTIONAL_ABSENT = ("study_id", "cluster")
#: Optional canonical columns the synthetic studies never fill: left out of the exports (as an
#: organisation's export without them would be); reading the export adds them back, all missing.
NOT_EXPORTED = ("cluster",)


@cache
def _schema_dtypes(table: str) -> tuple[tuple[str, str], ...]:
    if table not in TABLES:
        raise ValueError(f"unknown canonical table {table!r}; expected one of {TABLES}")
    path = data_schema_dir() / f"{table}.schema.json"
    spec = json.loads(path.read_text(encoding="utf-8"))
    return tuple((f["name"], _PANDAS[f["type"]]) for f in spec["fields"])


def table_dtypes(table: str) -> dict[str, str]:
    """Return the ordered ``{column: dtype}`` of a canonical table (one of :data:`TABLES`).

    Optional fields are included, as :mod:`impact.ingest` always returns every canonical column
    (all missing when the source lacks an optional one, e.g. ``study_id`` in a programme study).
    """
    return dict(_schema_dtypes(table))


def conform(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """Return ``frame`` with exactly the canonical columns of ``table``, in order, typed.

    Missing values of any kind (``None``, ``NaN``) become ``pd.NA``/``NaT``; the index is reset.
    Optional columns absent from ``frame`` are added as all missing.
    """
    dtypes = table_dtypes(table)
    frame = frame.copy()
    for column in OPTIONAL_ABSENT:
        if column in dtypes and column not in frame.columns:
            frame[column] = None
    missing = [c for c in dtypes if c not in frame.columns]
    if missing:
        raise ValueError(f"table {table!r} lacks canonical column(s) {missing}")
    out = pd.DataFrame(index=range(len(frame)))
    for column, dtype in dtypes.items():
        values = frame[column].reset_index(drop=True)
        if dtype == DATETIME:
            out[column] = pd.to_datetime(values).astype(DATETIME)
        else:
            out[column] = values.astype("object").where(values.notna(), None).astype(dtype)
    return out
