"""Read a linked panel from disk and write an indicator table (Parquet or CSV).

Parquet keeps dtypes and ``df.attrs`` (the indicator metadata). CSV has neither, so a CSV panel
is typed cell by cell (empty = missing, ``true``/``false`` = boolean, integers = ``Int64``) and a
CSV indicator table gets the metadata in a JSON file beside it (``<name>.meta.json``).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from impact.errors import InputError, Problem
from impact.escaping import spreadsheet_text, write_csv
from impact.outputs import atomic_file

SUFFIXES = (".parquet", ".csv")
#: Identifier columns stay text even when every value looks like a number.
_TEXT_COLUMN = re.compile(r"(_id|^stratum|^arm|^gender)$")
_INTEGER = re.compile(r"^-?\d+$")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?([eE][+-]?\d+)?$")


def _suffix(path: Path, role: str) -> str:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(
            f"Unsupported {role} file type",
            [
                Problem(
                    str(path),
                    "a .parquet or .csv file",
                    value=path.suffix or "(no suffix)",
                    fix=f"save the {role} as CSV (or use the panel.parquet/panel.csv that "
                    "`impact link` writes)",
                )
            ],
        )
    return suffix


def parse_cells(values: pd.Series) -> pd.Series:
    """Convert a column of CSV text cells to a typed nullable Series.

    Empty cells become missing; a column whose other cells are all ``true``/``false`` becomes
    ``boolean``, all integers ``Int64``, all numbers ``Float64``, otherwise ``string``.
    """
    text = values.astype(object).where(values.notna(), "").map(lambda v: str(v).strip())
    present = text[text != ""]
    mask = text == ""
    if present.str.lower().isin(["true", "false"]).all() and len(present):
        parsed: pd.Series = text.str.lower().map({"true": True, "false": False}).astype("boolean")
    elif len(present) and present.str.match(_INTEGER).all():
        parsed = pd.to_numeric(text.where(~mask, None)).astype("Int64")
    elif len(present) and present.str.match(_NUMBER).all():
        parsed = pd.to_numeric(text.where(~mask, None)).astype("Float64")
    else:
        parsed = text.astype("string")
    return parsed.where(~mask, pd.NA)


def parse_params(items: Iterable[str]) -> dict[str, str]:
    """Parse ``name=value`` items (command-line ``--params``, conformance ``params`` cells).

    Blank items are skipped; values stay text and are converted to each parameter's declared
    type when the parameters are bound.

    Raises
    ------
    InputError
        For an item without ``=`` or without a name.
    """
    params: dict[str, str] = {}
    problems = []
    for item in items:
        text = item.strip()
        if not text:
            continue
        name, sep, value = text.partition("=")
        if not sep or not name.strip():
            problems.append(
                Problem(
                    "indicator parameters",
                    "name=value",
                    value=text,
                    fix=f"write the value after an equals sign, e.g. {text.strip() or 'name'}=3",
                )
            )
            continue
        params[name.strip()] = value.strip()
    if problems:
        raise InputError("Bad indicator parameters", problems)
    return params


def metadata_path(path: str | os.PathLike[str]) -> Path:
    """Return where the metadata of a CSV indicator table is written."""
    path = Path(path)
    return path.with_name(path.stem + ".meta.json")


def read_panel(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a linked panel from Parquet (dtypes kept) or CSV (typed cell by cell).

    A CSV panel written by impact has formula-like text guarded with a leading ``'``
    (:func:`impact.escaping.write_csv`); the guard is removed again here.

    Raises
    ------
    InputError
        When the file does not exist or is not .parquet/.csv.
    """
    path = Path(path)
    suffix = _suffix(path, "panel")
    if not path.is_file():
        raise InputError(
            "Linked panel not found",
            [
                Problem(
                    str(path),
                    "an existing file",
                    fix="check the path; `impact link study.yaml --out DIR` writes DIR/panel.csv",
                )
            ],
        )
    if suffix == ".parquet":
        return pd.read_parquet(path)
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    # cells impact guarded against formula injection when writing are read as written
    raw = raw.map(spreadsheet_text).rename(columns=spreadsheet_text)
    return pd.DataFrame(
        {
            c: raw[c].replace("", pd.NA).astype("string")
            if _TEXT_COLUMN.search(c)
            else parse_cells(raw[c])
            for c in raw.columns
        },
        index=raw.index,
    )


def write_indicators(table: pd.DataFrame, path: str | os.PathLike[str]) -> list[Path]:
    """Write an indicator table; Parquet keeps the metadata, CSV gets ``<name>.meta.json``.

    Returns
    -------
    list of Path
        The files written.
    """
    path = Path(path)
    suffix = _suffix(path, "output")
    if suffix == ".parquet":
        with atomic_file(path, "wb") as handle:
            table.to_parquet(handle, index=False)
        return [path]
    with atomic_file(path, encoding="utf-8", newline="") as handle:
        write_csv(table, handle, index=False)
    meta = metadata_path(path)
    with atomic_file(meta, encoding="utf-8") as handle:
        json.dump(table.attrs.get("indicators", {}), handle, ensure_ascii=False, indent=2)
    return [path, meta]
