"""Turn a study's analyses into results bundles: the only thing reports read."""

from __future__ import annotations

import logging
from pathlib import Path

from impact.escaping import inside, safe_filenames
from impact.ingest import load_mapping
from impact.pipeline.analyse import StudyAnalyses
from impact.pipeline.prepare import PreparedStudy
from impact.report.api import (
    make_provenance,
    write_codebook_bundle,
    write_power_bundle,
    write_programme_bundle,
    write_rct_bundle,
    write_round_in_progress_bundle,
)

logger = logging.getLogger(__name__)


def _provenance(prepared: PreparedStudy, analyses: StudyAnalyses) -> dict:
    config = prepared.config
    metadata = prepared.table.attrs.get("indicators", {})
    definitions = {d["id"]: d["version"] for d in metadata.get("definitions", [])}
    inputs = {f"{s.table}:{Path(s.path).name}": s.path for s in prepared.data.sources}
    analysis = config.analysis
    parameters = {
        "indicator_params": metadata.get("params", {}),
        "targets": dict(analysis.targets),
        "confidence_level": analysis.confidence_level,
        "suppression_threshold": analysis.suppression_threshold,
        "covariates": list(analysis.covariates),
        "link_threshold": config.linking.threshold,
        "engine": config.engine,
        "link_blocking": config.linking.blocking,
        "mapping": prepared.data.mapping,
        **_declared(config, analyses),
    }
    return make_provenance(
        inputs=inputs, parameters=parameters, definitions=definitions, seed=analysis.seed
    )


def _costs(analyses: StudyAnalyses):
    """The costs the funder report shows: per additional outcome, else descriptive."""
    return analyses.cost if analyses.cost is not None else analyses.programme_costs


def _declared(config, analyses: StudyAnalyses) -> dict:
    """Settings the pipeline applies that the report's method notes list (all from the study
    file, or what the analysis used, e.g. the covariates of the RCT)."""
    analysis = config.analysis
    settings = {
        "outcomes": list(analysis.outcomes),
        "groups": list(analysis.groups),
        "ri_draws": analysis.ri_draws,
        "attrition_boundary": analysis.attrition_boundary,
        "attrition_bootstrap": analysis.attrition_bootstrap,
        "attrition_permutations": analysis.attrition_permutations,
        "power_declared": config.power is not None,
    }
    if analyses.rct is not None:
        settings["rct_covariates"] = list(analyses.rct.settings.get("covariates", []))
    if config.costs is not None:
        settings["cost_bootstrap_draws"] = config.costs.bootstrap_draws
        settings["cost_outcomes"] = list(config.costs.outcomes)
    return settings


def _study(prepared: PreparedStudy) -> dict:
    section = prepared.config.study
    return {"name": section.name, "organisation": section.organisation, "design": section.design}


def round_folders(scopes) -> dict[str, str]:
    """Bundle folder names by scope: ``project`` for ``all``, ``round-<label>`` per round.

    Round labels come from the data: :func:`impact.escaping.safe_filenames` makes each a safe
    file name, distinct from the others' also when case is ignored.
    """
    rounds = safe_filenames(str(s) for s in scopes if s != "all")
    return {"all": "project", **{label: f"round-{name}" for label, name in rounds.items()}}


def _bundle_jobs(prepared: PreparedStudy, analyses: StudyAnalyses, directory: Path) -> list:
    """``(name, writer, keyword arguments)`` for every bundle of the study."""
    common = {"study": _study(prepared), "provenance": _provenance(prepared, analyses)}
    per_round = prepared.config.report.per_round
    # in-progress rounds too: their labels share the safe, distinct file names
    folders = round_folders([*analyses.outcomes, *analyses.in_progress])
    jobs = []
    for scope, outcomes in analyses.outcomes.items():
        if scope != "all" and not per_round:
            continue
        name = folders[scope]
        jobs.append((name, write_programme_bundle, {
            "directory": inside(directory, directory / name),
            "outcomes": outcomes,
            # link counts describe the whole study, so only the project report shows them
            "link_report": prepared.links.report if scope == "all" else None,
            "round_id": None if scope == "all" else scope,
            "rounds_in_progress": analyses.in_progress if scope == "all" else None,
            "costs": _costs(analyses) if scope == "all" else None,
            **common,
        }))  # fmt: skip
    for round_id, participants in analyses.in_progress.items() if per_round else ():
        name = folders[round_id]
        jobs.append((name, write_round_in_progress_bundle, {
            "directory": inside(directory, directory / name),
            "round_id": round_id,
            "participants": participants,
            "suppression_threshold": prepared.config.analysis.suppression_threshold,
            **common,
        }))  # fmt: skip
    if analyses.rct is not None:
        register = analyses.register
        jobs.append(("rct", write_rct_bundle, {
            "directory": directory / "rct",
            "rct": analyses.rct,
            "attrition": analyses.attrition,
            "power": analyses.power_as_run,
            "timing": register.timing if register else None,
            "register": register.comparison if register else None,
            "suppression_threshold": prepared.config.analysis.suppression_threshold,
            "cost": analyses.cost,
            "plan": analyses.plan,
            **common,
        }))  # fmt: skip
        jobs.append(("power", write_power_bundle, {
            "directory": directory / "power", "plan": analyses.plan,
            "as_run": analyses.power_as_run, **common,
        }))  # fmt: skip
    jobs.append(("codebook", write_codebook_bundle, {
        "directory": directory / "codebook",
        "definitions": prepared.config.indicators.definitions,
        "params": dict(prepared.config.indicators.params),
        "checkboxes": _checkbox_questions(prepared),
        **common,
    }))  # fmt: skip
    return jobs


def _checkbox_questions(prepared: PreparedStudy) -> list:
    """The study mapping's checkbox questions (their blank rule goes into the codebook)."""
    if prepared.config.inputs.mapping is None:
        return []
    return load_mapping(prepared.config.inputs.mapping).all_checkboxes()


def write_bundles(
    prepared: PreparedStudy, analyses: StudyAnalyses, directory: Path
) -> dict[str, Path]:
    """Write every results bundle of a study into ``directory``.

    Bundles: ``project`` (whole programme), ``round-<id>`` per round when the config asks for
    per-round reports (the round label made a safe file name, see :func:`round_folders`; a round
    still in progress gets a bundle saying so), and for randomised studies ``rct`` and ``power``;
    always ``codebook``.
    They are written one after another in this process: a process pool would need either
    ``fork`` (unsafe once threads run, e.g. in a Jupyter kernel) or ``spawn`` (which re-runs a
    calling script that lacks an ``if __name__ == "__main__"`` guard).

    Returns
    -------
    dict of str → Path
        Bundle folders by name.
    """
    written = {
        name: writer(**kwargs)
        for name, writer, kwargs in _bundle_jobs(prepared, analyses, directory)
    }
    logger.info("wrote %d results bundles", len(written))
    return written
