"""Build the tutorial notebooks in this folder from their cell sources (no outputs).

The cells of each notebook are kept as readable Markdown and Python strings in
``notebooks/cells/<name>.py`` (one list ``CELLS`` per notebook); this script turns them into
``.ipynb`` files with :mod:`nbformat`. Notebooks are committed **without outputs**; CI executes
them (``tests/test_notebooks.py``).

Usage::

    .venv/bin/python notebooks/build.py            # rewrite every notebook
    .venv/bin/python notebooks/build.py 01_quickstart   # rewrite one
    .venv/bin/python notebooks/build.py --check    # exit 1 if a notebook is out of date
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent

#: Notebook file stem → module under ``notebooks/cells`` holding its ``CELLS``.
NOTEBOOKS: dict[str, str] = {
    "01_quickstart": "quickstart",
    "02_randomised_study": "randomised_study",
    "03_power_planning": "power_planning",
    "04_reuse_indicators": "reuse_indicators",
    "05_reports": "reports",
    "06_large_studies": "large_studies",
}

KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def _cells(module_name: str) -> list[tuple[str, str]]:
    """Return the ``(kind, source)`` pairs of one notebook."""
    if str(HERE) not in sys.path:
        sys.path.insert(0, str(HERE))
    module = importlib.import_module(f"cells.{module_name}")
    return list(module.CELLS)


def notebook(stem: str) -> nbformat.NotebookNode:
    """Build one notebook (no outputs, deterministic cell ids).

    Parameters
    ----------
    stem : str
        A key of :data:`NOTEBOOKS`, e.g. ``"01_quickstart"``.
    """
    cells = []
    for number, (kind, source) in enumerate(_cells(NOTEBOOKS[stem]), start=1):
        make = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
        cell = make(source)
        cell["id"] = f"{stem[:2]}-{number:02d}"
        cells.append(cell)
    nb = nbformat.v4.new_notebook(cells=cells)
    nb["metadata"] = {"kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"}}
    nbformat.validate(nb)
    return nb


def render(stem: str) -> str:
    """The ``.ipynb`` text of one notebook, exactly as written to disk."""
    return nbformat.writes(notebook(stem)) + "\n"


def build(directory: Path = HERE, stems: list[str] | None = None) -> list[Path]:
    """Write the notebooks ``stems`` (default all) into ``directory``; return the paths."""
    unknown = sorted(set(stems or ()) - set(NOTEBOOKS))
    if unknown:
        raise SystemExit(f"unknown notebook(s) {unknown}; expected some of {list(NOTEBOOKS)}")
    written = []
    for stem in stems or NOTEBOOKS:
        path = Path(directory) / f"{stem}.ipynb"
        path.write_text(render(stem), encoding="utf-8")
        written.append(path)
    return written


def stale(directory: Path = HERE) -> list[str]:
    """Stems of notebooks in ``directory`` that differ from what :func:`build` would write."""
    out = []
    for stem in NOTEBOOKS:
        path = Path(directory) / f"{stem}.ipynb"
        if not path.is_file() or path.read_text(encoding="utf-8") != render(stem):
            out.append(stem)
    return out


def main(argv: list[str] | None = None) -> int:
    """Command line: build the notebooks, or with ``--check`` report stale ones."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stems", nargs="*", help="notebooks to build (default: all)")
    parser.add_argument("--check", action="store_true", help="only check they are up to date")
    args = parser.parse_args(argv)
    if args.check:
        bad = stale()
        for stem in bad:
            print(f"{stem}.ipynb is out of date: run notebooks/build.py")
        return 1 if bad else 0
    for path in build(HERE, args.stems or None):
        print(f"wrote {path.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
