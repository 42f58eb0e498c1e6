"""``impact validate``: check every input file of a study (or one file) against the schemas.

Prints a per-file summary (rows, problems). On failure it prints the problems grouped by cause
(one line per file, column and kind of failure, with the count, three example rows and the
fix), writes the full table beside the study file (:mod:`impact.problem_table`) and raises
:class:`~impact.errors.ImpactError` (the ``impact`` entry point exits with code 2) without
writing anything. With ``--out`` and no problems it writes the canonical
tables as Parquet plus ``validation_summary.csv`` under the output contract
(:class:`impact.outputs.OutputFolder`; the folder is checked before validation starts).
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from impact import load_config
from impact.errors import ImpactError, InputError, Problem
from impact.escaping import write_csv
from impact.ingest import ValidationReport, load_table_schema, validate_file, validate_study
from impact.ingest.study_data import StudyData
from impact.outputs import OutputFolder
from impact.problem_groups import describe_by_cause
from impact.problem_table import save_problem_table

__all__ = ["register"]


def _console() -> Console:
    """Stdout console; when not a terminal, wide enough that no message is wrapped."""
    console = Console(highlight=False)
    if not console.is_terminal:
        console = Console(highlight=False, width=1000)
    return console


def _print_files(console: Console, report: ValidationReport) -> None:
    table = Table(title="Input files", title_justify="left")
    for name in ("table", "file", "rows", "problems"):
        table.add_column(name, overflow="fold")
    for f in report.files:
        rows = "unreadable" if f.rows is None else str(f.rows)
        table.add_row(*(Text(str(cell)) for cell in (f.table, f.path, rows, f.problems)))
    console.print(table)


def _print_problems(console: Console, problems: list[Problem]) -> None:
    """One line per cause: file, column, count, three examples, what was expected, the fix."""
    console.print(f"Problems by cause {describe_by_cause(problems)}", markup=False)


def _print_exports(console: Console, report: ValidationReport) -> None:
    """How each export was read: tool and confidence, dropped rows, checkbox decisions."""
    if not report.exports:
        return
    table = Table(title="How each export was read", title_justify="left")
    for name in ("file", "survey tool", "rows read", "kept", "dropped, and why"):
        table.add_column(name, overflow="fold")
    for e in report.exports:
        lines = e.describe()
        dropped = [
            line.strip() for line in lines if line.strip().startswith(("dropped", "no resp"))
        ]
        kept = e.rows_read - sum(len(r) for r in e.dropped.values())
        # file names and reasons come from the data: rich Text is shown as written
        cells = (e.source, e.tool(), str(e.rows_read), str(kept), "\n".join(dropped))
        table.add_row(*(Text(c) for c in cells))
    console.print(table)
    boxes = report.checkbox_table()
    if not boxes.empty:
        table = Table(title="Checkbox answers: rows decided by each rule", title_justify="left")
        for name in boxes.columns:
            table.add_column(name.replace("_", " "), overflow="fold")
        for rec in boxes.itertuples(index=False):
            table.add_row(*(Text(str(v)) for v in rec))
        console.print(table)
    answers = report.answer_table()
    if not answers.empty:
        table = Table(
            title="What the answers became (rows per canonical code)", title_justify="left"
        )
        for name in ("file", "question", "field", "codes"):
            table.add_column(name, overflow="fold")
        for (source, header, name), part in answers.groupby(
            ["source", "header", "field"], sort=False
        ):
            codes = ", ".join(f"{c} {n}" for c, n in zip(part["code"], part["rows"], strict=True))
            table.add_row(*(Text(str(c)) for c in (source, header, name, codes)))
        console.print(table)


def _write(
    staging: Path, data: StudyData, report: ValidationReport, keep_identifying: bool
) -> None:
    """Write Parquet tables and validation_summary.csv into the output's staging folder."""
    for name, frame in data.tables().items():
        drop = [] if keep_identifying else load_table_schema(name).private_fields
        frame.drop(columns=[c for c in drop if c in frame.columns]).to_parquet(
            staging / f"{name}.parquet", index=False
        )
    write_csv(report.file_table(), staging / "validation_summary.csv", index=False)
    boxes = report.checkbox_table()
    if not boxes.empty:
        write_csv(boxes, staging / "checkbox_decisions.csv", index=False)


def _inputs(path: Path, table: str | None, mapping: str | None) -> list[Path]:
    """The files ``impact validate PATH`` reads (what ``--out`` may not overlap)."""
    if table is not None:
        return [path] + ([Path(mapping)] if mapping and Path(mapping).is_file() else [])
    try:
        return load_config(path).input_paths()
    except ImpactError:
        return [path]  # validation itself reports the broken study file


def _validated(
    path: Path, table: str | None, mapping: str | None, sheet: str | None, console: Console
) -> tuple[ValidationReport, bool]:
    """The validation report of one file (with ``table``) or of a study, and whether the data
    were read (False when the study file or the mapping could not be)."""
    try:
        if table is not None:
            return validate_file(path, table, mapping=mapping, sheet=sheet), True
        if mapping is not None or sheet is not None:
            raise ImpactError("--mapping and --sheet apply to one file: add --table")
        return validate_study(path), True
    except InputError as error:
        console.print(error.summary_line, markup=False)
        return ValidationReport(files=[], problems=list(error.problems)), False


def register(app: typer.Typer) -> None:
    """Add the ``validate`` command to the app."""

    @app.command("validate")
    def validate(
        path: Path = typer.Argument(
            ..., help="The study config (YAML), or with --table a single data file."
        ),
        out: Path | None = typer.Option(
            None, "--out", help="On success, write canonical Parquet tables here."
        ),
        table: str | None = typer.Option(
            None,
            "--table",
            help="Validate PATH as one file of this table (baseline, followup, result, "
            "randomisation, register_persons, register_months).",
        ),
        mapping: str | None = typer.Option(
            None, "--mapping", help="Mapping file or bundled name (with --table)."
        ),
        sheet: str | None = typer.Option(None, "--sheet", help="Excel sheet name (with --table)."),
        keep_identifying: bool = typer.Option(
            False,
            "--keep-identifying",
            help="Keep linking codes, response ids and free text in the Parquet output.",
        ),
    ) -> None:
        """Validate input files against the canonical schemas; exit 2 on any problem."""
        console = _console()
        folder = None
        if out is not None:
            folder = OutputFolder(
                out, inputs=_inputs(path, table, mapping), command="impact validate"
            )
            folder.check()
        report, data_checked = _validated(path, table, mapping, sheet, console)
        if report.files:
            _print_files(console, report)
        _print_exports(console, report)
        if not report.ok:
            _print_problems(console, report.problems)
            table_note = save_problem_table(report.problems, path, out) if data_checked else ""
            raise ImpactError(
                f"validation failed: {len(report.problems)} problem(s) in the input "
                f"(listed above by cause); nothing was written. {table_note}".rstrip()
            )
        assert report.data is not None
        if folder is not None:
            with folder:
                _write(folder.staging, report.data, report, keep_identifying)
            console.print(
                f"All files are valid; wrote {len(report.data.tables())} table(s) to {out}"
            )
        else:
            console.print("All files are valid.")
