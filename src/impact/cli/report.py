"""CLI command module 'report' (placeholder until its issue lands: registers nothing)."""

import typer


def register(app: typer.Typer) -> None:
    """Register this module's commands on the app."""
