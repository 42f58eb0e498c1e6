"""``impact validate``: check every input file of a study (or one file) against the schemas.

Prints a per-file summary (rows, problems). On failure it prints every problem and raises
:class:`~impact.errors.ImpactError` (the ``impact`` entry point exits with code 2) without
writing anything. With ``--out`` and no problems it writes the canonical
tables as Parquet plus ``validation_summary.csv``, atomically.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from impact.errors import ImpactError, InputError
from impact.escaping import write_csv
from impact.ingest import (
    SourceFile,
    StudyData,
    ValidationReport,
    load_table_schema,
    read_table,
    validate_study,
)
from impact.ingest.study import file_sha256
from impact.outputs import atomic_directory

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


def _print_problems(console: Console, problems_frame: pd.DataFrame) -> None:
    table = Table(title=f"Problems ({len(problems_frame)})", title_justify="left")
    for name in ("source", "row", "column", "value", "expected"):
        table.add_column(name, overflow="fold")
    for rec in problems_frame.itertuples(index=False):
        # values come from the data: rich Text is shown as written, never read as markup
        table.add_row(*(Text("" if pd.isna(v) else str(v)) for v in rec))
    console.print(table)


def _write(out: Path, data: StudyData, report: ValidationReport, keep_identifying: bool) -> None:
    """Write Parquet tables and validation_summary.csv into ``out`` atomically."""
    with atomic_directory(out) as staging:
        for name, frame in data.tables().items():
            drop = [] if keep_identifying else load_table_schema(name).private_fields
            frame.drop(columns=[c for c in drop if c in frame.columns]).to_parquet(
                staging / f"{name}.parquet", index=False
            )
        write_csv(report.file_table(), staging / "validation_summary.csv", index=False)


def _single_file(
    path: Path, table: str, mapping: str | None, sheet: str | None
) -> ValidationReport:
    """Validate one file into a report (problems collected, not raised)."""
    try:
        frame = read_table(path, table, mapping=mapping, sheet=sheet)
    except InputError as error:
        rows = None
        problems = list(error.problems)
        return ValidationReport(
            files=[SourceFile(table, str(path), file_sha256(path), rows, len(problems))],
            problems=problems,
        )
    files = [SourceFile(table, str(path), file_sha256(path), len(frame), 0)]
    report = ValidationReport(files=files, problems=[])
    report.data = StudyData(**{table: frame}, sources=files)
    return report


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
        try:
            if table is not None:
                report = _single_file(path, table, mapping, sheet)
            else:
                if mapping is not None or sheet is not None:
                    raise ImpactError("--mapping and --sheet apply to one file: add --table")
                report = validate_study(path)
        except InputError as error:
            report = ValidationReport(files=[], problems=list(error.problems))
            console.print(error.summary_line, markup=False)
        if report.files:
            _print_files(console, report)
        if not report.ok:
            _print_problems(console, report.tidy())
            raise ImpactError(
                f"validation failed: {len(report.problems)} problem(s) in the input "
                "(listed above); nothing was written"
            )
        assert report.data is not None
        if out is not None:
            _write(out, report.data, report, keep_identifying)
            console.print(
                f"All files are valid; wrote {len(report.data.tables())} table(s) to {out}"
            )
        else:
            console.print("All files are valid.")
