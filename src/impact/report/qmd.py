"""Run a Quarto document without Quarto: parse the ``.qmd``, execute it, emit Markdown.

This is the route Quarto itself takes for Python documents: the code cells become a Jupyter
notebook, the ``parameters``-tagged cell is followed by an injected cell with the render's
parameters (as ``quarto render -P name:value`` does), the notebook is executed by a Jupyter
kernel (nbclient + ipykernel) running **this** interpreter, and the outputs are woven back into
Markdown for Pandoc. Cell options (``#| include``, ``#| echo``, ``#| output: asis``) follow
Quarto's meaning; documents default to ``echo: false``.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from impact.errors import ReportError

log = logging.getLogger(__name__)

_FENCE_OPEN = re.compile(r"^```+\s*\{(python|py)([^}]*)\}\s*$")
_FENCE_CLOSE = re.compile(r"^```+\s*$")
_OPTION = re.compile(r"^#\|\s?(.*)$")
KERNEL_NAME = "impact-report-python"


@dataclass
class Cell:
    """One chunk of a ``.qmd``: Markdown text or a Python code cell with its options."""

    kind: str  # "markdown" or "code"
    source: str
    options: dict = field(default_factory=dict)


@dataclass
class QmdDocument:
    """A parsed ``.qmd``: front matter and cells."""

    path: Path
    front_matter: dict
    cells: list[Cell]

    def parameters_index(self) -> int | None:
        """Index of the cell tagged ``parameters`` (None when absent)."""
        for i, cell in enumerate(self.cells):
            tags = cell.options.get("tags") or []
            if cell.kind == "code" and "parameters" in tags:
                return i
        return None


def parse_qmd(path: str | os.PathLike[str]) -> QmdDocument:
    """Split a ``.qmd`` file into front matter, Markdown chunks and Python cells.

    Raises
    ------
    ReportError
        For invalid front matter or an unclosed code cell (naming the file and line).
    """
    path = Path(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    front: dict = {}
    start = 0
    if lines and lines[0].strip() == "---":
        try:
            end = next(i for i in range(1, len(lines)) if lines[i].strip() in ("---", "..."))
        except StopIteration:
            raise ReportError(
                f"{path}: the front matter opened on line 1 is never closed"
            ) from None
        try:
            front = yaml.safe_load("\n".join(lines[1:end])) or {}
        except yaml.YAMLError as error:
            raise ReportError(f"{path}: invalid YAML front matter: {error}") from None
        start = end + 1
    cells: list[Cell] = []
    text: list[str] = []
    i = start
    while i < len(lines):
        if _FENCE_OPEN.match(lines[i]):
            opened = i + 1
            body: list[str] = []
            i += 1
            while i < len(lines) and not _FENCE_CLOSE.match(lines[i]):
                body.append(lines[i])
                i += 1
            if i >= len(lines):
                raise ReportError(f"{path}: the code cell opened on line {opened} is never closed")
            if any(t.strip() for t in text):
                cells.append(Cell("markdown", "\n".join(text).strip("\n")))
            text = []
            cells.append(_code_cell(body, path, opened))
        else:
            text.append(lines[i])
        i += 1
    if any(t.strip() for t in text):
        cells.append(Cell("markdown", "\n".join(text).strip("\n")))
    return QmdDocument(path=path, front_matter=front, cells=cells)


def _code_cell(body: list[str], path: Path, line: int) -> Cell:
    options: list[str] = []
    k = 0
    while k < len(body) and _OPTION.match(body[k]):
        options.append(_OPTION.match(body[k]).group(1))  # type: ignore[union-attr]
        k += 1
    try:
        parsed = (yaml.safe_load("\n".join(options)) or {}) if options else {}
    except yaml.YAMLError as error:
        raise ReportError(
            f"{path}: invalid cell options in the cell on line {line}: {error}"
        ) from None
    if not isinstance(parsed, dict):
        raise ReportError(f"{path}: cell options on line {line} must be 'key: value' lines")
    return Cell("code", "\n".join(body[k:]), parsed)


def parameter_cell(parameters: Mapping[str, Any]) -> str:
    """Source of the injected cell assigning ``parameters`` (Python literals)."""
    return "\n".join(f"{name} = {value!r}" for name, value in parameters.items())


def to_notebook(document: QmdDocument, parameters: Mapping[str, Any]):
    """Build the nbformat notebook (code cells only; Markdown is woven back afterwards).

    Returns
    -------
    (notebook, positions)
        ``positions[i]`` is the index in ``document.cells`` of notebook cell ``i`` (``None``
        for the injected parameters cell).
    """
    import nbformat

    index = document.parameters_index()
    if parameters and index is None:
        raise ReportError(
            f"{document.path}: no cell is tagged 'parameters' (add '#| tags: [parameters]'), so "
            f"the parameters {', '.join(parameters)} would be ignored"
        )
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": KERNEL_NAME,
        "display_name": "Python",
        "language": "python",
    }
    positions: list[int | None] = []
    for i, cell in enumerate(document.cells):
        if cell.kind != "code":
            continue
        nb.cells.append(nbformat.v4.new_code_cell(cell.source))
        positions.append(i)
        if i == index and parameters:
            nb.cells.append(nbformat.v4.new_code_cell(parameter_cell(parameters)))
            positions.append(None)
    return nb, positions


def kernel_spec_dir() -> Path:
    """A kernelspec folder whose kernel runs this interpreter (``sys.executable``)."""
    root = Path(tempfile.gettempdir()) / f"impact-kernels-{os.getuid()}-{abs(hash(sys.executable))}"
    spec = root / KERNEL_NAME
    spec.mkdir(parents=True, exist_ok=True)
    content = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python (impact reports)",
        "language": "python",
        "metadata": {"debugger": False},
    }
    target = spec / "kernel.json"
    text = json.dumps(content, indent=1)
    if not target.exists() or target.read_text() != text:
        tmp = spec / f".kernel.json.{os.getpid()}"
        tmp.write_text(text)
        os.replace(tmp, target)
    return root


def execute_notebook(nb, workdir: Path, *, timeout: int = 600):
    """Execute ``nb`` in a fresh kernel of this interpreter, with ``workdir`` as cwd."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    ksm = KernelSpecManager(kernel_dirs=[str(kernel_spec_dir())], ensure_native_kernel=False)
    km = KernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=ksm)
    client = NotebookClient(
        nb,
        km=km,
        timeout=timeout,
        kernel_name=KERNEL_NAME,
        resources={"metadata": {"path": str(workdir)}},
        allow_errors=False,
    )
    try:
        client.execute(
            env={**os.environ, "MPLBACKEND": "Agg", "PYDEVD_DISABLE_FILE_VALIDATION": "1"},
            # the kernel's own start-up chatter (transport warnings) is not the user's business
            stderr=subprocess.DEVNULL,
        )
    except CellExecutionError as error:
        raise ReportError(_cell_error_text(error)) from None
    return nb


