"""The results bundle: every number a report prints, on disk, with labels and provenance.

A bundle is one directory per study (and per round)::

    results.json        kind, study, scope, provenance, numbers, tables, figures, texts, labels
    tables/<name>.csv   published tables (small cells suppressed), UTF-8, comma separated
    figures/<name>_<lang>.png / .svg

``results.json`` (``"format": "impact-results-bundle"``, ``"format_version": 1``) holds

* ``numbers`` — ``{key: {"value", "unit", "n", "label": {"sv", "en"}}}``: the key numbers the
  text quotes (units: ``share``, ``pp``, ``p``, ``count``, ``number``, ``text``);
* ``tables`` — ``{name: {"file", "title": {"sv", "en"}, "suppressed", "rows", "columns"}}``;
* ``figures`` — ``{name: {"caption": {"sv", "en"}, "files": {lang: {"png", "svg"}}}}``;
* ``texts`` — sentences computed by the analyses, in both languages;
* ``labels`` — ``{id: {"sv", "en"}}`` for indicators, outcomes and groups;
* ``sections`` — which optional parts are present; ``notes`` — why others are absent;
* ``provenance`` — package version, definition versions, parameters, input file hashes, seed;
* ``files`` — SHA-256 of every table and figure, checked by :func:`load_bundle`.

Reports only read the bundle. Writers build it in a temporary directory that replaces the
target only when complete (:func:`impact.outputs.result_folder`: outside a run, under the output
contract). No table may carry person
identifiers, linking codes, response ids or free text (checked on writing).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import math
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

from impact.errors import BundleError
from impact.escaping import safe_filename, write_csv
from impact.i18n import LANGUAGES
from impact.outputs import atomic_file, result_folder

BundleKind = Literal["programme", "rct", "power", "codebook"]
KINDS: tuple[str, ...] = get_args(BundleKind)
FORMAT = "impact-results-bundle"
FORMAT_VERSION = 1
RESULTS_FILE = "results.json"
UNITS = ("share", "pp", "p", "count", "number", "text")
FIGURE_FORMATS = ("png", "svg")
#: Resolution of the PNG figures of a bundle.
FIGURE_DPI = 150
LANGS = LANGUAGES

#: Columns that identify people or hold free text: never allowed in a bundle table.
FORBIDDEN_COLUMNS = frozenset(
    {
        "person_id",
        "link_code",
        "response_id",
        "record",
        "spine_record",
        "study_id",
        "comments",
        "r_comments",
    }
)


#: How to fix a bundle that is incomplete, corrupt or edited.
REWRITE_FIX = (
    "fix: write the bundle again with the command that made it (`impact run`); do not edit "
    "bundle files by hand"
)


def impact_version() -> str:
    """The installed version of the ``impact`` package."""
    from impact._version import __version__

    return __version__


def file_sha256(path: str | os.PathLike[str]) -> str:
    """SHA-256 of a file's bytes (hex), e.g. for the input-file hashes of the provenance."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


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
        :data:`FIGURE_DPI` dpi); each figure is closed afterwards.
        """
        from impact.figures import save_figures

        files: dict[str, dict[str, str]] = {}
        (self.root / "figures").mkdir(exist_ok=True)
        missing = [lang for lang in LANGS if lang not in figures]
        if missing:
            raise BundleError(f"figure '{name}': no figure for language '{missing[0]}'")
        for lang in LANGS:
            fig = figures[lang]
            stem = f"{name}_{lang}"
            save_figures({stem: fig}, self.root / "figures", FIGURE_FORMATS, dpi=FIGURE_DPI)
            files[lang] = {fmt: f"figures/{stem}.{fmt}" for fmt in FIGURE_FORMATS}
            _close(fig)
        self.figures[name] = {"caption": _both(caption, f"figure '{name}'"), "files": files}

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


@dataclass(frozen=True)
class Bundle:
    """A validated results bundle (see :func:`load_bundle`).

    Attributes
    ----------
    path : Path
        The bundle directory.
    content : dict
        The parsed ``results.json``.
    """

    path: Path
    content: dict

    @property
    def kind(self) -> str:
        """``programme``, ``rct``, ``power`` or ``codebook``."""
        return self.content["kind"]

    @property
    def name(self) -> str:
        """The report's file stem, e.g. ``programme`` or ``programme_R01``."""
        return self.content["name"]

    def number(self, key: str) -> dict:
        """The entry of a key number (``value``, ``unit``, ``n``, ``label``)."""
        try:
            return self.content["numbers"][key]
        except KeyError:
            raise BundleError(f"bundle {self.path}: results.json has no number '{key}'") from None

    def value(self, key: str) -> Any:
        """The value of a key number."""
        return self.number(key)["value"]

    def table_path(self, name: str) -> Path:
        """Path of a table's CSV file."""
        try:
            return self.path / self.content["tables"][name]["file"]
        except KeyError:
            raise BundleError(f"bundle {self.path}: results.json has no table '{name}'") from None

    def figure_path(self, name: str, lang: str, fmt: str = "png") -> Path:
        """Path of a figure in one language and format."""
        try:
            return self.path / self.content["figures"][name]["files"][lang][fmt]
        except KeyError:
            raise BundleError(
                f"bundle {self.path}: results.json has no figure '{name}' ({lang}, {fmt})"
            ) from None

    def has(self, section: str) -> bool:
        """True when an optional section is present."""
        return section in self.content.get("sections", [])


