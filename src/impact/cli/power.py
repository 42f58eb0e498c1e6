"""``impact power``: minimum detectable effect, sample size, power, simulation and study plans.

Examples
--------
``impact power mde --n1 73 --n2 78 --control-rate 0.3 --method arcsine``
``impact power n --control-rate 0.29 --effect 10 --attrition 0.3 --r2 0.1 --json``
``impact power power --n 500 --control-rate 0.29 --effect 12 --attrition 0.3 --lang sv``
``impact power power --clusters 20 --cluster-size 8 --icc 0.05 --control-rate 0.3 --effect 15``
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer

from impact.analysis.power import DEFAULT_SEED
from impact.analysis.power.results import PowerAnswer
from impact.i18n import check_lang
from impact.outputs import OutputFolder
from impact.power import mde, plan_study, power, rise_reproduction, sample_size, simulate_power

power_app = typer.Typer(
    help="Power, minimum detectable effect (percentage points) and sample size for binary "
    "outcomes (two arms).",
    no_args_is_help=True,
)

N1 = typer.Option(None, "--n1", help="Participants enrolled in the treatment arm.")
N2 = typer.Option(None, "--n2", help="Participants enrolled in the control arm.")
N_TOTAL = typer.Option(None, "--n", help="Total enrolled (instead of --n1/--n2), split by --ratio.")
RATIO = typer.Option(1.0, "--ratio", help="Allocation ratio n_control / n_treatment.")
CONTROL = typer.Option(..., "--control-rate", help="Control-group rate as a proportion (0.3).")
EFFECT = typer.Option(
    ..., "--effect", help="Effect in percentage points (treatment − control; negative = fall)."
)
ALPHA = typer.Option(0.05, "--alpha", help="Significance level.")
POWER = typer.Option(0.8, "--power", help="Target power.")
SIDES = typer.Option(2, "--sides", help="2 = two-sided test; 1 = one-sided.")
METHOD = typer.Option(
    "unpooled", "--method", help="Variance method: unpooled (default), pooled (Fleiss), arcsine."
)
R2 = typer.Option(0.0, "--r2", help="Outcome variance explained by covariates, in [0, 1).")
ICC = typer.Option(0.0, "--icc", help="Intra-cluster correlation.")
CLUSTER = typer.Option(1.0, "--cluster-size", help="Average cluster size (1 = individuals).")
CLUSTERS = typer.Option(
    None, "--clusters", help="Total clusters randomised (instead of --n; needs --cluster-size)."
)
CLUSTER_CV = typer.Option(
    0.0, "--cluster-cv", help="Coefficient of variation of cluster sizes (0 = equal sizes)."
)
ATTRITION = typer.Option(0.0, "--attrition", help="Expected share lost before the outcome.")
DIRECTION = typer.Option("both", "--direction", help="increase, decrease or both.")
OUTCOME = typer.Option(None, "--outcome", help="Outcome id or label for the sentence.")
LANG = typer.Option("en", "--lang", help="Language of the sentence: en or sv.")
JSON = typer.Option(False, "--json", help="Print the result as JSON (for scripts).")
COVARIATES = typer.Option(0, "--covariates", help="Number of covariates adjusted for.")
ATTRITION_SLOPE = typer.Option(
    0.0, "--attrition-slope", help="Log-odds of missing per SD of the covariate index."
)
SIMS = typer.Option(10_000, "--sims", help="Number of simulated trials.")
SEED = typer.Option(DEFAULT_SEED, "--seed", help="Random seed.")
OUT = typer.Option(None, "--out", help="Write CSV tables and PNG/SVG figures here.")


def _checked_folder(out: Path | None, command: str) -> OutputFolder | None:
    """The ``--out`` folder, checked before anything is computed (None without ``--out``)."""
    if out is None:
        return None
    folder = OutputFolder(out, command=f"impact power {command}")
    folder.check()
    return folder


def _write_tables(result, folder: OutputFolder | None) -> None:
    """Write the result's CSV tables and figures into the ``--out`` folder, if any."""
    if folder is not None:
        with folder:
            result.write(folder.staging)


def _emit(result: PowerAnswer, lang: str, as_json: bool) -> None:
    """Print the result: JSON, or the sentence in ``lang`` followed by the tidy table."""
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2, default=str))
        return
    typer.echo(result.sentence(check_lang(lang)))
    typer.echo("")
    typer.echo(result.tidy().to_string(index=False))


#: Option names of the commands → keywords of the analysis functions, where they differ.
_ANALYSIS_KEYWORDS = {
    "n1": "n_treatment",
    "n2": "n_control",
    "target_power": "power",
    "effect": "effect_pp",
    "covariates": "n_covariates",
    "sims": "n_sims",
}
#: Options of the commands that only choose how the answer is shown.
_DISPLAY_OPTIONS = ("lang", "as_json")


def _answer(compute: Callable[..., PowerAnswer], options: dict[str, Any]) -> None:
    """Call ``compute`` with a command's options (as analysis keywords) and print the answer."""
    check_lang(options["lang"])
    keywords = {
        _ANALYSIS_KEYWORDS.get(name, name): value
        for name, value in options.items()
        if name not in _DISPLAY_OPTIONS
    }
    _emit(compute(**keywords), options["lang"], options["as_json"])