#: How to fix a failing template cell (the lines before it name the failing code).
CELL_FIX = (
    "fix: if you changed a report template or a translation file (reports/), correct it as "
    "the lines above say; otherwise this is a bug in impact: please report it"
)


def _cell_error_text(error: Exception) -> str:
    text = str(error)
    ansi = re.compile(r"\x1b\[[0-9;]*m")
    text = ansi.sub("", text)
    last = [line for line in text.splitlines() if line.strip()]
    # the last lines carry the exception type and message (e.g. a missing translation key)
    tail = "\n".join(last[-3:]) if last else text
    return f"a report cell failed:\n{tail}\n{CELL_FIX}"


def weave(document: QmdDocument, nb, positions: list[int | None], figures_dir: Path) -> str:
    """Markdown of the executed document: Markdown chunks plus the cells' outputs."""
    default_echo = bool((document.front_matter.get("execute") or {}).get("echo", False))
    outputs: dict[int, list] = {}
    for cell, pos in zip(nb.cells, positions, strict=True):
        if pos is not None:
            outputs[pos] = cell.get("outputs", [])
    parts: list[str] = []
    for i, cell in enumerate(document.cells):
        if cell.kind == "markdown":
            parts.append(cell.source)
            continue
        opts = cell.options
        if opts.get("include") is False:
            continue
        if opts.get("echo", default_echo):
            parts.append(f"```python\n{cell.source}\n```")
        asis = opts.get("output") == "asis"
        if opts.get("output") is False:
            continue
        for k, out in enumerate(outputs.get(i, [])):
            parts.extend(_render_output(out, asis, figures_dir, f"cell{i}_{k}"))
    return "\n\n".join(p for p in parts if p.strip()) + "\n"


def _render_output(out, asis: bool, figures_dir: Path, stem: str) -> list[str]:
    kind = out.get("output_type")
    if kind == "stream":
        if out.get("name") != "stdout":
            log.debug("stderr from report cell: %s", out.get("text", "")[:500])
            return []
        text = out.get("text", "")
        return [text] if asis else [f"```\n{text.rstrip()}\n```"]
    if kind in ("display_data", "execute_result"):
        data = out.get("data", {})
        if "text/markdown" in data:
            return [data["text/markdown"]]
        if "image/png" in data:
            figures_dir.mkdir(parents=True, exist_ok=True)
            target = figures_dir / f"{stem}.png"
            target.write_bytes(base64.b64decode(data["image/png"]))
            # relative to the document: Quarto reads a path starting with "/" as project-relative
            return [f"![]({figures_dir.name}/{target.name})"]
        if "text/plain" in data and not asis:
            return [f"```\n{data['text/plain']}\n```"]
    return []


def execute_qmd(
    path: str | os.PathLike[str], parameters: Mapping[str, Any], workdir: str | os.PathLike[str]
) -> tuple[str, dict]:
    """Execute a ``.qmd`` with ``parameters``; return (Markdown, front matter)."""
    document = parse_qmd(path)
    nb, positions = to_notebook(document, parameters)
    workdir = Path(workdir)
    execute_notebook(nb, workdir)
    return weave(document, nb, positions, workdir / "figures"), document.front_matter
