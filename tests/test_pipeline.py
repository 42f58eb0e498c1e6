"""The whole chain on small synthetic studies: prepare → analyse → bundles → reports."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from impact.cli.main import run as cli_run
from impact.errors import ImpactError
from impact.pipeline import analyse_study, prepare_study, run_study
from impact.synth import programme_study, randomised_study, register_extract

IDENTIFYING = ("link_code", "response_id", "comments")


@pytest.fixture(scope="module")
def studies(tmp_path_factory) -> dict[str, Path]:
    """A small programme study and a randomised study with a register extract, as raw exports."""
    root = tmp_path_factory.mktemp("pipeline")
    programme = programme_study(seed=11, n_participants=100, n_rounds=2)
    randomised = randomised_study(seed=12, n_randomised=150).with_register(
        register_extract(seed=13, n_external=400)
    )
    return {
        "programme": programme.write(root / "programme"),
        "randomised": randomised.write(root / "randomised"),
    }


@pytest.fixture(scope="module")
def prepared_rct(studies):
    return prepare_study(studies["randomised"])


def _cli(argv: list[str]) -> int:
    with pytest.raises(SystemExit) as exit_info:
        cli_run(argv)
    return exit_info.value.code or 0


def test_prepared_table_has_indicators_and_no_identifying_columns(studies):
    prepared = prepare_study(studies["programme"])
    table = prepared.table
    assert len(table) >= 100
    for column in ("got_job", "took_steps", "job_or_steps", "expanded_network", "r_employment"):
        assert column in table.columns
    assert not [c for c in table.columns if c.endswith(IDENTIFYING)]
    assert table.attrs["indicators"]["definitions"]


def test_randomised_study_gets_every_analysis(prepared_rct):
    analyses = analyse_study(prepared_rct)
    assert set(analyses.outcomes) == {"all", "R01", "R02"}
    assert analyses.rct is not None and analyses.attrition is not None
    itt = analyses.rct.itt.tidy()
    assert {"got_job", "expanded_network"} <= set(itt["outcome"])
    assert analyses.power_as_run, "the study-as-run MDE is computed"
    assert analyses.register is not None
    assert analyses.register.timing is not None
    assert analyses.register.comparison is not None
    assert any("crossover" in note for note in analyses.notes), "take-up: crossover counted"
    # the synthetic study file declares a power design and costs: both are used
    assert analyses.plan is not None and analyses.plan.n_participants == 500
    assert analyses.cost is not None and not analyses.cost.tidy().empty
    family = [o for o in prepared_rct.config.analysis.outcomes if o in prepared_rct.table]
    assert len(family) > 4
    assert set(analyses.attrition.tidy()["outcome"]) == set(family), "no cap on outcomes"


def test_run_without_rendering_writes_bundles_and_private_tables(studies, tmp_path):
    out = tmp_path / "out"
    summary = run_study(studies["randomised"], out, render=False)
    assert set(summary.bundles) >= {"project", "round-R01", "rct", "power", "codebook"}
    for path in summary.bundles.values():
        results = json.loads((Path(path) / "results.json").read_text(encoding="utf-8"))
        assert results["provenance"]["impact_version"]
    assert (out / "private" / "panel.parquet").is_file()
    assert (out / "private" / "README.txt").read_text().startswith("PRIVATE")
    assert pd.read_csv(out / "run_summary.csv").shape[0] == len(summary.bundles)


def test_failed_run_leaves_previous_output_untouched(studies, tmp_path, monkeypatch):
    out = tmp_path / "out"
    run_study(studies["programme"], out, render=False)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def fail(*args, **kwargs):
        raise ImpactError("simulated failure while writing bundles")

    monkeypatch.setattr("impact.pipeline.run.write_bundles", fail)
    with pytest.raises(ImpactError):
        run_study(studies["programme"], out, render=False)
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.tmp")]


def test_run_renders_reports(studies, tmp_path):
    out = tmp_path / "rendered"
    summary = run_study(studies["programme"], out, languages=["sv"], formats=["html"])
    reports = summary.tidy()
    assert len(reports) == len(summary.bundles)
    assert reports["ok"].all(), reports.loc[~reports["ok"], "error"].tolist()
    for path in reports["path"]:
        assert Path(path).is_file() and Path(path).stat().st_size > 10_000


def test_cli_run_link_and_rct(studies, tmp_path):
    assert (
        _cli(["run", str(studies["programme"]), "--out", str(tmp_path / "r"), "--no-render"]) == 0
    )
    assert (tmp_path / "r" / "bundles" / "project" / "results.json").is_file()
    assert _cli(["link", str(studies["programme"]), "--out", str(tmp_path / "l")]) == 0
    assert (tmp_path / "l" / "link_report.csv").is_file()
    assert _cli(["rct", str(studies["randomised"]), "--out", str(tmp_path / "t")]) == 0
    assert (tmp_path / "t" / "rct" / "itt.csv").is_file()
    assert (tmp_path / "t" / "attrition").is_dir()


def test_cli_rct_on_a_programme_study_is_a_clear_error(studies, tmp_path, capsys):
    assert _cli(["rct", str(studies["programme"]), "--out", str(tmp_path / "t")]) == 2
    assert "design: randomised" in capsys.readouterr().err
    assert not (tmp_path / "t").exists()
