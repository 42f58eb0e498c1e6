"""``impact power diagnose``: design diagnosis of a declared randomised design by simulation.

Example
-------
``impact power diagnose --n1 200 --n2 200 --control-rate 0.3 --effect 15 --take-up 0.7
--crossover 0.1 --attrition-treatment 0.15 --attrition-control 0.25 --covariates 2 --r2 0.2
--out results/diagnosis``

``impact power diagnose --study study.yml --outcome got_job --out results/diagnosis`` takes the
design from the study file's ``power:`` and ``randomisation:`` sections (options given
explicitly override it; see :func:`impact.power.diagnose_study`).
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

from impact.analysis.power import DEFAULT_SEED
from impact.cli.power import (
    ATTRITION_SLOPE,
    JSON,
    LANG,
    OUT,
    _checked_folder,
    _write_tables,
    power_app,
)
from impact.errors import PowerRequestError
from impact.i18n import check_lang
from impact.power import DiagnosisResult, diagnose, diagnose_study

#: Defaults of the design options when no study file is given.
_DEFAULTS = {
    "take_up": 1.0, "crossover": 0.0, "attrition_treatment": 0.0, "attrition_control": 0.0,
    "n_covariates": 0, "r2": 0.0, "icc": 0.0, "cluster_size": 1, "blocks": 1, "alpha": 0.05,
}  # fmt: skip


def _run(study: Path | None, outcome: str | None, design: dict) -> DiagnosisResult:
    """Diagnose the study file's design (options override it) or the options alone."""
    if study is not None:
        from impact import load_config

        return diagnose_study(load_config(study), outcome=outcome, **design)
    required = {"--n1": "n_treatment", "--n2": "n_control", "--control-rate": "control_rate",
                "--effect": "effect_pp"}  # fmt: skip
    missing = [flag for flag, name in required.items() if design[name] is None]
    if missing:
        raise PowerRequestError(
            f"impact power diagnose: missing {', '.join(missing)}; fix: give them, or give "
            "--study study.yml to take the design from the study file's power: section"
        )
    given = _DEFAULTS | {k: v for k, v in design.items() if v is not None}
    return diagnose(given.pop("n_treatment"), given.pop("n_control"), **given)


@power_app.command("diagnose")
def diagnose_command(
    study: Path = typer.Option(
        None, "--study", help="Study file: take the design from its power: and randomisation:."
    ),
    outcome: str = typer.Option(
        None, "--outcome", help="With --study: outcome whose control rate (and effect) is used."
    ),
    n1: int = typer.Option(None, "--n1", help="Participants randomised to an offer of a place."),
    n2: int = typer.Option(None, "--n2", help="Participants randomised to control."),
    control_rate: float = typer.Option(
        None, "--control-rate", help="Control-group rate as a proportion (0.3)."
    ),
    effect: float = typer.Option(
        None, "--effect", help="Effect of taking part for compliers, in percentage points."
    ),
    take_up: float = typer.Option(
        None, "--take-up", help="Share of those offered who start (default 1)."
    ),
    crossover: float = typer.Option(
        None, "--crossover", help="Share of controls who start (default 0)."
    ),
    attrition_treatment: float = typer.Option(
        None, "--attrition-treatment", help="Expected share of the offered arm lost (default 0)."
    ),
    attrition_control: float = typer.Option(
        None, "--attrition-control", help="Expected share of the control arm lost (default 0)."
    ),
    attrition_slope: float = ATTRITION_SLOPE,
    covariates: int = typer.Option(
        None, "--covariates", help="Number of covariates adjusted for (default 0)."
    ),
    r2: float = typer.Option(
        None, "--r2", help="Outcome variance explained by covariates, in [0, 1) (default 0)."
    ),
    icc: float = typer.Option(None, "--icc", help="Intra-cluster correlation (default 0)."),
    cluster_size: int = typer.Option(
        None, "--cluster-size", help="Participants per randomised cluster (default 1)."
    ),
    blocks: int = typer.Option(
        None, "--blocks", help="Randomisation blocks of equal size (default 1 = complete)."
    ),
    alpha: float = typer.Option(None, "--alpha", help="Significance level (default 0.05)."),
    sims: int = typer.Option(1000, "--sims", help="Number of simulated trials."),
    ri_draws: int = typer.Option(
        200, "--ri-draws", help="Re-draws per trial for randomisation inference (0 = none)."
    ),
    seed: int = typer.Option(DEFAULT_SEED, "--seed", help="Random seed."),
    out: Path = OUT,
    lang: str = LANG,
    as_json: bool = JSON,
) -> None:
    """Bias, RMSE, coverage and power of each estimator on simulated trials of the design.

    With --study the design comes from the study file; options given override it.
    """
    lang = check_lang(lang)
    folder = _checked_folder(out, "diagnose")
    design = {
        "n_treatment": n1, "n_control": n2, "control_rate": control_rate, "effect_pp": effect,
        "take_up": take_up, "crossover": crossover, "attrition_treatment": attrition_treatment,
        "attrition_control": attrition_control, "attrition_slope": attrition_slope,
        "n_covariates": covariates, "r2": r2, "icc": icc, "cluster_size": cluster_size,
        "blocks": blocks, "alpha": alpha, "n_sims": sims, "ri_draws": ri_draws, "seed": seed,
    }  # fmt: skip
    result = _run(study, outcome, design)
    _write_tables(result, folder)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2, default=str))
        return
    typer.echo(result.sentence(lang))
    typer.echo("")
    typer.echo(result.summary().split("\n", 2)[2])
