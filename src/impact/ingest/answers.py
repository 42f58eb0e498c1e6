"""What each mapped question's answers became: rows per canonical code, per file.

``impact validate`` prints these counts so that a wrong mapping (a label sent to the wrong
code, a question mapped to the wrong field) is visible before any analysis.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from impact.ingest.schema import TableSchema

__all__ = ["answer_counts"]


def _code_text(code: object) -> str:
    """A canonical code as the mapping writes it (``true``/``false`` for booleans)."""
    if isinstance(code, bool | np.bool_):
        return "true" if code else "false"
    return str(code)


def answer_counts(
    frame: pd.DataFrame, schema: TableSchema, headers: dict[str, str]
) -> list[dict[str, object]]:
    """What each coded question's answers became: counts per canonical code.

    Parameters
    ----------
    frame : pandas.DataFrame
        A typed canonical table of one file.
    schema : TableSchema
        Its table.
    headers : dict
        ``{field: source header}`` of the mapped columns.

    Returns
    -------
    list of dict
        One record per coded field present in the file (categories, true/false, labelled
        scales): ``field``, ``header`` and ``counts`` (``{code: rows}``, missing as
        ``"(missing)"``). Identifying and free-text fields are never counted.
    """
    out: list[dict[str, object]] = []
    for spec in schema.fields:
        coded = spec.enum is not None or spec.type == "boolean" or bool(spec.labels)
        if spec.name not in headers or spec.privacy or not coded:
            continue
        values = frame[spec.name]
        counts = values.value_counts(dropna=True).sort_index()
        record = {_code_text(k): int(v) for k, v in counts.items()}
        missing = int(values.isna().sum())
        if missing:
            record["(missing)"] = missing
        out.append({"field": spec.name, "header": headers[spec.name], "counts": record})
    return out
