"""``impact rct``: the randomised-study analyses of a study file (RCT, attrition, timing,
register comparison, power as run), written as tables and figures."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import typer

from impact.cli.options import OUT_FOLDER_HELP
from impact.errors import ImpactError
from impact.escaping import write_csv
from impact.outputs import OutputFolder


def register(app: typer.Typer) -> None:
    """Register ``impact rct``."""

    @app.command("rct")
    def rct_command(
        study: Path = typer.Argument(..., help="The study file (YAML) of a randomised study."),
        out: Path = typer.Option(
            ...,
            "--out",
            help=OUT_FOLDER_HELP,
        ),
    ) -> None:
        """Analyse a randomised study: CONSORT, balance, ITT, attrition, time to job, register.

        ITT with HC2 and Lin adjustment, randomisation inference, multiple testing and
        heterogeneity; attrition with the WWC standard, IPW and Lee/Manski bounds.
        """
        from impact import load_config, load_study
        from impact.pipeline import analyse_study
        from impact.pipeline.private import write_randomised_tables

        config = load_config(study)
        if config.study.design != "randomised":
            raise ImpactError(
                f"{study}: study.design is '{config.study.design}'; `impact rct` needs "
                "design: randomised and inputs.randomisation; fix: use `impact run` for a "
                "programme study, or set study.design: randomised and name the randomisation "
                "list under inputs.randomisation"
            )
        folder = OutputFolder(
            out, inputs=config.input_paths(), command="impact rct", study=config.study.name
        )
        with folder:
            staging = folder.staging
            analyses = analyse_study(load_study(config))
            write_randomised_tables(analyses, staging)
            if analyses.power_as_run:
                write_csv(
                    pd.concat([r.tidy() for r in analyses.power_as_run]),
                    staging / "power_as_run.csv",
                    index=False,
                )
            if analyses.cost is not None:
                write_csv(analyses.cost.tidy(), staging / "cost_effectiveness.csv", index=False)
        typer.echo(analyses.rct.summary())
        if analyses.cost is not None:
            typer.echo("\n".join(["", *analyses.cost.sentences("en")]))
        for note in analyses.notes:
            typer.echo(f"note: {note}")
        typer.echo(f"\nWritten to {out}")