#: Every option of the design commands (mde, n, power, simulate): name → (type, declaration).
_DESIGN_OPTIONS: dict[str, tuple[type, Any]] = {
    "n1": (float, N1),
    "n2": (float, N2),
    "n": (float, N_TOTAL),
    "ratio": (float, RATIO),
    "control_rate": (float, CONTROL),
    "effect": (float, EFFECT),
    "alpha": (float, ALPHA),
    "target_power": (float, POWER),
    "sides": (int, SIDES),
    "method": (str, METHOD),
    "covariates": (int, COVARIATES),
    "r2": (float, R2),
    "icc": (float, ICC),
    "cluster_size": (float, CLUSTER),
    "clusters": (float, CLUSTERS),
    "cluster_cv": (float, CLUSTER_CV),
    "attrition": (float, ATTRITION),
    "attrition_slope": (float, ATTRITION_SLOPE),
    "sims": (int, SIMS),
    "seed": (int, SEED),
    "direction": (str, DIRECTION),
    "outcome": (str, OUTCOME),
    "lang": (str, LANG),
    "as_json": (bool, JSON),
}


def _with_options(names: str, **replaced: tuple[type, Any]) -> Callable[[Callable], Callable]:
    """Give a command taking ``**options`` the signature typer reads: the options ``names``
    (space-separated, in this order) from :data:`_DESIGN_OPTIONS`, or from ``replaced``."""

    def declare(command: Callable) -> Callable:
        table = {**_DESIGN_OPTIONS, **replaced}
        parameters = [
            inspect.Parameter(
                name,
                inspect.Parameter.KEYWORD_ONLY,
                default=table[name][1],
                annotation=table[name][0],
            )
            for name in names.split()
        ]
        command.__signature__ = inspect.Signature(parameters, return_annotation=None)  # type: ignore[attr-defined]
        return command

    return declare


@power_app.command("mde")
@_with_options(
    "n1 n2 n ratio control_rate alpha target_power sides method r2 icc cluster_size attrition "
    "clusters cluster_cv direction outcome lang as_json"
)
def mde_command(**options: Any) -> None:
    """Minimum detectable effect in percentage points (rise, fall or both)."""
    _answer(mde, options)


@power_app.command("n")
@_with_options(
    "control_rate effect ratio alpha target_power sides method r2 icc cluster_size attrition "
    "cluster_cv outcome lang as_json"
)
def n_command(**options: Any) -> None:
    """Participants to analyse and to enrol to detect --effect with --power."""
    _answer(sample_size, options)


@power_app.command("power")
@_with_options(
    "n1 n2 n ratio control_rate effect alpha sides method r2 icc cluster_size attrition "
    "clusters cluster_cv outcome lang as_json"
)
def power_command(**options: Any) -> None:
    """Power to detect a change of --effect percentage points."""
    _answer(power, options)


@power_app.command("simulate")
@_with_options(
    "n1 n2 n ratio control_rate effect alpha sides covariates r2 attrition attrition_slope "
    "sims seed outcome lang as_json",
    n1=(int, typer.Option(None, "--n1", help="Participants randomised to treatment.")),
    n2=(int, typer.Option(None, "--n2", help="Participants randomised to control.")),
    n=(int, typer.Option(None, "--n", help="Total randomised, split by --ratio.")),
)
def simulate_command(**options: Any) -> None:
    """Power of the ITT difference with HC2 SE, by simulating trials."""
    _answer(simulate_power, options)


@power_app.command("plan")
def plan_command(
    n: float = typer.Option(500, "--n", help="Participants to randomise."),
    attrition: float = typer.Option(0.3, "--attrition", help="Expected share lost."),
    r2: list[float] = typer.Option([0.0, 0.1, 0.2], "--r2", help="R² values (repeatable)."),
    ratio: float = RATIO,
    alpha: float = ALPHA,
    target_power: float = POWER,
    method: str = METHOD,
    out: Path = OUT,
    lang: str = LANG,
    as_json: bool = JSON,
) -> None:
    """MDE for the programme's outcomes in a new study (default 500 participants)."""
    check_lang(lang)
    folder = _checked_folder(out, "plan")
    result = plan_study(
        n,
        attrition=attrition,
        r2_values=r2,
        ratio=ratio,
        alpha=alpha,
        power=target_power,
        method=method,
    )
    _write_tables(result, folder)
    _emit(result, lang, as_json)


@power_app.command("rise")
def rise_command(
    out: Path = OUT,
    lang: str = LANG,
    as_json: bool = JSON,
) -> None:
    """Reproduce RISE's pre-study MDE of 17–20 percentage points."""
    check_lang(lang)
    folder = _checked_folder(out, "rise")
    result = rise_reproduction()
    _write_tables(result, folder)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2, default=str))
        return
    typer.echo(result.sentence(lang))  # type: ignore[arg-type]
    typer.echo("")
    typer.echo(result.matches().to_string(index=False))


def register(app: typer.Typer) -> None:
    """Add ``impact power`` (mde, n, power, simulate, plan, rise, diagnose) to the app."""
    from impact.cli import power_diagnose  # noqa: F401  (registers ``impact power diagnose``)

    app.add_typer(power_app, name="power")
