"""Find the Quarto command line and have it convert executed reports to every format.

Quarto is used when ``QUARTO_PATH`` names its executable (or its folder) or ``quarto`` is on
``PATH``. :func:`convert_project` takes documents that :func:`impact.report.qmd.execute_qmd`
wrote into folders of a scratch project (each document is executed **once**, with the
parameters written into the notebook, so neither papermill nor a second kernel is needed) and
runs a single ``quarto render --to all`` there, with a copy of the templates' ``_quarto.yml``
that lists only the formats asked for: one Quarto start-up for a whole group of documents,
every format converted from the same executed document. Nothing is written into
``reports/``. Any warning Pandoc or Quarto prints about a document (a missing figure, an
unknown option) fails that document with its message.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

import yaml

from impact.report.qmd import ReportError

log = logging.getLogger(__name__)

#: Quarto format per output format (PDF through Quarto's Typst format: no LaTeX needed).
QUARTO_FORMATS = {"html": "html", "docx": "docx", "pdf": "typst"}
#: Folders of the templates a render needs beside ``_quarto.yml`` (CSS, Typst partials, the
#: Lua filter giving Word pictures their alt text).
RESOURCE_DIRS = ("styles", "typst", "filters")
#: The executed document's name in the scratch folder.
DOCUMENT = "report.md"
#: Quarto's installer-specific notice printed by every Typst render of this installation
#: (the ``typst-gather`` helper is not built); Quarto then stages all packages and succeeds.
HARMLESS = (re.compile(r"typst-gather analyze failed; staging all packages as fallback"),)
_WARNING = re.compile(r"^\s*(?:\x1b\[[0-9;]*m)*\s*(\[WARNING\]|WARN(?:ING)?:|ERROR:)(.*)$")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_PROGRESS = re.compile(r"^\[\s*\d+/\d+\]\s+(\S+)$")
_EXT = {"html": "html", "docx": "docx", "pdf": "pdf"}


def find_quarto() -> Path | None:
    """The Quarto executable: ``$QUARTO_PATH`` if set (error if it is not Quarto), else PATH."""
    configured = os.environ.get("QUARTO_PATH")
    if configured:
        path = Path(configured)
        if path.is_dir():
            for candidate in (path / "quarto", path / "bin" / "quarto"):
                if candidate.is_file():
                    return candidate
        if not path.is_file():
            raise ReportError(
                f"QUARTO_PATH is set to {configured}, which is not the Quarto executable; "
                "unset it or point it at the 'quarto' binary"
            )
        return path
    found = shutil.which("quarto")
    return Path(found) if found else None


def quarto_version(quarto: Path) -> str:
    """``quarto --version`` (e.g. ``1.10.18``)."""
    done = subprocess.run([str(quarto), "--version"], capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise ReportError(f"{quarto} --version failed: {done.stderr.strip()[-500:]}")
    return done.stdout.strip()


def project_config(template_dir: Path, formats: Sequence[str]) -> str:
    """The templates' ``_quarto.yml`` restricted to ``formats`` (html, docx, pdf)."""
    source = template_dir / "_quarto.yml"
    try:
        config = yaml.safe_load(source.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise ReportError(f"{source} cannot be read as a Quarto project file: {error}") from None
    available = config.get("format") or {}
    wanted = {}
    for fmt in formats:
        name = QUARTO_FORMATS[fmt]
        if name not in available:
            raise ReportError(
                f"{source} defines no '{name}' format (needed for {fmt}); add it under 'format:'"
            )
        wanted[name] = available[name]
    config["format"] = wanted
    return yaml.safe_dump(config, allow_unicode=True, sort_keys=False)


def quarto_command(quarto: Path) -> list[str]:
    """The ``quarto render`` command line: every document of the project, every format."""
    return [str(quarto), "render", "--to", "all"]


def warnings_in(output: str) -> dict[str | None, list[str]]:
    """Warning and error lines of Quarto's and Pandoc's output per document, less the known
    harmless one. Lines before Quarto names a document (``[2/5] doc1/report.md``) are under
    ``None`` (they concern every document)."""
    found: dict[str | None, list[str]] = {}
    current: str | None = None
    for line in output.splitlines():
        text = _ANSI.sub("", line).strip()
        progress = _PROGRESS.match(text)
        if progress:
            current = Path(progress.group(1)).parent.as_posix()
            continue
        if _WARNING.match(line) is None or any(p.search(text) for p in HARMLESS):
            continue
        found.setdefault(current, []).append(text)
    return found


def convert_project(
    quarto: Path,
    template_dir: Path,
    project: Path,
    documents: Sequence[str],
    formats: Sequence[str],
    *,
    timeout: int = 1800,
) -> dict[str, dict[str, Path | Exception]]:
    """Convert each ``project/<document>/report.md`` to ``formats`` in one Quarto run.

    Parameters
    ----------
    quarto : Path
        The Quarto executable.
    template_dir : Path
        The templates' folder (``_quarto.yml``, ``styles/``, ``typst/``).
    project : Path
        Scratch folder; each document is ``<document>/report.md`` with its ``report-figures/``.
    documents : sequence of str
        The documents' folder names.
    formats : sequence of {"html", "docx", "pdf"}
        Formats to write.

    Returns
    -------
    dict
        Per document, the output file per format (``<document>/report.<ext>``) or the
        :class:`ReportError` saying why there is none: Quarto exited non-zero on it, printed a
        warning about it (each one quoted: a figure it could not find, an unknown option), or
        did not write the file.
    """
    for name in RESOURCE_DIRS:
        if (template_dir / name).is_dir():
            shutil.copytree(template_dir / name, project / name, dirs_exist_ok=True)
    (project / "_quarto.yml").write_text(project_config(template_dir, formats), encoding="utf-8")
    results: dict[str, dict[str, Path | Exception]] = {}
    remaining = list(documents)
    while remaining:
        failed, output = _run(quarto, project, timeout)
        problems = warnings_in(output)
        unreached = []
        for document in remaining:
            outputs = {fmt: project / document / f"report.{_EXT[fmt]}" for fmt in formats}
            complete = all(path.is_file() for path in outputs.values())
            if failed is not None and document == failed[0]:
                error: ReportError | None = ReportError(failed[1])
            elif failed is not None and not complete:
                unreached.append(document)  # Quarto stopped before it
                continue
            elif problems.get(None) or problems.get(document):
                quoted = "\n".join(problems.get(None, []) + problems.get(document, []))
                error = ReportError(f"quarto render warned (treated as a failure):\n{quoted}")
            else:
                error = None
            results[document] = {fmt: error or _written(path) for fmt, path in outputs.items()}
            source = project / document / DOCUMENT
            source.rename(source.with_suffix(".rendered"))  # not rendered again
        if failed is None or failed[0] not in remaining:  # nothing left Quarto could go on with
            for document in unreached:
                results[document] = dict.fromkeys(formats, ReportError(failed[1] if failed else ""))
            break
        remaining = unreached
    return results


def _written(path: Path) -> Path | ReportError:
    if path.is_file():
        return path
    return ReportError(f"quarto render exited without error but wrote no {path.name}")


def _run(quarto: Path, project: Path, timeout: int) -> tuple[tuple[str, str] | None, str]:
    """Run Quarto in ``project``: (failing document and message, or None; all output)."""
    command = quarto_command(quarto)
    log.info("running %s in %s", " ".join(command), project)
    env = {**os.environ, "QUARTO_PYTHON": os.environ.get("QUARTO_PYTHON", _python())}
    try:
        done = subprocess.run(
            command, cwd=project, capture_output=True, text=True, timeout=timeout, env=env
        )
    except subprocess.TimeoutExpired:
        return ("", f"quarto render took over {timeout} s"), ""
    output = f"{done.stdout}\n{done.stderr}"
    if done.returncode == 0:
        return None, output
    lines = _ANSI.sub("", output).strip().splitlines()
    current = ""
    for line in lines:
        progress = _PROGRESS.match(line.strip())
        if progress:
            current = Path(progress.group(1)).parent.as_posix()
    tail = "\n".join(lines[-15:])
    return (current, f"quarto render failed with exit code {done.returncode}:\n{tail}"), output


def _python() -> str:
    import sys

    return sys.executable
