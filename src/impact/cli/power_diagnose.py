"""``impact power diagnose``: design diagnosis of a declared randomised design by simulation.

Example
-------
``impact power diagnose --n1 200 --n2 200 --control-rate 0.3 --effect 15 --take-up 0.7
--crossover 0.1 --attrition-treatment 0.15 --attrition-control 0.25 --covariates 2 --r2 0.2
--out results/diagnosis``
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

from impact.analysis.power import DEFAULT_SEED
from impact.cli.power import (
    ALPHA,
    ATTRITION_SLOPE,
    CONTROL,
    COVARIATES,
    ICC,
    JSON,
    LANG,
    OUT,
    R2,
    _checked_folder,
    _write_tables,
    power_app,
)
from impact.i18n import check_lang
from impact.power import diagnose


@power_app.command("diagnose")
def diagnose_command(
    n1: int = typer.Option(..., "--n1", help="Participants randomised to an offer of a place."),
    n2: int = typer.Option(..., "--n2", help="Participants randomised to control."),
    control_rate: float = CONTROL,
    effect: float = typer.Option(
        ..., "--effect", help="Effect of taking part for compliers, in percentage points."
    ),
    take_up: float = typer.Option(1.0, "--take-up", help="Share of those offered who start."),
    crossover: float = typer.Option(0.0, "--crossover", help="Share of controls who start."),
    attrition_treatment: float = typer.Option(
        0.0, "--attrition-treatment", help="Expected share of the offered arm lost."
    ),
    attrition_control: float = typer.Option(
        0.0, "--attrition-control", help="Expected share of the control arm lost."
    ),
    attrition_slope: float = ATTRITION_SLOPE,
    covariates: int = COVARIATES,
    r2: float = R2,
    icc: float = ICC,
    cluster_size: int = typer.Option(
        1, "--cluster-size", help="Participants per randomised cluster (1 = individuals)."
    ),
    blocks: int = typer.Option(
        1, "--blocks", help="Randomisation blocks of equal size (1 = complete randomisation)."
    ),
    alpha: float = ALPHA,
    sims: int = typer.Option(1000, "--sims", help="Number of simulated trials."),
    ri_draws: int = typer.Option(
        200, "--ri-draws", help="Re-draws per trial for randomisation inference (0 = none)."
    ),
    seed: int = typer.Option(DEFAULT_SEED, "--seed", help="Random seed."),
    out: Path = OUT,
    lang: str = LANG,
    as_json: bool = JSON,
) -> None:
    """Bias, RMSE, coverage and power of each estimator on simulated trials of the design."""
    lang = check_lang(lang)
    folder = _checked_folder(out, "diagnose")
    result = diagnose(
        n1, n2, control_rate=control_rate, effect_pp=effect, take_up=take_up,
        crossover=crossover, attrition_treatment=attrition_treatment,
        attrition_control=attrition_control, attrition_slope=attrition_slope,
        n_covariates=covariates, r2=r2, icc=icc, cluster_size=cluster_size, blocks=blocks,
        alpha=alpha,
        n_sims=sims, ri_draws=ri_draws, seed=seed,
    )  # fmt: skip
    _write_tables(result, folder)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2, default=str))
        return
    typer.echo(result.sentence(lang))
    typer.echo("")
    typer.echo(result.summary().split("\n", 2)[2])
