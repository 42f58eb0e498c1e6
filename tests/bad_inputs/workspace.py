"""Clean synthetic studies (written once per session), per-case workspaces and the CLI runner.

Every catalogue case starts from a copy of a clean study written by ``impact synth`` and breaks
exactly one thing. The clean studies are made once per test session (``clean_studies``) and
copied into each case's own folder, so cases never affect each other.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

#: Sizes kept small so the whole catalogue runs in well under a minute.
PROGRAMME_N = 120
RANDOMISED_N = 100
RAW_ENCODING = "cp1252"
RAW_DELIMITER = ";"


@dataclass
class CliOutcome:
    """What one run of the ``impact`` command line produced."""

    exit_code: int
    stdout: str
    stderr: str
    log: str = ""

    @property
    def output(self) -> str:
        """Everything the user saw (stdout, stderr and log lines)."""
        return "\n".join((self.stdout, self.stderr, self.log))

    @property
    def message(self) -> str:
        """The output, also unwrapped (the error console wraps long lines at 80 columns).

        Offers the text as printed, with line breaks read as spaces, and with line breaks
        removed (a path wrapped in the middle), so expected texts are found however wrapped.
        """
        flat = " ".join(self.output.split())
        joined = "".join(line.rstrip(" ") for line in self.output.splitlines())
        return "\n".join([self.output, flat, joined])


def run_cli(argv: list[str]) -> CliOutcome:
    """Run ``impact ARGV`` in-process through :func:`impact.cli.main.run` (the error wrapper).

    Captures stdout, stderr and log records; ``SystemExit`` gives the exit code (0 when the
    command returns normally).
    """
    from impact.cli.main import run

    out, err, log = io.StringIO(), io.StringIO(), io.StringIO()
    handler = logging.StreamHandler(log)
    root = logging.getLogger()
    root.addHandler(handler)
    code = 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                run([str(a) for a in argv])
            except SystemExit as stop:
                code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    finally:
        root.removeHandler(handler)
    return CliOutcome(code, out.getvalue(), err.getvalue(), log.getvalue())


def run_script(argv: list[str], timeout: int = 600) -> CliOutcome:
    """Run ``impact ARGV`` through the installed console script, in a fresh process."""
    import subprocess
    import sys

    script = Path(sys.executable).with_name("impact")
    done = subprocess.run(
        [str(script), *map(str, argv)], capture_output=True, text=True, timeout=timeout
    )
    return CliOutcome(done.returncode, done.stdout, done.stderr)


@dataclass
class CleanStudies:
    """The clean inputs every case is built from."""

    base: Path
    programme: Path
    randomised: Path
    _panel: Path | None = None
    _bundle: Path | None = None

    def panel(self) -> Path:
        """A linked panel (CSV) of the clean programme study, made on first use."""
        if self._panel is None:
            target = self.base / "linked"
            outcome = run_cli(["link", self.programme / "study.yaml", "--out", target])
            if outcome.exit_code != 0:
                raise RuntimeError(f"linking the clean study failed:\n{outcome.output}")
            self._panel = target / "panel.csv"
        return self._panel

    def bundle(self) -> Path:
        """A results bundle (the indicator codebook's: no data needed), made on first use."""
        if self._bundle is None:
            from impact.report.api import make_provenance, write_codebook_bundle

            self._bundle = write_codebook_bundle(
                self.base / "bundles" / "codebook",
                study={"name": "Reliability test study", "organisation": "Test"},
                provenance=make_provenance(seed=1),
            )
        return self._bundle


_CACHE: dict[str, CleanStudies] = {}


def clean_studies(base: Path) -> CleanStudies:
    """Write the clean synthetic studies once per process (later calls reuse them)."""
    if "studies" not in _CACHE:
        from impact.synth.demo import write_synthetic

        base.mkdir(parents=True, exist_ok=True)
        write_synthetic("programme", base / "programme", n=PROGRAMME_N, seed=11)
        write_synthetic(
            "randomised", base / "randomised", n=RANDOMISED_N, seed=12, kind="canonical"
        )
        # small analysis settings keep the tests fast (see _fast_analysis)
        for folder in ("programme", "randomised"):
            edit_yaml(base / folder / "study.yaml", _fast_analysis)
        _CACHE["studies"] = CleanStudies(base, base / "programme", base / "randomised")
    return _CACHE["studies"]


def _fast_analysis(doc: dict) -> None:
    """Fewer randomisation-inference draws and RCT outcomes, one report: same code paths."""
    doc["analysis"]["ri_draws"] = 100
    doc["analysis"]["outcomes"] = ["got_job", "job_or_steps"]
    doc["report"]["formats"] = ["html"]
    doc["report"]["languages"] = ["en"]


@dataclass
class Workspace:
    """One case's own folder: copies of clean studies, and where outputs would go."""

    root: Path
    clean: CleanStudies
    copies: dict[str, Path] = field(default_factory=dict)

    @property
    def out(self) -> Path:
        """The output folder the case's command is told to write (must stay absent)."""
        return self.root / "out"

    def study(self, name: str = "programme") -> Path:
        """A private copy of a clean study folder (``programme`` or ``randomised``)."""
        if name not in self.copies:
            target = self.root / name
            shutil.copytree(getattr(self.clean, name), target)
            self.copies[name] = target
        return self.copies[name]

    def config(self, name: str = "programme") -> Path:
        """The copied study's ``study.yaml``."""
        return self.study(name) / "study.yaml"

    def raw(self, file: str, name: str = "programme") -> Path:
        """A raw export of the copied programme study (``baslinje.csv``, ``resultat.csv``)."""
        return self.study(name) / "raw" / file

    def canonical(self, table: str) -> Path:
        """A canonical CSV of the copied randomised study (``baseline``, ``randomisation``…)."""
        return self.study("randomised") / "canonical" / f"{table}.csv"

    def panel(self) -> Path:
        """A private copy of the clean linked panel (CSV)."""
        target = self.root / "panel.csv"
        if not target.exists():
            shutil.copy(self.clean.panel(), target)
        return target

    def bundle(self) -> Path:
        """A private copy of the clean results bundle."""
        target = self.root / "bundle"
        if not target.exists():
            shutil.copytree(self.clean.bundle(), target)
        return target

    def file(self, name: str, text: str | bytes) -> Path:
        """Write a new file in the workspace."""
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path


# ------------------------------------------------------------------ editing helpers


def read_rows(
    path: Path, encoding: str = RAW_ENCODING, delimiter: str = RAW_DELIMITER
) -> tuple[list[str], list[list[str]]]:
    """Header and data rows of a delimited file."""
    text = path.read_bytes().decode(encoding)
    table = [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter) if row]
    return table[0], table[1:]


