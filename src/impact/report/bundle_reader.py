"""Reading a results bundle: :func:`load_bundle` checks it and returns a :class:`Bundle`, whose
numbers, tables and figures the reports read."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from impact.errors import BundleError
from impact.report.bundle_format import (
    FORMAT,
    FORMAT_VERSION,
    KINDS,
    RESULTS_FILE,
    REWRITE_FIX,
    file_sha256,
)

__all__ = ["Bundle", "load_bundle"]


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

    def figure_alt(self, name: str, lang: str) -> str:
        """The alt text of a figure in one language; ``""`` for bundles written without one."""
        try:
            entry = self.content["figures"][name]
        except KeyError:
            raise BundleError(f"bundle {self.path}: results.json has no figure '{name}'") from None
        alt = entry.get("alt")
        return str(alt.get(lang) or "") if isinstance(alt, dict) else ""

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
    content = _results_document(root)
    _check_files(root, content, verify_hashes)
    return Bundle(path=root.resolve(), content=content)


def _results_document(root: Path) -> dict[str, Any]:
    """The bundle's ``results.json``, checked: an impact bundle of this format version, with
    every required key and a known kind."""
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
    return content


def _check_files(root: Path, content: dict[str, Any], verify_hashes: bool) -> None:
    """Every file the bundle lists is present and (with ``verify_hashes``) unchanged."""
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
