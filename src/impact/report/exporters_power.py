"""Write the results bundle of the power-planning report (:class:`StudyPlan`, RISE grid)."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from impact.i18n import pair, table
from impact.i18n.labels import label
from impact.report.bundle import BundleError, bundle_writer
from impact.report.exporters_rct_parts import write_study_power

if TYPE_CHECKING:
    from impact.analysis.power import MDEResult, RiseReproduction, StudyPlan

_TITLES: dict[str, dict[str, str]] = table("labels.bundles.power.titles")
_CAPTIONS: dict[str, dict[str, str]] = table("labels.bundles.power.captions")


def write_power_bundle(
    directory: str | os.PathLike[str],
    *,
    plan: StudyPlan | None,
    rise: RiseReproduction | None = None,
    as_run: Sequence[MDEResult] | None = None,
    study: Mapping[str, Any],
    provenance: Mapping[str, Any],
) -> Path:
    """Write the bundle of the power-planning report.

    Parameters
    ----------
    directory : path
        Bundle directory (replaced atomically).
    plan : StudyPlan or None
        From :func:`impact.analysis.power.plan_study` with the design the study declares; None
        when it declares none (the report says so and shows only ``as_run``).
    rise : RiseReproduction, optional
        From :func:`impact.analysis.power.rise_reproduction` (the earlier study's calculation;
        the library and the notebook use it, a study's run does not).
    as_run : sequence of MDEResult, optional
        MDE of the study as run, one per outcome.
    study, provenance : mapping
        As for :func:`impact.report.write_programme_bundle`.

    Returns
    -------
    Path
    """
    if plan is not None and (not hasattr(plan, "curves") or not hasattr(plan, "n_participants")):
        raise BundleError(
            "plan: expected a StudyPlan (impact.analysis.power.plan_study), got "
            f"{type(plan).__name__}"
        )
    if rise is not None and not hasattr(rise, "grid"):
        raise BundleError(
            "rise: expected a RiseReproduction (impact.analysis.power.rise_reproduction), got "
            f"{type(rise).__name__}"
        )
    with bundle_writer(directory, "power", study=study, provenance=provenance, name="power") as w:
        w.data["design_declared"] = plan is not None
        if plan is not None:
            _plan_section(w, plan)
        if as_run:
            write_study_power(w, list(as_run))
        if rise is not None:
            _rise_section(w, rise)
    return Path(directory)


def _plan_section(w, plan) -> None:
    """The study plan: MDE table and curves, its sentence and figure, key numbers, data."""
    table = plan.tidy()
    outcomes = list(dict.fromkeys(table["outcome"].astype(str)))
    for ident in outcomes:
        w.label(ident, {"sv": label(ident, "sv"), "en": label(ident, "en")})
    w.table("plan_mde", table, title=_TITLES["plan_mde"], suppressed=False)
    w.table("plan_curves", plan.curves, title=_TITLES["plan_curves"], suppressed=False)
    w.text("plan.sentence", {lang: plan.sentence(lang) for lang in ("sv", "en")})
    w.figure("plan_mde_by_n", {lang: plan.figure(lang) for lang in ("sv", "en")},
             caption=_CAPTIONS["plan_mde_by_n"])  # fmt: skip
    for row in table.itertuples(index=False):
        key = f"plan.{row.outcome}.r2_{row.r2:g}.{row.direction}.mde_pp"
        w.number(key, row.mde_pp, unit="pp", n=None,
                 label={"sv": label(str(row.outcome), "sv"),
                        "en": label(str(row.outcome), "en")})  # fmt: skip
    w.number("plan.n_participants", plan.n_participants, unit="count",
             label=pair("labels.bundles.power.numbers.participants"))  # fmt: skip
    w.number("plan.attrition", plan.attrition, unit="share",
             label=pair("labels.bundles.power.numbers.attrition"))  # fmt: skip
    w.number("plan.power", plan.power, unit="share",
             label=pair("labels.bundles.power.numbers.power"))  # fmt: skip
    w.number("plan.alpha", plan.alpha, unit="number",
             label=pair("labels.bundles.power.numbers.alpha"))  # fmt: skip
    w.data.update(
        {
            "outcomes": outcomes,
            "r2_values": sorted(float(v) for v in table["r2"].unique()),
            "method": plan.method,
            "arms": [float(table["n_treatment"].iloc[0]), float(table["n_control"].iloc[0])],
            "control_rates": {
                o: float(table.loc[table["outcome"] == o, "control_rate"].iloc[0]) for o in outcomes
            },
        }
    )


def _rise_section(w, rise) -> None:
    """The reproduction of RISE's pre-study calculation."""
    w.section("rise")
    w.table("rise_matches", rise.matches(), title=_TITLES["rise_matches"], suppressed=False)
    w.table("rise_grid", rise.tidy(), title=_TITLES["rise_grid"], suppressed=False)
    w.text("rise.sentence", {lang: rise.sentence(lang) for lang in ("sv", "en")})
    w.figure("rise_mde_by_base_rate", {lang: rise.figure(lang) for lang in ("sv", "en")},
             caption=_CAPTIONS["rise_mde_by_base_rate"])  # fmt: skip
