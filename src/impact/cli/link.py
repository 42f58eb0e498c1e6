"""``impact link``: validate a study's waves, link them and write the panel and link report."""

from __future__ import annotations

from pathlib import Path

import typer

from impact import load_config
from impact.cli.options import OUT_FOLDER_HELP
from impact.ingest import load_study
from impact.outputs import OutputFolder
from impact.pipeline.prepare import link_loaded_study, with_engine


def register(app: typer.Typer) -> None:
    """Register ``impact link``."""

    @app.command("link")
    def link_command(
        study: Path = typer.Argument(..., help="The study file (YAML)."),
        out: Path = typer.Option(
            ...,
            "--out",
            help=OUT_FOLDER_HELP,
        ),
        engine: str | None = typer.Option(
            None,
            "--engine",
            help="Where the linking runs: pandas, duckdb or spark (default: the study file's).",
        ),
    ) -> None:
        """Link the survey waves person by person (exact, then Splink, one-to-one).

        Writes the pseudonymised linked panel, the pairs, the link report tables, the
        borderline pairs for clerical review and the match-probability figure.
        """
        config = load_config(study)
        if engine is not None:
            config = with_engine(config, engine)
        folder = OutputFolder(
            out, inputs=config.input_paths(), command="impact link", study=config.study.name
        )
        with folder:
            result = link_loaded_study(config, load_study(config))
            result.write(folder.staging)
        typer.echo(result.summary())
        typer.echo(f"\nWritten to {out}")
