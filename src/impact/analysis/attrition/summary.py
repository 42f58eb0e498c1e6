"""One-page attrition summary: rates, WWC rating, tests, IPW and bounds in one object.

:func:`attrition_summary` runs every attrition analysis on the indicator table of a randomised
study and returns an :class:`AttritionSummary`; ``write(directory)`` saves its tables (CSV) and
figures (PNG + SVG). A part that cannot be computed on these data (e.g. a response model that
separates) is recorded in ``notes`` instead of stopping the whole summary.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from impact.errors import AnalysisError
from impact.escaping import write_csv
from impact.figures import save_figures
from impact.outputs import atomic_file
from impact.results import Result

from ._common import Population, check_option, outcome_values, response_column
from ._intervals import CiMethod
from .attrition_tests import (
    ResponseByCovariate,
    ResponseDifferenceTest,
    response_by_arm_test,
    response_by_covariate,
)
from .bounds import LeeBounds, SeMethod, lee_bounds
from .figures import bounds_figure, response_by_stage_figure, weights_figure
from .ipw import IPWResult, ipw_itt
from .manski import ManskiBounds, manski_bounds
from .rates import AttritionRates, attrition_rates
from .regression import AttritionRegression, RegressionModel, differential_attrition_regression
from .wwc import Boundary, Interpolation, WWCClassification, classify_attrition

logger = logging.getLogger(__name__)

_ESTIMATE_COLUMNS = ["outcome", "method", "estimate", "lower", "upper", "ci_lower", "ci_upper"]


@dataclass(repr=False)
class AttritionSummary(Result):
    """Everything about attrition in one object (see :func:`attrition_summary`)."""

    stage: str
    boundary: str
    rates: AttritionRates
    wwc: WWCClassification
    response_test: ResponseDifferenceTest
    response_test_exact: ResponseDifferenceTest
    regression: AttritionRegression | None
    response_by_covariate: ResponseByCovariate
    ipw: dict[str, IPWResult]
    lee: dict[str, LeeBounds]
    manski: dict[str, ManskiBounds]
    notes: list[str] = field(default_factory=list)
    lee_tightened: dict[str, LeeBounds] = field(default_factory=dict)
    title = "Attrition summary"

    def estimates(self) -> pd.DataFrame:
        """Per outcome: naive, IPW, Lee (and tightened Lee) and Manski rows with estimate,
        bounds and CI."""
        rows = []
        for outcome, lee in self.lee.items():
            if outcome in self.ipw:
                for _, row in self.ipw[outcome].tidy().iterrows():
                    rows.append({**{c: row[c] for c in ("outcome", "method", "estimate",
                                                        "ci_lower", "ci_upper")},
                                 "lower": np.nan, "upper": np.nan})  # fmt: skip
            else:
                rows.append({"outcome": outcome, "method": "naive", "estimate": lee.naive,
                             "lower": np.nan, "upper": np.nan, "ci_lower": np.nan,
                             "ci_upper": np.nan})  # fmt: skip
            rows.append({"outcome": outcome, "method": "lee", "estimate": np.nan,
                         "lower": lee.lower, "upper": lee.upper, "ci_lower": lee.ci_lower,
                         "ci_upper": lee.ci_upper})  # fmt: skip
            if outcome in self.lee_tightened:
                tight = self.lee_tightened[outcome]
                rows.append({"outcome": outcome, "method": "lee_tightened", "estimate": np.nan,
                             "lower": tight.lower, "upper": tight.upper,
                             "ci_lower": tight.ci_lower, "ci_upper": tight.ci_upper})  # fmt: skip
            if outcome in self.manski:
                m = self.manski[outcome]
                rows.append({"outcome": outcome, "method": "manski", "estimate": np.nan,
                             "lower": m.lower, "upper": m.upper, "ci_lower": m.ci_lower,
                             "ci_upper": m.ci_upper})  # fmt: skip
        return pd.DataFrame(rows, columns=_ESTIMATE_COLUMNS)

    def tidy(self) -> pd.DataFrame:
        """The estimates table (see :meth:`estimates`)."""
        return self.estimates()

    def summary(self) -> str:
        """A one-page text: rates, WWC rating, tests, and per-outcome estimates and bounds."""
        parts = [self.title, "=" * len(self.title), self.rates.summary(), "", self.wwc.summary()]
        parts += [self.response_test.summary(), self.response_test_exact.summary()]
        if self.regression is not None:
            parts.append(self.regression.summary())
        parts.append("")
        for outcome, lee in self.lee.items():
            parts.append(f"[{outcome}]")
            if outcome in self.ipw:
                parts.append("  " + self.ipw[outcome].summary().replace("\n", "\n  "))
            parts.append("  " + lee.summary())
            if outcome in self.lee_tightened:
                parts.append("  " + self.lee_tightened[outcome].summary())
            if outcome in self.manski:
                parts.append("  " + self.manski[outcome].summary())
        if self.notes:
            parts += ["", "Notes:"] + [f"  - {note}" for note in self.notes]
        return "\n".join(parts)

    def write(self, directory: str | Path) -> list[Path]:
        """Write the tables (CSV), ``summary.txt`` and figures (PNG + SVG) into ``directory``.

        Each file is written atomically; other files in ``directory`` are left alone.

        Returns
        -------
        list of Path
            The files written.
        """
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        tables = {
            "attrition_rates": self.rates.tidy(),
            "wwc_classification": self.wwc.tidy(),
            "response_tests": pd.concat(
                [self.response_test.tidy(), self.response_test_exact.tidy()], ignore_index=True
            ),
            "response_by_covariate": self.response_by_covariate.tidy(),
            "estimates": self.estimates(),
            "lee_bounds": _concat(
                [b.tidy() for b in [*self.lee.values(), *self.lee_tightened.values()]]
            ),
            "lee_bounds_cells": _concat(
                [b.cells.assign(outcome=o) for o, b in (self.lee_tightened or self.lee).items()]
            ),
            "manski_bounds": _concat([b.tidy() for b in self.manski.values()]),
            "ipw_estimates": _concat([r.tidy() for r in self.ipw.values()]),
            "ipw_weights": _concat([r.weights.assign(outcome=o) for o, r in self.ipw.items()]),
            "ipw_balance": _concat([r.balance.assign(outcome=o) for o, r in self.ipw.items()]),
            "ipw_response_models": _concat(
                [r.response_models.assign(outcome=o) for o, r in self.ipw.items()]
            ),
        }
        if self.regression is not None:
            tables["attrition_regression"] = self.regression.tidy()
            tables["attrition_regression_joint_tests"] = self.regression.joint_tests
        written = []
        for name, table in tables.items():
            path = directory / f"{name}.csv"
            with atomic_file(path, mode="w", encoding="utf-8", newline="") as handle:
                write_csv(table, handle, index=False)
            written.append(path)
        path = directory / "summary.txt"
        with atomic_file(path, mode="w", encoding="utf-8") as handle:
            handle.write(self.summary() + "\n")
        written.append(path)
        written += save_figures(
            {"response_by_stage": response_by_stage_figure(self.rates)}, directory
        )
        written += save_figures({"bounds": bounds_figure(self.estimates())}, directory)
        for outcome, result in self.ipw.items():
            fig = weights_figure(result.respondent_weights, outcome)
            written += save_figures({f"ipw_weights_{outcome}": fig}, directory)
        return written


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in frames if not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _regression_if_possible(
    data: pd.DataFrame,
    covariates: list[str],
    stage: str,
    population: Population | None,
    model: RegressionModel,
    notes: list[str],
) -> AttritionRegression | None:
    """The differential-attrition regression, or None (noted) without covariates or a fit."""
    if not covariates:
        return None
    try:
        return differential_attrition_regression(
            data, covariates=covariates, stage=stage, population=population, model=model
        )
    except AnalysisError as exc:
        notes.append(f"attrition regression not computed: {exc}")
        return None


def _bounds_and_ipw(
    data: pd.DataFrame,
    outcomes: list[str],
    lee_options: dict,
    ipw_options: dict | None,
    notes: list[str],
) -> tuple[dict[str, IPWResult], dict[str, LeeBounds], dict[str, ManskiBounds]]:
    """Per outcome: Lee bounds, Manski bounds (binary outcomes) and IPW (with covariates).

    What cannot be computed is noted in ``notes``.
    """
    ipw, lee, manski = {}, {}, {}
    plain = lee_options | {"tighten_by": None}
    for outcome in outcomes:
        _, _, binary = outcome_values(data, outcome)
        lee[outcome] = lee_bounds(data, outcome=outcome, **plain)
        if binary:
            manski[outcome] = manski_bounds(
                data,
                outcome=outcome,
                ci=lee_options["ci"],
                confidence_level=lee_options["confidence_level"],
            )
        else:
            notes.append(f"{outcome}: Manski bounds need a bounded outcome; not computed.")
        if ipw_options is not None:
            try:
                ipw[outcome] = ipw_itt(data, outcome=outcome, **ipw_options)
            except AnalysisError as exc:
                notes.append(f"{outcome}: IPW not computed: {exc}")
    return ipw, lee, manski


def _tightened_lee(
    data: pd.DataFrame, outcomes: list[str], lee_options: dict, notes: list[str]
) -> dict[str, LeeBounds]:
    """Lee bounds tightened by ``lee_options["tighten_by"]`` (none without it); a cell with no
    respondent in an arm is noted instead of stopping the summary."""
    if lee_options["tighten_by"] is None:
        return {}
    out = {}
    reversed_by_cells: dict[tuple[str, ...], list[str]] = {}
    for outcome in outcomes:
        try:
            out[outcome] = lee_bounds(data, outcome=outcome, **lee_options)
        except AnalysisError as exc:
            notes.append(f"{outcome}: tightened Lee bounds not computed: {exc}")
            continue
        if out[outcome].reversed_cells:
            cells = tuple(out[outcome].reversed_cells)
            reversed_by_cells.setdefault(cells, []).append(outcome)
    for cells, affected in reversed_by_cells.items():  # one note per cause, not per outcome
        notes.append(
            f"{', '.join(affected)}: response moves in the other direction in cell(s) "
            f"{', '.join(cells)} of {lee_options['tighten_by']}; "
            "the tightened bounds assume one direction everywhere (read them with care)"
        )
    return out


def _rates_and_response_tests(
    data: pd.DataFrame,
    stage: str,
    boundary: Boundary,
    interpolation: Interpolation,
    n_permutations: int,
    stratum_col: str | None,
    seed: int,
) -> tuple[AttritionRates, WWCClassification, ResponseDifferenceTest, ResponseDifferenceTest]:
    """Attrition rates, the WWC rating of ``stage`` and the permutation and Fisher tests of
    response by arm."""
    rates = attrition_rates(data)
    row = rates.stage(stage)
    wwc = classify_attrition(
        float(row["attrition_overall"]),
        float(row["abs_differential_attrition"]),
        boundary=boundary,
        interpolation=interpolation,
    )
    perm = response_by_arm_test(
        data, stage=stage, n_permutations=n_permutations, stratum_col=stratum_col, seed=seed
    )
    exact = response_by_arm_test(data, stage=stage, method="fisher")
    return rates, wwc, perm, exact


def attrition_summary(
    data: pd.DataFrame,
    *,
    outcomes: str | Sequence[str],
    covariates: Sequence[str],
    stage: str = "r",
    boundary: Boundary = "cautious",
    interpolation: Interpolation = "linear",
    population: Population | None = None,
    regression_model: RegressionModel = "lpm",
    tighten_by: str | None = None,
    trim_quantile: float | None = None,
    lee_se: SeMethod = "analytic",
    ci: CiMethod = "imbens_manski",
    confidence_level: float = 0.95,
    n_bootstrap: int = 500,
    n_permutations: int = 10_000,
    stratum_col: str | None = "stratum",
    seed: int = 0,
) -> AttritionSummary:
    """Run every attrition analysis and collect the results.

    Parameters
    ----------
    data : DataFrame
        Indicator table of a randomised study (one row per randomised person).
    outcomes : str or sequence of str
        Outcome column(s) for IPW and bounds (Manski bounds for binary outcomes only).
    covariates : sequence of str
        Baseline covariates for the attrition regression, the response table and IPW.
    stage : str
        Stage whose attrition is rated and tested (default ``r``, the result survey).
    boundary : {"cautious", "optimistic"}
        WWC boundary the study chooses (config ``analysis.attrition_boundary``).
    interpolation : {"linear", "nearest"}
        How the WWC table is read between whole percents.
    population : {"randomised", "baseline"} or None
        Population of the regression and IPW (None: randomised when covariates are complete).
    regression_model : {"lpm", "logit"}
        Model of the attrition regression.
    tighten_by : str, optional
        Discrete covariate known for everyone (e.g. gender or stratum; config
        ``analysis.attrition_tighten_by``): the Lee bounds tightened by it are reported beside
        the plain ones (``lee_tightened``, method ``lee_tightened`` in :meth:`estimates`).
    trim_quantile : float, optional
        Cap the IPW weights at this quantile.
    lee_se : {"analytic", "bootstrap"}
        Standard errors of the Lee bounds.
    ci : {"imbens_manski", "bounds"}
        Confidence intervals of the bounds.
    confidence_level : float
        Confidence level throughout.
    n_bootstrap, n_permutations : int
        Bootstrap replicates (IPW, bootstrap Lee SEs) and permutations (response test).
    stratum_col : str or None
        Randomisation strata for the permutation test.
    seed : int
        Seed for every random draw.

    Returns
    -------
    AttritionSummary
    """
    check_option("boundary", boundary, Boundary)
    outcomes = [outcomes] if isinstance(outcomes, str) else list(outcomes)
    covariates = [covariates] if isinstance(covariates, str) else list(covariates)
    response_column(stage)
    rates, wwc, perm, exact = _rates_and_response_tests(
        data, stage, boundary, interpolation, n_permutations, stratum_col, seed
    )
    notes: list[str] = []
    regression = _regression_if_possible(
        data, covariates, stage, population, regression_model, notes
    )
    by_cov = response_by_covariate(data, covariates=covariates, stage=stage)
    lee_options = {
        "tighten_by": tighten_by, "se_method": lee_se, "ci": ci,
        "confidence_level": confidence_level, "n_bootstrap": n_bootstrap, "seed": seed,
    }  # fmt: skip
    ipw_options = {
        "covariates": covariates, "population": population, "trim_quantile": trim_quantile,
        "n_bootstrap": n_bootstrap, "confidence_level": confidence_level, "seed": seed,
    }  # fmt: skip
    ipw, lee, manski = _bounds_and_ipw(
        data, outcomes, lee_options, ipw_options if covariates else None, notes
    )
    tightened = _tightened_lee(data, outcomes, lee_options, notes)
    for note in notes:
        logger.warning("attrition summary: %s", note)
    return AttritionSummary(
        stage=stage,
        boundary=boundary,
        rates=rates,
        wwc=wwc,
        response_test=perm,
        response_test_exact=exact,
        regression=regression,
        response_by_covariate=by_cov,
        ipw=ipw,
        lee=lee,
        manski=manski,
        notes=notes,
        lee_tightened=tightened,
    )
