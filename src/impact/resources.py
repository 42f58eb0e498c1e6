"""Locate the files the package ships beside its code: schemas and report templates.

In an installed wheel the top-level ``data_schema/`` and ``reports/`` folders are bundled
under ``impact/_bundled/``; in an editable install or a source checkout they are read from the
repository root. Code never hard-codes either location: it asks this module.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
_REPO_ROOT = _PACKAGE_DIR.parent.parent


def _locate(name: str) -> Path:
    bundled = _PACKAGE_DIR / "_bundled" / name
    if bundled.is_dir():
        return bundled
    in_repo = _REPO_ROOT / name
    if in_repo.is_dir():
        return in_repo
    raise FileNotFoundError(
        f"The package's '{name}' folder was not found (looked in {bundled} and {in_repo}). "
        "Reinstall the package with pip."
    )


def data_schema_dir() -> Path:
    """Return the folder holding the canonical table schemas and indicator definitions."""
    return _locate("data_schema")


def reports_dir() -> Path:
    """Return the folder holding the Quarto report templates."""
    return _locate("reports")
