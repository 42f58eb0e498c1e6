"""``impact indicators``: linked panel in, indicator table out; or write the codebook.

Examples
--------
``impact indicators output/panel.parquet --out output/indicators.parquet``
``impact indicators panel.csv --out indicators.csv -p min_small_steps=4 -p min_extra_interviews=1``
``impact indicators --codebook output/codebook --lang sv``
"""

from __future__ import annotations

from pathlib import Path

import typer

from impact.errors import ImpactError
from impact.indicators import missing_counts, write_codebook
from impact.indicators.compute import compute_indicators
from impact.indicators.io import metadata_path, parse_params, read_panel, write_indicators
from impact.ingest import load_mapping
from impact.outputs import OutputFolder, output_file


def register(app: typer.Typer) -> None:
    """Register the ``indicators`` command on the app."""

    @app.command("indicators")
    def indicators(
        panel: Path | None = typer.Argument(
            None, help="Linked panel (.parquet or .csv), one row per person."
        ),
        out: Path | None = typer.Option(
            None, "--out", "-o", help="Indicator table to write (.parquet or .csv)."
        ),
        params: list[str] = typer.Option(
            [],
            "--params",
            "-p",
            help="Parameter override name=value (or indicator_id.name=value); repeat the option.",
        ),
        definitions: Path | None = typer.Option(
            None, "--definitions", help="YAML file adding or overriding indicator definitions."
        ),
        codebook: Path | None = typer.Option(
            None, "--codebook", help="Write the codebook (Markdown and Quarto) to this directory."
        ),
        lang: str | None = typer.Option(
            None, "--lang", help="Codebook language: sv or en (default: both)."
        ),
        mapping: str | None = typer.Option(
            None,
            "--mapping",
            help="Mapping file or bundled name: the codebook states its checkbox rules.",
        ),
        engine: str = typer.Option(
            "pandas", "--engine", help="Where the rules are evaluated: pandas, duckdb or spark."
        ),
    ) -> None:
        """Compute the indicators of a linked panel, or write the indicator codebook."""
        overrides = parse_params(params)
        if codebook is not None:
            if panel is not None or out is not None:
                raise ImpactError("Use either PANEL --out FILE or --codebook DIR, not both.")
            _write_codebook(codebook, lang, definitions, overrides, mapping)
            return
        if panel is None or out is None:
            raise ImpactError(
                "Give a linked panel and --out FILE (or --codebook DIR to write the codebook)."
            )
        if lang is not None:
            raise ImpactError("--lang only applies together with --codebook.")
        if mapping is not None:
            raise ImpactError("--mapping only applies together with --codebook.")
        _write_indicator_table(panel, out, definitions, overrides, engine)


def _write_codebook(
    codebook: Path,
    lang: str | None,
    definitions: Path | None,
    overrides: dict,
    mapping: str | None,
) -> None:
    """Write the codebook into the folder ``codebook`` (with the mapping's checkbox rules)."""
    checkboxes = load_mapping(mapping).all_checkboxes() if mapping is not None else []
    inputs = [definitions] if definitions else []
    if mapping is not None and Path(mapping).is_file():
        inputs.append(Path(mapping))
    folder = OutputFolder(
        codebook,
        inputs=inputs,
        command="impact indicators --codebook",
        keep_previous=True,
    )
    with folder:
        written = write_codebook(  # type: ignore[arg-type]
            folder.staging, lang, definitions, overrides, checkboxes
        )
    for path in written:
        typer.echo(f"wrote {codebook / path.relative_to(folder.staging)}")


def _write_indicator_table(
    panel: Path, out: Path, definitions: Path | None, overrides: dict, engine: str
) -> None:
    """Compute the indicators of the linked panel and write them to ``out``."""
    companions = [metadata_path(out).name] if out.suffix.lower() == ".csv" else []
    folder = output_file(
        out,
        companions=companions,
        inputs=[panel, *([definitions] if definitions else [])],
        command="impact indicators",
    )
    with folder:
        table = compute_indicators(
            read_panel(panel), engine=engine, definitions=definitions, params=overrides
        )
        written = [
            out.parent / path.name for path in write_indicators(table, folder.staging / out.name)
        ]
    typer.echo(f"{len(table)} persons, {len(table.attrs['indicators']['definitions'])} indicators")
    typer.echo(missing_counts(table).summary())
    for path in written:
        typer.echo(f"wrote {path}")
