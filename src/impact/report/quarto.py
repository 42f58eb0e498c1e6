"""Find the Quarto command line and have it convert an executed report to every format.

Quarto is used when ``QUARTO_PATH`` names its executable (or its folder) or ``quarto`` is on
``PATH``. :func:`convert_with_quarto` takes the Markdown that :func:`impact.report.qmd.execute_qmd`
wrote into a scratch folder (the document is executed **once**, with the parameters written into
the notebook, so neither papermill nor a second kernel is needed) and runs a single
``quarto render report.md --to all`` there, with a copy of the templates' ``_quarto.yml`` that
lists only the formats asked for. Nothing is written into ``reports/``. Any warning Pandoc or
Quarto prints (a missing figure, an unknown option) fails the render with its message.
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
#: Folders of the templates a render needs beside ``_quarto.yml`` (CSS, Typst partials).
RESOURCE_DIRS = ("styles", "typst")
#: The executed document's name in the scratch folder.
DOCUMENT = "report.md"
#: Quarto's installer-specific notice printed by every Typst render of this installation
#: (the ``typst-gather`` helper is not built); Quarto then stages all packages and succeeds.
HARMLESS = (re.compile(r"typst-gather analyze failed; staging all packages as fallback"),)
_WARNING = re.compile(r"^\s*(?:\x1b\[[0-9;]*m)*\s*(\[WARNING\]|WARN(?:ING)?:|ERROR:)(.*)$")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


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
    """The ``quarto render`` command line: the executed document, every configured format."""
    return [str(quarto), "render", DOCUMENT, "--to", "all"]


def warnings_in(output: str) -> list[str]:
    """Warning and error lines of Quarto's and Pandoc's output, less the known harmless one."""
    found = []
    for line in output.splitlines():
        match = _WARNING.match(line)
        if match is None:
            continue
        text = _ANSI.sub("", line).strip()
        if not any(pattern.search(text) for pattern in HARMLESS):
            found.append(text)
    return found


def convert_with_quarto(
    quarto: Path,
    template_dir: Path,
    workdir: Path,
    formats: Sequence[str],
    *,
    timeout: int = 900,
) -> dict[str, Path]:
    """Convert ``workdir/report.md`` (executed, figures beside it) to ``formats`` with Quarto.

    Parameters
    ----------
    quarto : Path
        The Quarto executable.
    template_dir : Path
        The templates' folder (``_quarto.yml``, ``styles/``, ``typst/``).
    workdir : Path
        Scratch folder holding ``report.md`` and its ``report-figures/``.
    formats : sequence of {"html", "docx", "pdf"}
        Formats to write, all in one Quarto run.

    Returns
    -------
    dict
        Output file per format (``workdir/report.<ext>``).

    Raises
    ------
    ReportError
        Quarto exited non-zero, printed a warning (each one is quoted), ran over ``timeout``
        seconds or did not write a file.
    """
    for name in RESOURCE_DIRS:
        if (template_dir / name).is_dir():
            shutil.copytree(template_dir / name, workdir / name, dirs_exist_ok=True)
    (workdir / "_quarto.yml").write_text(project_config(template_dir, formats), encoding="utf-8")
    command = quarto_command(quarto)
    log.info("running %s in %s", " ".join(command), workdir)
    try:
        done = subprocess.run(
            command, cwd=workdir, capture_output=True, text=True, timeout=timeout,
            env={**os.environ, "QUARTO_PYTHON": os.environ.get("QUARTO_PYTHON", _python())},
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        raise ReportError(f"quarto render took over {timeout} s") from None
    output = f"{done.stdout}\n{done.stderr}"
    if done.returncode != 0:
        tail = "\n".join(_ANSI.sub("", output).strip().splitlines()[-15:])
        raise ReportError(f"quarto render failed with exit code {done.returncode}:\n{tail}")
    problems = warnings_in(output)
    if problems:
        raise ReportError("quarto render warned (treated as a failure):\n" + "\n".join(problems))
    produced = {}
    for fmt in formats:
        path = workdir / f"{Path(DOCUMENT).stem}.{'pdf' if fmt == 'pdf' else fmt}"
        if not path.is_file():
            raise ReportError(f"quarto render exited 0 but wrote no {path.name}")
        produced[fmt] = path
    return produced


def _python() -> str:
    import sys

    return sys.executable
