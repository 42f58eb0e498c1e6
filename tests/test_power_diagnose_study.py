"""Design diagnosis of the design a study file declares (``impact.power.diagnose_study``,
``impact power diagnose --study``): the file's numbers reach ``diagnose``, options override
them, and bad study files give clear messages (exit 2, no traceback)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from impact.cli.main import app, run
from impact.errors import InputError, PowerRequestError
from impact.ingest.config import load_config
from impact.power import DiagnosisResult, diagnose, diagnose_study

HEAD = (
    "study: {name: X, design: randomised}\n"
    "inputs: {baseline: b.csv, randomisation: r.csv}\n"
    "analysis: {outcomes: [job_or_steps, got_job]}\n"
)
BLOCKED = """randomisation: {procedure: blocked, blocks: stratum}
power:
  n_per_arm: 40
  ratio: 1.5
  control_rates: {got_job: 0.3, job_or_steps: 0.5}
  attrition: 0.1
  r2: [0.2, 0.4]
  alpha: 0.1
  effect_pp: {got_job: 12, job_or_steps: 8}
  take_up: 0.7
  crossover: 0.1
  blocks: 4
"""
CLUSTERED = """randomisation: {procedure: clustered, clusters: coach}
power:
  n_total: 120
  control_rates: {got_job: 0.3}
  effect_pp: 15
  take_up: 0.8
  clusters: {icc: 0.05, size: 10}
