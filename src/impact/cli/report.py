"""``impact report``: render results bundles into HTML / Word / PDF reports (sv and en).

One bundle::

    impact report output/bundles/programme --lang sv --format pdf --out reports-sv

Every bundle under a folder, in parallel, with a progress bar::

    impact report --all output/bundles --out all-reports --workers 2
"""

from __future__ import annotations

from pathlib import Path

import typer

from impact.cli.options import OUT_FOLDER_HELP
from impact.cli.progress import progress_bar
from impact.i18n import LANGUAGES
from impact.outputs import OutputFolder
from impact.report import render_all, render_formats
from impact.report.convert import FORMATS
from impact.report.render import RENDERERS


def _choices(values: list[str] | None, allowed: tuple[str, ...], option: str) -> list[str]:
    chosen = list(values or allowed)
    bad = [v for v in chosen if v not in allowed]
    if bad:
        raise typer.BadParameter(
            f"{', '.join(bad)} not allowed; expected one of {', '.join(allowed)}; fix: give "
            f"one of them, e.g. {option} {allowed[0]}",
            param_hint=option,
        )
    return list(dict.fromkeys(chosen))


def register(app: typer.Typer) -> None:
    """Add the ``report`` command to the app."""

    @app.command("report")
    def report(
        bundle: Path | None = typer.Argument(
            None, help="A results bundle directory (holding results.json)."
        ),
        all_bundles: Path | None = typer.Option(
            None, "--all", help="Render every bundle found under this folder."
        ),
        lang: list[str] | None = typer.Option(
            None, "--lang", "-l", help="Language: sv or en (repeatable; default both)."
        ),
        fmt: list[str] | None = typer.Option(
            None, "--format", "-f", help="Format: html, docx or pdf (repeatable; default all)."
        ),
        out: Path = typer.Option(
            ...,
            "--out",
            "-o",
            help=OUT_FOLDER_HELP + " Reports are added.",
        ),
        workers: int = typer.Option(
            2, "--workers", "-w", min=1, help="Parallel processes (--all)."
        ),
        renderer: str = typer.Option(
            "auto", "--renderer", help="auto (Quarto if installed), quarto or fallback."
        ),
    ) -> None:
        """Render reports from results bundles, with Quarto when installed, else without it."""
        langs = _choices(lang, LANGUAGES, "--lang")
        formats = _choices(fmt, FORMATS, "--format")
        if renderer not in RENDERERS:
            raise typer.BadParameter(
                f"expected one of {', '.join(RENDERERS)}", param_hint="--renderer"
            )
        if (bundle is None) == (all_bundles is None):
            raise typer.BadParameter("give either a BUNDLE directory or --all BUNDLES_DIR")
        folder = OutputFolder(
            out,
            inputs=[bundle or all_bundles],
            command="impact report",
            keep_previous=True,
        )
        if bundle is not None:
            _render_one(bundle, langs, formats, folder, out, renderer)
            return
        with folder, progress_bar("rendering") as advance:
            batch = render_all(
                all_bundles, langs=langs, formats=formats, out_dir=folder.staging,
                workers=workers, renderer=renderer, progress=advance,
            )  # fmt: skip
        typer.echo(batch.summary())
        if not batch.ok:
            raise typer.Exit(code=1)


def _render_one(
    bundle: Path,
    langs: list[str],
    formats: list[str],
    folder: OutputFolder,
    out: Path,
    renderer: str,
) -> None:
    """Render one bundle in every language and format into the output folder ``out``."""
    with folder:
        done = [
            result
            for language in langs
            for result in render_formats(
                bundle, lang=language, formats=formats, out_dir=folder.staging,
                renderer=renderer,
            )
        ]  # fmt: skip
    for result in done:
        typer.echo(f"{out / result.output.relative_to(folder.staging)}  ({result.renderer})")
