"""The results bundle: every number a report prints, on disk, with labels and provenance.

A bundle is one directory per study (and per round)::

    results.json        kind, study, scope, provenance, numbers, tables, figures, texts, labels
    tables/<name>.csv   published tables (small cells suppressed), UTF-8, comma separated
    figures/<name>_<lang>.png / .svg

``results.json`` (``"format": "impact-results-bundle"``, ``"format_version": 1``) holds

* ``numbers`` — ``{key: {"value", "unit", "n", "label": {"sv", "en"}}}``: the key numbers the
  text quotes (units: ``share``, ``pp``, ``p``, ``count``, ``number``, ``text``);
* ``tables`` — ``{name: {"file", "title": {"sv", "en"}, "suppressed", "rows", "columns"}}``;
* ``figures`` — ``{name: {"caption": {"sv", "en"}, "alt": {"sv", "en"}, "files": {lang:
  {"png", "svg"}}}}``; ``alt`` is the figure's alt text (bundles written before it have none);
* ``texts`` — sentences computed by the analyses, in both languages;
* ``labels`` — ``{id: {"sv", "en"}}`` for indicators, outcomes and groups;
* ``sections`` — which optional parts are present; ``notes`` — why others are absent;
* ``provenance`` — package version, definition versions, parameters, input file hashes, seed;
* ``files`` — SHA-256 of every table and figure, checked by :func:`load_bundle`.

Reports only read the bundle. Writers build it in a temporary directory that replaces the
target only when complete (:func:`impact.outputs.result_folder`: outside a run, under the output
contract). No table may carry person
identifiers, linking codes, response ids or free text (checked on writing).

The format's constants are in :mod:`impact.report.bundle_format` (:class:`BundleError` in
:mod:`impact.errors`),
reading a bundle (:func:`load_bundle`) in :mod:`impact.report.bundle_reader`; all are also
importable from here.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import math
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from impact.errors import BundleError
from impact.escaping import safe_filename, write_csv
from impact.outputs import atomic_file, result_folder
from impact.report.bundle_format import (
    FIGURE_DPI,
    FIGURE_FORMATS,
    FORBIDDEN_COLUMNS,
    FORMAT,
    FORMAT_VERSION,
    KINDS,
    LANGS,
    RESULTS_FILE,
    REWRITE_FIX,
    UNITS,
    BundleKind,
    file_sha256,
)
from impact.report.bundle_reader import Bundle, load_bundle

__all__ = [
    "FIGURE_DPI",
    "FIGURE_FORMATS",
    "FORBIDDEN_COLUMNS",
    "FORMAT",
    "FORMAT_VERSION",
    "KINDS",
    "LANGS",
    "RESULTS_FILE",
    "REWRITE_FIX",
    "UNITS",
    "Bundle",
    "BundleError",
    "BundleKind",
    "BundleWriter",
    "bundle_writer",
    "file_sha256",
    "impact_version",
    "load_bundle",
    "make_provenance",
    "plain",
]


def impact_version() -> str:
    """The installed version of the ``impact`` package."""
    from impact._version import __version__

    return __version__


def make_provenance(
    *,
    inputs: Mapping[str, str | os.PathLike[str]] | None = None,
    parameters: Mapping[str, Any] | None = None,
    definitions: Mapping[str, Any] | None = None,
    seed: int | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """Build the provenance block of ``results.json``.

    Parameters
    ----------
    inputs : mapping name → path, optional
        Input files; each is hashed (SHA-256) and recorded by file name (not full path).
    parameters : mapping, optional
        Analysis parameters (targets, confidence level, thresholds, …).
    definitions : mapping id → version, optional
        Versions of the indicator definitions used.
    seed : int, optional
        Random seed of the analyses.
    **extra
        Anything else worth recording (e.g. ``config_file``).

    Returns
    -------
    dict
        ``impact_version``, ``inputs`` (``{name: {"file", "sha256"}}``), ``parameters``,
        ``definitions``, ``seed`` and the extras.
    """
    files = {
        name: {"file": Path(path).name, "sha256": file_sha256(path)}
        for name, path in (inputs or {}).items()
    }
    return {
        "impact_version": impact_version(),
        "inputs": files,
        "parameters": dict(parameters or {}),
        "definitions": dict(definitions or {}),
        "seed": seed,
        **extra,
    }


def plain(value: Any) -> Any:
    """``value`` made JSON-safe: numpy/pandas scalars to Python, NaN/NA to ``None``."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if hasattr(value, "item") and callable(value.item):  # numpy scalar
        try:
            return plain(value.item())
        except (ValueError, TypeError):
            pass
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    text = str(value)
    return None if text in ("<NA>", "nan", "NaT") else text


def _both(texts: Mapping[str, str] | str, what: str) -> dict[str, str]:
    if isinstance(texts, str):
        raise BundleError(f"{what}: give the text in both languages as {{'sv': …, 'en': …}}")
    missing = [lang for lang in LANGS if not texts.get(lang)]
    if missing:
        raise BundleError(f"{what}: no text for language(s) {', '.join(missing)}")
    return {lang: str(texts[lang]) for lang in LANGS}


