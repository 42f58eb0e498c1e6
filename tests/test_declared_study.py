"""The run analyses what the study file declares: the power section follows its power: design
(and says when none is declared), never a built-in study."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from impact.ingest.config import load_config
from impact.pipeline.declared import declared_plan
from impact.report import make_provenance, write_power_bundle
from impact.report.qmd import execute_qmd
from impact.resources import reports_dir

STUDY = {"name": "Declared", "organisation": "Test", "design": "randomised"}
HEAD = "study: {name: X, design: randomised}\ninputs: {baseline: b.csv, randomisation: r.csv}\n"
DESIGN_A = "power: {n_total: 400, attrition: 0.2, r2: [0, 0.1], control_rates: observed}\n"
DESIGN_B = "power: {n_per_arm: 100, ratio: 1.5, alpha: 0.1, control_rates: {got_job: 0.4}}\n"


def _rows() -> pd.DataFrame:
    rng = np.random.default_rng(4)
    arm = np.repeat(["treatment", "control"], 60)
    return pd.DataFrame({"arm": arm, "got_job": pd.array(rng.random(120) < 0.3, "boolean"),
                         "job_or_steps": pd.array(rng.random(120) < 0.7, "boolean")})  # fmt: skip


def _power_bundle(tmp_path: Path, design: str, name: str):
    path = tmp_path / f"{name}.yaml"
    path.write_text(HEAD + design, encoding="utf-8")
    notes: list[str] = []
    plan = declared_plan(load_config(path).power, _rows(), ["got_job", "job_or_steps"], notes)
    bundle = write_power_bundle(tmp_path / name, plan=plan, study=STUDY,
                                provenance=make_provenance(parameters={"power_declared": bool(
                                    plan)}))  # fmt: skip
    return plan, json.loads((bundle / "results.json").read_text(encoding="utf-8")), bundle


def _report(bundle: Path, tmp_path: Path) -> str:
    work = tmp_path / f"work-{bundle.name}"
    work.mkdir()
    text, _ = execute_qmd(reports_dir() / "power.qmd",
                          {"bundle": str(bundle), "lang": "en", "round": ""}, work)  # fmt: skip
    return text


@pytest.fixture(scope="module")
def bundles(tmp_path_factory):
    root = tmp_path_factory.mktemp("declared")
    return root, {k: _power_bundle(root, d, k) for k, d in
                  (("a", DESIGN_A), ("b", DESIGN_B), ("none", ""))}  # fmt: skip


def test_the_plan_follows_the_declared_design(bundles):
    _, found = bundles
    plan_a, results_a, _ = found["a"]
    plan_b, results_b, _ = found["b"]
    assert plan_a.n_participants == 400 and plan_a.attrition == 0.2
    observed = _rows().query("arm == 'control'")["got_job"].astype(float).mean()
    assert plan_a.tidy().query("outcome == 'got_job'")["control_rate"].iloc[0] == observed
    assert plan_b.n_participants == 250 and plan_b.alpha == 0.1
    assert set(plan_b.tidy()["outcome"]) == {"got_job"}
    numbers_a, numbers_b = results_a["numbers"], results_b["numbers"]
    assert numbers_a["plan.n_participants"]["value"] == 400
    assert numbers_b["plan.n_participants"]["value"] == 250
    key = "plan.got_job.r2_0.increase.mde_pp"
    assert numbers_a[key]["value"] != numbers_b[key]["value"]
    assert results_a["data"]["design_declared"] and results_b["data"]["design_declared"]


def test_no_declared_design_means_no_plan(bundles):
    _, found = bundles
    plan, results, _ = found["none"]
    assert plan is None
    assert results["data"]["design_declared"] is False
    assert not [k for k in results["numbers"] if k.startswith("plan.")]


def test_report_text_changes_with_the_design(bundles, tmp_path):
    _, found = bundles
    text_a = _report(found["a"][2], tmp_path)
    text_b = _report(found["b"][2], tmp_path)
    text_none = _report(found["none"][2], tmp_path)
    assert "The design the study file declares" in text_a
    assert "400" in text_a and "400" not in text_b and "250" in text_b
    assert "(equal arms)" in text_a and "150 to the programme, 100 to the control" in text_b
    assert text_a != text_b
    assert "declares no planned design" in text_none
    assert "# Minimum detectable effects\n" not in text_none and "# Assumptions" not in text_none
    assert "RISE" not in text_a + text_b + text_none