def write_rows(
    path: Path,
    header: list[str],
    rows: list[list[str]],
    encoding: str = RAW_ENCODING,
    delimiter: str = RAW_DELIMITER,
) -> None:
    """Write a delimited file (CRLF line ends, like the synthetic exports)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))


def edit_rows(
    path: Path,
    change: Callable[[list[str], list[list[str]]], tuple[list[str], list[list[str]]] | None],
    encoding: str = RAW_ENCODING,
    delimiter: str = RAW_DELIMITER,
) -> None:
    """Read, change (in place or by returning a new header and rows) and write back."""
    header, rows = read_rows(path, encoding, delimiter)
    changed = change(header, rows)
    if changed is not None:
        header, rows = changed
    write_rows(path, header, rows, encoding, delimiter)


def replace_in_line(path: Path, line: int, old: bytes, new: bytes) -> None:
    """Replace the first ``old`` by ``new`` in line ``line`` (0 = header) of a CRLF file."""
    lines = path.read_bytes().split(b"\r\n")
    lines[line] = lines[line].replace(old, new, 1)
    path.write_bytes(b"\r\n".join(lines))


def set_cells(path: Path, column: str, values: dict[int, str], **kwargs) -> None:
    """Set ``column`` in data rows (1-based) to the given texts."""

    def change(header: list[str], rows: list[list[str]]) -> None:
        j = header.index(column)
        for row_number, value in values.items():
            rows[row_number - 1][j] = value

    edit_rows(path, change, **kwargs)


def set_column(path: Path, column: str, value: Callable[[int, str], str], **kwargs) -> None:
    """Set every cell of ``column`` to ``value(row_number, old)``."""

    def change(header: list[str], rows: list[list[str]]) -> None:
        j = header.index(column)
        for i, row in enumerate(rows, start=1):
            row[j] = value(i, row[j])

    edit_rows(path, change, **kwargs)


def edit_yaml(path: Path, change: Callable[[dict], object]) -> None:
    """Load a YAML file, let ``change`` edit the document in place, write it back."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(doc)
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")


def tree_digest(path: Path) -> dict[str, str]:
    """SHA-256 of every file under ``path`` (relative path → hex), empty when absent."""
    if not path.exists():
        return {}
    return {
        p.relative_to(path).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(path.rglob("*"))
        if p.is_file()
    }
