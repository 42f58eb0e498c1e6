"""Catalogue cases for the design diagnosis of a study file (``impact power diagnose --study``)."""

from __future__ import annotations

from bad_inputs.catalogue import Case
from bad_inputs.workspace import Workspace

HEAD = (
    "study: {name: X, design: randomised}\n"
    "inputs: {baseline: b.csv, randomisation: r.csv}\n"
    "analysis: {outcomes: [got_job, job_or_steps]}\n"
)
DESIGN = "power: {n_per_arm: 60, control_rates: %s, effect_pp: 10, take_up: 0.7}\n"
FAST = ["--sims", "20", "--ri-draws", "0"]


def _diagnose(ws: Workspace, body: str, *extra: str) -> list[str]:
    study = ws.file("plan.yaml", HEAD + body)
    return ["power", "diagnose", "--study", study, *extra, *FAST, "--out", ws.out]


def no_power_section(ws: Workspace) -> list[str]:
    """A study file without a power: section."""
    return _diagnose(ws, "")


def observed_rates(ws: Workspace) -> list[str]:
    """power.control_rates is observed and no --control-rate is given."""
    return _diagnose(ws, DESIGN % "observed")


def unknown_outcome(ws: Workspace) -> list[str]:
    """--outcome names an outcome without a rate under power.control_rates."""
    return _diagnose(ws, DESIGN % "{got_job: 0.3}", "--outcome", "employed")


CASES = [
    Case(
        "power-diagnose-study-no-power",
        "analyses",
        "impact power diagnose --study: the study file has no power: section",
        no_power_section,
        expect=("plan.yaml", "no power: section"),
        fix="fix: add a power: section",
    ),
    Case(
        "power-diagnose-study-observed-rates",
        "analyses",
        "impact power diagnose --study: control_rates observed, no --control-rate",
        observed_rates,
        expect=("plan.yaml", "power.control_rates is `observed`"),
        fix="fix: give --control-rate",
    ),
    Case(
        "power-diagnose-study-unknown-outcome",
        "analyses",
        "impact power diagnose --study: an outcome without a declared control rate",
        unknown_outcome,
        expect=("plan.yaml", "'employed'", "power.control_rates"),
        fix="choose one of those with --outcome",
    ),
]
