"""``impact mapping draft``: draft a commented mapping file from survey exports."""

from __future__ import annotations

from pathlib import Path

import typer

from impact.errors import ImpactError
from impact.ingest import draft_mapping
from impact.ingest.schema import check_table_name
from impact.outputs import output_file

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add the ``mapping`` command group (``mapping draft``) to the app."""
    group = typer.Typer(help="Write and check mapping files.", no_args_is_help=True)
    app.add_typer(group, name="mapping")

    @group.command("draft")
    def draft(
        exports: list[Path] = typer.Argument(
            ..., help="Survey exports (baseline, follow-up, result; any format impact reads)."
        ),
        out: Path = typer.Option(
            Path("mapping.yaml"), "--out", "-o", help="The mapping file to write."
        ),
        table: list[str] = typer.Option(
            [],
            "--table",
            help="The canonical table of each export, in order (default: recognised).",
        ),
        name: str = typer.Option("draft", "--name", help="The mapping's name."),
        sheet: str | None = typer.Option(None, "--sheet", help="Excel sheet name."),
    ) -> None:
        """Recognise the tool, match questions and answers to the canonical ones, write a
        commented mapping (guesses marked, unmatched columns listed)."""
        if table and len(table) != len(exports):
            raise ImpactError(
                f"--table was given {len(table)} time(s) for {len(exports)} export(s): give it "
                "once per export, in the same order, or not at all"
            )
        tables = [check_table_name(t) for t in table] or None
        result = draft_mapping(list(exports), tables, name=name, sheet=sheet)
        # a draft impact wrote earlier (and nobody edited since) is replaced; any other file of
        # that name (a mapping the user wrote or edited) is refused
        with output_file(out, inputs=exports, command="impact mapping draft") as folder:
            result.write(folder.staging / out.name)
        typer.echo(result.summary())
        typer.echo(f"wrote {out}: check every entry marked GUESS, then run impact validate")
