"""``impact run`` (a study file end to end) and ``impact demo`` (the bundled synthetic demo).

The pipeline is imported inside the commands so that ``impact --help`` and the other commands
start quickly.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

from impact.cli.progress import progress_bar

console = Console()

_LANG = typer.Option(None, "--lang", help="Report language(s): sv, en (default: the config's).")
_FORMAT = typer.Option(None, "--format", help="Report format(s): html, docx, pdf.")
_RENDER = typer.Option(True, "--render/--no-render", help="Render the reports.")
_WORKERS = typer.Option(2, "--workers", min=1, help="Parallel rendering processes.")
_ENGINE = typer.Option(
    None,
    "--engine",
    help="Where linking, indicators and register matching run: pandas, duckdb or spark "
    "(default: the study file's engine).",
)


def _print_run(name: str, run) -> int:
    """Print one run's outputs; return the number of failed reports."""
    # paths and notes hold labels from the data: print them as text, never as rich markup
    console.print(f"[bold]{escape(name)}[/]: {escape(str(run.out_dir))}")
    for note in run.notes:
        console.print(f"  note: {note}", markup=False)
    bundles = run.out_dir / "bundles"
    console.print(f"  {len(run.bundles)} results bundles in {bundles}", markup=False)
    if run.privacy is not None:
        console.print(
            f"  privacy scan: {len(run.privacy.scanned)} published file(s) checked; no "
            "identifiers, free text or small counts found"
        )
    if len(run.reports):
        ok = run.reports[run.reports["ok"]]
        console.print(
            f"  {len(ok)} reports rendered with {', '.join(sorted(set(ok['renderer'])))}:"
        )
        for path in ok["path"]:
            console.print(f"    {path}", highlight=False, markup=False)
        for _, row in run.failed.iterrows():
            console.print(
                "  [red]failed[/] "
                + escape(f"{row['bundle']} {row['lang']} {row['format']}: {row['error']}")
            )
    return len(run.failed)


def register(app: typer.Typer) -> None:
    """Register ``impact run`` and ``impact demo``."""

    @app.command("run")
    def run_command(
        study: Path = typer.Argument(..., help="The study file (YAML)."),
        out: Path = typer.Option(None, "--out", help="Output folder (default: the config's)."),
        lang: list[str] = _LANG,
        fmt: list[str] = _FORMAT,
        render: bool = _RENDER,
        workers: int = _WORKERS,
        engine: str | None = _ENGINE,
    ) -> None:
        """Validate, link, compute indicators, analyse and write bundles and reports."""
        from impact.errors import DataError
        from impact.pipeline import run_study
        from impact.problem_table import save_problem_table

        try:
            with progress_bar("rendering") as advance:
                summary = run_study(
                    study,
                    out,
                    render=render,
                    languages=lang or None,
                    formats=fmt or None,
                    workers=workers,
                    progress=advance,
                    engine=engine,
                )
        except DataError as error:
            note = save_problem_table(error.problems, study, out)
            if not note:
                raise
            raise DataError(error.summary_line, error.problems, note=note) from None
        if _print_run(study.name, summary):
            raise typer.Exit(1)

    @app.command("demo")
    def demo_command(
        out: Path = typer.Option(Path("demo-output"), "--out", help="Demo output folder."),
        lang: list[str] = _LANG,
        fmt: list[str] = _FORMAT,
        render: bool = _RENDER,
        workers: int = _WORKERS,
    ) -> None:
        """Run the synthetic demo studies from raw exports to rendered reports."""
        from impact.pipeline import run_demo

        with progress_bar("rendering") as advance:
            summary = run_demo(
                out, render=render, languages=lang or None, formats=fmt or None,
                workers=workers, progress=advance,
            )  # fmt: skip
        console.print(f"Synthetic inputs (raw exports, mapping, study files): {out / 'inputs'}")
        failures = sum(_print_run(name, run) for name, run in summary.runs.items())
        if failures:
            raise typer.Exit(1)
