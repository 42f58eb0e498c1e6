"""``impact synth``: write synthetic studies with known truth (for demos and method checks).

Examples
--------
``impact synth all --out demo``
``impact synth programme --out prog --seed 7 --n 2000``
``impact synth randomised --out rct --kind canonical``
"""

from __future__ import annotations

from pathlib import Path

import typer

from impact.cli.options import OUT_FOLDER_HELP
from impact.synth import write_synthetic


def register(app: typer.Typer) -> None:
    """Register the ``synth`` command on the app."""

    @app.command("synth")
    def synth(
        what: str = typer.Argument(
            ..., help="programme, randomised, register, or all (a ready demo folder)."
        ),
        out: Path = typer.Option(
            ...,
            "--out",
            help=OUT_FOLDER_HELP,
        ),
        seed: int = typer.Option(None, "--seed", help="Random seed (default: fixed per study)."),
        n: int = typer.Option(
            None,
            "--n",
            help="Size: participants (programme), people randomised (randomised) or external "
            "pool (register).",
        ),
        kind: str = typer.Option(
            "raw", "--kind", help="raw (Swedish survey exports) or canonical (canonical CSV)."
        ),
    ) -> None:
        """Write synthetic studies with known truth: inputs, study.yaml and truth/."""
        written = write_synthetic(what, out, seed=seed, n=n, kind=kind)
        typer.echo(f"Synthetic data written to {out}")
        typer.echo(written.tidy().to_string(index=False))
        typer.echo("Files under truth/ hold the known truth; they are never analysis inputs.")