_REQUIRED = ("kind", "name", "study", "provenance", "numbers", "tables", "figures", "files")


def load_bundle(path: str | os.PathLike[str], *, verify_hashes: bool = True) -> Bundle:
    """Read and validate a results bundle.

    Parameters
    ----------
    path : path
        The bundle directory (or its ``results.json``).
    verify_hashes : bool
        Also check every file against the SHA-256 recorded in ``results.json``.

    Returns
    -------
    Bundle

    Raises
    ------
    BundleError
        Naming the file that is missing, unreadable or changed, or the key that is absent.
    """
    root = Path(path)
    if root.name == RESULTS_FILE:
        root = root.parent
    if not root.is_dir():
        raise BundleError(
            f"results bundle {root} does not exist (expected a directory); fix: name a folder "
            "under bundles/ of an `impact run` output"
        )
    results = root / RESULTS_FILE
    if not results.is_file():
        raise BundleError(
            f"results bundle {root}: file {RESULTS_FILE} is missing; fix: name a folder under "
            "bundles/ of an `impact run` output (each holds results.json)"
        )
    try:
        content = json.loads(results.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise BundleError(
            f"results bundle {root}: {RESULTS_FILE} is not valid JSON ({error}); {REWRITE_FIX}"
        ) from None
    if not isinstance(content, dict) or content.get("format") != FORMAT:
        raise BundleError(
            f"results bundle {root}: {RESULTS_FILE} is not an impact results bundle; {REWRITE_FIX}"
        )
    if content.get("format_version") != FORMAT_VERSION:
        raise BundleError(
            f"results bundle {root}: format version {content.get('format_version')!r} is not "
            f"supported (expected {FORMAT_VERSION}); rewrite the bundle with this version"
        )
    absent = [key for key in _REQUIRED if key not in content]
    if absent:
        raise BundleError(
            f"results bundle {root}: {RESULTS_FILE} lacks key(s) {', '.join(absent)}; {REWRITE_FIX}"
        )
    if content["kind"] not in KINDS:
        raise BundleError(
            f"results bundle {root}: kind {content['kind']!r} is not one of {', '.join(KINDS)}; "
            f"{REWRITE_FIX}"
        )
    listed = set(content["files"])
    listed |= {t["file"] for t in content["tables"].values()}
    for fig in content["figures"].values():
        listed |= {rel for per_lang in fig["files"].values() for rel in per_lang.values()}
    for rel in sorted(listed):
        file = root / rel
        if not file.is_file():
            raise BundleError(f"results bundle {root}: file {rel} is missing; {REWRITE_FIX}")
        expected = content["files"].get(rel)
        if verify_hashes and expected and file_sha256(file) != expected:
            raise BundleError(
                f"results bundle {root}: file {rel} was changed after the bundle was written "
                "(its SHA-256 differs from results.json); write the bundle again"
            )
    return Bundle(path=root.resolve(), content=content)