@dataclass
class BundleWriter:
    """Collects the parts of a bundle in a staging directory; see :func:`bundle_writer`."""

    root: Path
    kind: str
    name: str
    study: dict
    provenance: dict
    scope: str = "all"
    round_id: str | None = None
    numbers: dict = field(default_factory=dict)
    tables: dict = field(default_factory=dict)
    figures: dict = field(default_factory=dict)
    texts: dict = field(default_factory=dict)
    labels: dict = field(default_factory=dict)
    sections: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    data: dict = field(default_factory=dict)

    def number(
        self,
        key: str,
        value: Any,
        *,
        unit: str,
        label: Mapping[str, str],
        n: int | None = None,
    ) -> None:
        """Record a key number (unit one of :data:`UNITS`) with its sv/en label and n."""
        if unit not in UNITS:
            raise BundleError(f"number '{key}': unit {unit!r} is not one of {', '.join(UNITS)}")
        self.numbers[key] = {
            "value": plain(value),
            "unit": unit,
            "n": plain(n),
            "label": _both(label, f"number '{key}'"),
        }

    def table(self, name: str, frame, *, title: Mapping[str, str], suppressed: bool) -> None:
        """Write ``frame`` to ``tables/<name>.csv`` (no identifier or free-text columns)."""
        leaking = sorted(FORBIDDEN_COLUMNS & {str(c) for c in frame.columns})
        if leaking:
            raise BundleError(
                f"table '{name}' has column(s) {', '.join(leaking)}: identifiers and free text "
                "are never written to a results bundle"
            )
        rel = f"tables/{name}.csv"
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        write_csv(frame, path, index=False, encoding="utf-8", lineterminator="\n")
        self.tables[name] = {
            "file": rel,
            "title": _both(title, f"table '{name}'"),
            "suppressed": bool(suppressed),
            "rows": int(len(frame)),
            "columns": [str(c) for c in frame.columns],
        }

    def figure(self, name: str, figures: Mapping[str, Any], *, caption: Mapping[str, str]) -> None:
        """Save one matplotlib Figure per language as PNG and SVG under ``figures/``.

        Saved with :func:`impact.figures.save_figures` (reproducible bytes, PNG at
        :data:`FIGURE_DPI` dpi); its alt text (:func:`impact.figures.alt_text`, read from the
        saved figure) is recorded as ``alt``; each figure is closed afterwards.
        """
        from impact.figures import alt_text, save_figures

        files: dict[str, dict[str, str]] = {}
        alt: dict[str, str] = {}
        (self.root / "figures").mkdir(exist_ok=True)
        missing = [lang for lang in LANGS if lang not in figures]
        if missing:
            raise BundleError(f"figure '{name}': no figure for language '{missing[0]}'")
        for lang in LANGS:
            fig = figures[lang]
            stem = f"{name}_{lang}"
            save_figures({stem: fig}, self.root / "figures", FIGURE_FORMATS, dpi=FIGURE_DPI)
            files[lang] = {fmt: f"figures/{stem}.{fmt}" for fmt in FIGURE_FORMATS}
            alt[lang] = alt_text(fig, lang)
            _close(fig)
        self.figures[name] = {
            "caption": _both(caption, f"figure '{name}'"),
            "alt": alt,
            "files": files,
        }

    def text(self, key: str, texts: Mapping[str, str]) -> None:
        """Record a sentence produced by an analysis, in both languages."""
        self.texts[key] = _both(texts, f"text '{key}'")

    def label(self, ident: str, texts: Mapping[str, str]) -> None:
        """Record the sv/en label of an indicator, outcome or group code."""
        self.labels[str(ident)] = _both(texts, f"label '{ident}'")

    def section(self, name: str) -> None:
        """Mark an optional section as present."""
        if name not in self.sections:
            self.sections.append(name)

    def finish(self) -> dict:
        """Write ``results.json`` (with the SHA-256 of every file) and return its content."""
        files = {}
        for entry in self.tables.values():
            files[entry["file"]] = file_sha256(self.root / entry["file"])
        for entry in self.figures.values():
            for per_lang in entry["files"].values():
                for rel in per_lang.values():
                    files[rel] = file_sha256(self.root / rel)
        provenance = {"impact_version": impact_version(), **plain(self.provenance)}
        content = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "kind": self.kind,
            "name": self.name,
            "scope": self.scope,
            "round_id": self.round_id,
            "study": plain(self.study),
            "provenance": provenance,
            "sections": list(self.sections),
            "notes": plain(self.notes),
            "labels": self.labels,
            "numbers": self.numbers,
            "tables": self.tables,
            "figures": self.figures,
            "texts": self.texts,
            "data": plain(self.data),
            "files": files,
        }
        with atomic_file(self.root / RESULTS_FILE, encoding="utf-8") as handle:
            json.dump(content, handle, ensure_ascii=False, indent=1, allow_nan=False)
        return content


def _close(fig: Any) -> None:
    """Release a figure created through pyplot (figures built with ``Figure()`` need nothing)."""
    import sys

    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        with contextlib.suppress(Exception):
            pyplot.close(fig)


@contextlib.contextmanager
def bundle_writer(
    directory: str | os.PathLike[str],
    kind: BundleKind,
    *,
    study: Mapping[str, Any],
    provenance: Mapping[str, Any],
    scope: str = "all",
    round_id: str | None = None,
    name: str | None = None,
) -> Iterator[BundleWriter]:
    """Yield a :class:`BundleWriter`; the bundle appears at ``directory`` only when complete."""
    if kind not in KINDS:
        raise BundleError(f"bundle kind {kind!r} is not one of {', '.join(KINDS)}")
    if not isinstance(study, Mapping):
        raise BundleError("study: expected a mapping such as {'name': …, 'organisation': …}")
    if not isinstance(provenance, Mapping):
        raise BundleError("provenance: expected a mapping (see impact.report.make_provenance)")
    # the name is the reports' file stem and may hold a round label: make it a safe file name
    stem = safe_filename(name or (kind if scope == "all" else f"{kind}_{scope}"))
    with result_folder(directory) as staging:
        writer = BundleWriter(
            root=staging,
            kind=kind,
            name=stem,
            study=dict(study),
            provenance=dict(provenance),
            scope=str(scope),
            round_id=round_id,
        )
        yield writer
        writer.finish()
