"""Find the Quarto command line and render a template with it (exit code checked).

Quarto is used when ``QUARTO_PATH`` names its executable or ``quarto`` is on ``PATH``. The
template folder is copied into the render's own working directory first, so concurrent
renders never share ``_files`` folders and nothing is written into ``reports/``.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

from impact.report.qmd import ReportError

log = logging.getLogger(__name__)

#: ``--to`` value per output format (PDF through Quarto's Typst format: no LaTeX needed).
QUARTO_FORMATS = {"html": "html", "docx": "docx", "pdf": "typst"}


def find_quarto() -> Path | None:
    """The Quarto executable: ``$QUARTO_PATH`` if set (error if it is not a file), else PATH."""
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


def quarto_command(
    quarto: Path, qmd: Path, parameters: Mapping[str, object], fmt: str, output_dir: Path
) -> list[str]:
    """The ``quarto render`` command line for one format."""
    if fmt not in QUARTO_FORMATS:
        raise ReportError(f"format {fmt!r} is not one of {', '.join(QUARTO_FORMATS)}")
    command = [str(quarto), "render", str(qmd)]
    for name, value in parameters.items():
        command += ["-P", f"{name}:{value}"]
    command += ["--to", QUARTO_FORMATS[fmt], "--output-dir", str(output_dir)]
    return command


def render_with_quarto(
    quarto: Path,
    template_dir: Path,
    template: str,
    parameters: Mapping[str, object],
    fmt: str,
    workdir: Path,
    *,
    timeout: int = 900,
) -> Path:
    """Render ``template_dir/<template>.qmd`` with Quarto inside ``workdir``; return the file.

    Raises
    ------
    ReportError
        When Quarto exits with a non-zero code (its last output lines are included) or does
        not produce the expected file.
    """
    project = workdir / "project"
    shutil.copytree(template_dir, project, dirs_exist_ok=True)
    output_dir = workdir / "quarto-out"
    command = quarto_command(quarto, project / f"{template}.qmd", parameters, fmt, output_dir)
    log.info("running %s", " ".join(command))
    env = {**os.environ, "QUARTO_PYTHON": os.environ.get("QUARTO_PYTHON", _python())}
    try:
        done = subprocess.run(
            command, cwd=project, capture_output=True, text=True, timeout=timeout, env=env
        )
    except subprocess.TimeoutExpired:
        raise ReportError(f"quarto render of {template} ({fmt}) took over {timeout} s") from None
    if done.returncode != 0:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-15:])
        raise ReportError(
            f"quarto render of {template} ({fmt}) failed with exit code {done.returncode}:\n{tail}"
        )
    extension = {"html": ".html", "docx": ".docx", "pdf": ".pdf"}[fmt]
    produced = sorted(p for p in output_dir.rglob(f"*{extension}") if p.is_file())
    if not produced:
        produced = sorted(p for p in project.rglob(f"{template}{extension}") if p.is_file())
    if not produced:
        raise ReportError(
            f"quarto render of {template} ({fmt}) exited 0 but wrote no {extension} file"
        )
    return produced[0]


def _python() -> str:
    import sys

    return sys.executable
