"""Batch rendering in parallel processes past failures, and the ``impact report`` command."""

from __future__ import annotations

import shutil

import pytest
from typer.testing import CliRunner

from impact.cli.main import app
from impact.errors import ImpactError
from impact.report.batch import find_bundles, render_all
from report_fixtures import build_bundles


@pytest.fixture(scope="session")
def built():
    return build_bundles()


@pytest.fixture()
def bundles_dir(built, tmp_path):
    """Two good bundles and one broken one (a table file removed)."""
    root = tmp_path / "bundles"
    for name in ("codebook", "programme_R01"):
        shutil.copytree(built["paths"][name], root / name)
    shutil.copytree(built["paths"]["codebook"], root / "broken")
    (root / "broken" / "tables" / "parameters.csv").unlink()
    return root


def test_render_all_in_two_processes_continues_past_a_failure(bundles_dir, tmp_path):
    seen = []
    batch = render_all(
        bundles_dir,
        langs=["en"],
        formats=["html", "docx"],
        out_dir=tmp_path / "out",
        workers=2,
        renderer="fallback",
        progress=lambda done, total: seen.append((done, total)),
    )
    assert not batch.ok
    assert len(batch.results) == 4 and len(batch.failures) == 2
    assert {f.bundle.name for f in batch.failures} == {"broken"}
    assert all("parameters.csv is missing" in f.error for f in batch.failures)
    assert (tmp_path / "out" / "codebook" / "codebook.en.html").is_file()
    assert (tmp_path / "out" / "programme_R01" / "programme_R01.en.docx").is_file()
    assert seen[-1] == (6, 6)
    table = batch.tidy()
    assert sorted(table["status"]) == ["failed"] * 2 + ["ok"] * 4
    assert "FAILED broken [en, html]" in batch.summary()


def test_find_bundles_and_bad_batches(bundles_dir, tmp_path):
    assert [p.name for p in find_bundles(bundles_dir)] == ["broken", "codebook", "programme_R01"]
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ImpactError, match="no results bundle"):
        find_bundles(empty)
    with pytest.raises(ImpactError, match="workers"):
        render_all(bundles_dir, out_dir=tmp_path, workers=0)


def test_cli_renders_one_bundle(built, tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["report", str(built["paths"]["codebook"]), "--lang", "sv",
                                 "--format", "html", "--out", str(tmp_path), "--renderer",
                                 "fallback"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "codebook.sv.html" in result.output and "jupyter+pandoc" in result.output
    assert (tmp_path / "codebook.sv.html").is_file()


def test_cli_all_summarises_failures_with_nonzero_exit(bundles_dir, tmp_path):
    runner = CliRunner()
    out = tmp_path / "reports"
    result = runner.invoke(app, ["report", "--all", str(bundles_dir), "--out", str(out),
                                 "--lang", "en", "--format", "html", "--workers", "1",
                                 "--renderer", "fallback"])  # fmt: skip
    assert result.exit_code == 1
    assert "2 report(s) rendered, 1 failed" in result.output
    assert "FAILED broken [en, html]" in result.output


def test_cli_rejects_bad_options(built, tmp_path):
    runner = CliRunner()
    bad = runner.invoke(app, ["report", str(built["paths"]["codebook"]), "--lang", "de",
                              "--out", str(tmp_path)])  # fmt: skip
    assert bad.exit_code == 2 and "--lang" in bad.output
    neither = runner.invoke(app, ["report", "--out", str(tmp_path)])
    assert neither.exit_code == 2
