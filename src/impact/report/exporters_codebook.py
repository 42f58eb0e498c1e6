"""Write the results bundle of the codebook: every indicator definition in force.

The codebook text per language is produced by :func:`impact.indicators.codebook.codebook_markdown`
(the single source of the codebook wording); the bundle adds the overview and parameter tables
as CSV so the numbers (versions, parameter values) are machine-readable too.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from impact.i18n import pair, table
from impact.indicators.codebook import codebook_markdown
from impact.indicators.registry import load_registry
from impact.report.bundle import bundle_writer

_TITLES: dict[str, dict[str, str]] = table("labels.bundles.codebook.titles")


def write_codebook_bundle(
    directory: str | os.PathLike[str],
    *,
    definitions: Any = None,
    params: Mapping[str, Any] | None = None,
    study: Mapping[str, Any],
    provenance: Mapping[str, Any],
    checkboxes: Sequence[Any] = (),
) -> Path:
    """Write the bundle of the codebook report.

    Parameters
    ----------
    directory : path
        Bundle directory (replaced atomically).
    definitions : optional
        As for :func:`impact.indicators.compute_indicators` (None: the built-in definitions; a
        YAML path adds or overrides definitions).
    params : mapping, optional
        Parameter overrides (the study config's ``indicators.params``).
    study, provenance : mapping
        As for :func:`impact.report.write_programme_bundle`.
    checkboxes : sequence of CheckboxQuestion
        The mapping's checkbox questions, whose blank rule the codebook states.

    Returns
    -------
    Path
    """
    registry = load_registry(definitions)
    rows, param_rows = _definition_rows(registry.bind(params))
    overview = pd.DataFrame(rows)
    parameters = pd.DataFrame(param_rows, columns=["indicator", "parameter", "value", "default"])
    with bundle_writer(
        directory, "codebook", study=study, provenance=provenance, name="codebook"
    ) as w:
        for row in rows:
            w.label(row["indicator"], {"sv": row["label_sv"], "en": row["label_en"]})
        w.table("indicators", overview, title=_TITLES["indicators"], suppressed=False)
        w.table("parameters", parameters, title=_TITLES["parameters"], suppressed=False)
        w.text("codebook.body", {lang: codebook_markdown(registry, lang, params, checkboxes)
                                 for lang in ("sv", "en")})  # fmt: skip
        w.number("codebook.indicators", len(rows), unit="count",
                 label=pair("labels.bundles.codebook.numbers.indicators"))  # fmt: skip
        for row in rows:
            w.number(f"version.{row['indicator']}", row["version"], unit="count",
                     label={"sv": row["label_sv"], "en": row["label_en"]})  # fmt: skip
        w.data["definitions"] = {row["indicator"]: row["version"] for row in rows}
    return Path(directory)


def _definition_rows(bound) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """One row per indicator (id, version, kind, section, labels, source) and one per
    parameter of each (its value and default)."""
    rows, param_rows = [], []
    for b in bound:
        d = b.definition
        rows.append(
            {
                "indicator": d.id,
                "version": d.version,
                "kind": d.kind,
                "section": d.section,
                "label_sv": d.label.in_language("sv"),
                "label_en": d.label.in_language("en"),
                "source": b.source,
            }
        )
        for name, spec in d.params.items():
            param_rows.append(
                {
                    "indicator": d.id,
                    "parameter": name,
                    "value": b.params[name],
                    "default": spec.default,
                }  # fmt: skip
            )
    return rows, param_rows