"""
FAST = {"n_sims": 60, "ri_draws": 19, "seed": 7}
CLI_FAST = ["--sims", "60", "--ri-draws", "19", "--seed", "7"]


def _study(tmp_path: Path, body: str, name: str = "study") -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(HEAD + body, encoding="utf-8")
    return path


def _same(a: DiagnosisResult, b: DiagnosisResult) -> None:
    assert a.tidy().equals(b.tidy())
    assert a.to_dict()["settings"] == b.to_dict()["settings"]


def test_blocked_study_numbers_reach_the_diagnosis(tmp_path):
    config = load_config(_study(tmp_path, BLOCKED))
    # default outcome: the first of analysis.outcomes with a rate (job_or_steps)
    found = diagnose_study(config, **FAST)
    direct = diagnose(60, 40, control_rate=0.5, effect_pp=8, take_up=0.7, crossover=0.1,
                      attrition_treatment=0.1, attrition_control=0.1, n_covariates=1,
                      r2=0.2, blocks=4, alpha=0.1, **FAST)  # fmt: skip
    _same(found, direct)
    chosen = diagnose_study(config, outcome="got_job", **FAST)
    _same(chosen, diagnose(60, 40, control_rate=0.3, effect_pp=12, take_up=0.7,
                           crossover=0.1, attrition_treatment=0.1, attrition_control=0.1,
                           n_covariates=1, r2=0.2, blocks=4, alpha=0.1, **FAST))  # fmt: skip


def test_clustered_study_and_overrides(tmp_path):
    config = load_config(_study(tmp_path, CLUSTERED))
    found = diagnose_study(config, **FAST)
    direct = diagnose(60, 60, control_rate=0.3, effect_pp=15, take_up=0.8, icc=0.05,
                      cluster_size=10, **FAST)  # fmt: skip
    _same(found, direct)
    overridden = diagnose_study(config, effect_pp=5, icc=0.2, take_up=None, **FAST)
    _same(overridden, diagnose(60, 60, control_rate=0.3, effect_pp=5, take_up=0.8, icc=0.2,
                               cluster_size=10, **FAST))  # fmt: skip


def test_cli_reads_the_study_and_options_override(tmp_path):
    path = _study(tmp_path, BLOCKED)
    runner = CliRunner()
    args = ["power", "diagnose", "--study", str(path), "--outcome", "got_job", *CLI_FAST]
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    direct = diagnose(60, 40, control_rate=0.3, effect_pp=12, take_up=0.7, crossover=0.1,
                      attrition_treatment=0.1, attrition_control=0.1, n_covariates=1,
                      r2=0.2, blocks=4, alpha=0.1, **FAST)  # fmt: skip
    assert json.loads(result.output)["settings"] == direct.to_dict()["settings"]
    result = runner.invoke(app, [*args, "--effect", "20", "--blocks", "2",
                                 "--attrition-control", "0.3", "--json"])  # fmt: skip
    settings = json.loads(result.output)["settings"]
    assert settings["blocks"] == 2 and settings["attrition_control"] == 0.3
    assert settings["attrition_treatment"] == 0.1 and settings["effect_pp"] == 20


BAD = [
    ("", [], ("no power: section", "fix: add a power: section")),
    (BLOCKED.replace("{got_job: 0.3, job_or_steps: 0.5}", "observed"), [],
     ("power.control_rates is `observed`", "--control-rate")),
    (BLOCKED, ["--outcome", "employed"],
     ("outcome 'employed' has no rate", "got_job, job_or_steps", "--outcome")),
    (BLOCKED.replace("  blocks: 4\n", ""), [], ("number of blocks", "power.blocks", "--blocks")),
    (CLUSTERED.replace("  clusters: {icc: 0.05, size: 10}\n", ""), [],
     ("procedure is clustered", "power.clusters")),
    (CLUSTERED.replace("  effect_pp: 15\n", ""), [], ("no effect", "power.effect_pp", "--effect")),
]  # fmt: skip


@pytest.mark.parametrize(("body", "extra", "expect"), BAD)
def test_bad_study_files_give_clear_messages(tmp_path, capsys, body, extra, expect):
    path = _study(tmp_path, body)
    with pytest.raises(SystemExit) as info:
        run(["power", "diagnose", "--study", str(path), *extra, *CLI_FAST])
    assert info.value.code == 2
    err = capsys.readouterr().err
    flat = "".join(err.split())  # the console wraps long lines anywhere, even inside a name
    assert "Traceback" not in err and path.name in flat
    for text in expect:
        assert "".join(text.split()) in flat, err
    with pytest.raises(PowerRequestError):
        diagnose_study(load_config(path), outcome=(extra or [None, None])[1], **FAST)


def test_observed_rates_with_control_rate_and_options_without_study(tmp_path, capsys):
    body = BLOCKED.replace("{got_job: 0.3, job_or_steps: 0.5}", "observed")
    config = load_config(_study(tmp_path, body))
    found = diagnose_study(config, outcome="got_job", control_rate=0.25, **FAST)
    _same(found, diagnose(60, 40, control_rate=0.25, effect_pp=12, take_up=0.7,
                          crossover=0.1, attrition_treatment=0.1, attrition_control=0.1,
                          n_covariates=1, r2=0.2, blocks=4, alpha=0.1, **FAST))  # fmt: skip
    with pytest.raises(SystemExit) as info:
        run(["power", "diagnose", "--n1", "40", *CLI_FAST])
    assert info.value.code == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "missing --n2, --control-rate, --effect" in err and "--study" in err


def test_crossover_must_be_below_take_up(tmp_path):
    with pytest.raises(InputError, match="power.crossover") as info:
        load_config(_study(tmp_path, BLOCKED.replace("crossover: 0.1", "crossover: 0.8")))
    assert "below take_up (0.7)" in str(info.value)


def test_blocked_and_clustered_needs_one_block_and_no_randomisation_section(tmp_path):
    body = CLUSTERED.replace("procedure: clustered", "procedure: blocked_and_clustered")
    config = load_config(_study(tmp_path, body))
    with pytest.raises(PowerRequestError, match="--blocks 1"):
        diagnose_study(config, **FAST)
    direct = diagnose(60, 60, control_rate=0.3, effect_pp=15, take_up=0.8, icc=0.05,
                      cluster_size=10, **FAST)  # fmt: skip
    _same(diagnose_study(config, blocks=1, **FAST), direct)
    bare = BLOCKED.replace("randomisation: {procedure: blocked, blocks: stratum}\n", "")
    found = diagnose_study(load_config(_study(tmp_path, bare, "bare")), **FAST)
    assert found.to_dict()["settings"]["blocks"] == 4
