"""The example mapping ``belong_sv.yaml`` read backwards: canonical field → Swedish header/label.

The synthetic raw exports are written *through* the mapping the package ships, so a study
written by :mod:`impact.synth` is by construction readable with that mapping.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from impact.resources import data_schema_dir

MAPPING_NAME = "belong_sv"


def mapping_path(name: str = MAPPING_NAME) -> Path:
    """Return the path of a bundled mapping file."""
    return data_schema_dir() / "mappings" / f"{name}.yaml"


@dataclass(frozen=True)
class ReverseMapping:
    """Canonical → source lookups derived from a mapping file.

    Attributes
    ----------
    headers : dict
        ``{table: {canonical field: source header}}``; table entries override ``all``.
    labels : dict
        ``{canonical field: {canonical code: source label}}`` (first label listed wins).
    true_label, false_label : str
        Labels of boolean answers.
    missing_label : str
        The label written for a missing answer.
    """

    headers: dict[str, dict[str, str]]
    labels: dict[str, dict[object, str]]
    true_label: str
    false_label: str
    missing_label: str

    def header(self, table: str, column: str) -> str:
        """Return the source header of a canonical column in a table."""
        try:
            return self.headers[table][column]
        except KeyError:
            raise KeyError(f"the mapping has no header for {table}.{column}") from None


@lru_cache(maxsize=4)
def reverse_mapping(name: str = MAPPING_NAME) -> ReverseMapping:
    """Read a bundled mapping and invert it."""
    spec = yaml.safe_load(mapping_path(name).read_text(encoding="utf-8"))
    columns = spec["columns"]
    shared = {field: header for header, field in columns.get("all", {}).items()}
    headers = {}
    for table in ("baseline", "followup", "result", "randomisation"):
        own = {field: header for header, field in (columns.get(table) or {}).items()}
        headers[table] = {**shared, **own}
    labels: dict[str, dict[object, str]] = {}
    for field, table in spec.get("values", {}).items():
        inverse: dict[object, str] = {}
        for label, code in table.items():
            inverse.setdefault(code, label)
        labels[field] = inverse
    booleans = spec["booleans"]
    true_label = next(label for label, value in booleans.items() if value is True)
    false_label = next(label for label, value in booleans.items() if value is False)
    return ReverseMapping(
        headers=headers,
        labels=labels,
        true_label=true_label,
        false_label=false_label,
        missing_label=spec.get("missing_labels", [""])[0],
    )
