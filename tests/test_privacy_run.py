"""`impact run` refuses to publish when the privacy scan fails: a leak or a file it cannot read.

The study is prepared, analysed and bundled once; each case re-runs the command line with
those results (``prepare_study``, ``analyse_study`` and ``write_bundles`` replaced by cached
ones) and plants one file in the published folders, so every case runs the real privacy scan
of a real run's outputs in a second or so.
"""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest

import impact.pipeline.run as run_module
from bad_inputs.workspace import run_cli, tree_digest
from impact.pipeline import analyse_study, prepare_study
from impact.pipeline.forbidden import forbidden_values
from impact.synth import programme_study
from pdf_fixtures import pdf_showing

#: Runs the pipeline on a small study (prepared, analysed and bundled once for the module).
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    """A small programme study, its prepared data, analyses, bundles and a first clean run."""
    root = tmp_path_factory.mktemp("privacy-run")
    config = programme_study(seed=5, n_participants=60, n_rounds=2).write(root / "study")
    config = config if config.suffix == ".yaml" else config / "study.yaml"
    prepared = prepare_study(config)
    analyses = analyse_study(prepared)
    bundles = run_module.write_bundles(prepared, analyses, root / "bundles")
    return {
        "root": root,
        "config": config,
        "prepared": prepared,
        "analyses": analyses,
        "bundles": bundles,
    }


def _run(study, monkeypatch, out: Path, plant=None):
    """``impact run --no-render`` with the cached study; ``plant(staging)`` adds a file."""
    cached = study["bundles"]

    def write_bundles(prepared, analyses, directory):
        written = {}
        for name, path in cached.items():
            shutil.copytree(path, directory / name)
            written[name] = directory / name
        if plant is not None:
            plant(directory.parent)
        return written

    monkeypatch.setattr(run_module, "prepare_study", lambda config: study["prepared"])
    monkeypatch.setattr(run_module, "analyse_study", lambda prepared: study["analyses"])
    monkeypatch.setattr(run_module, "write_bundles", write_bundles)
    return run_cli(["run", study["config"], "--out", out, "--no-render"])


def _first(study, column: str) -> tuple[str, str]:
    """The first answer's value of ``column`` and its origin (file, response)."""
    keyword = {"link_code": "raw_codes", "response_id": "response_ids", "comments": "free_texts"}
    values = forbidden_values(study["prepared"].data)[keyword[column]]
    value, origin = next(iter(values.items()))
    return value, origin


def _pdf(text: str) -> bytes:
    return pdf_showing(f"Deltagare {text}".encode("latin-1"))


def _docx(text: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "word/document.xml",
            f"<w:document><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>",
        )
    return buffer.getvalue()


#: file to plant → (column whose first value goes in it, how to write it, what the run says)
PLANTED = {
    "bundles/project/tables/extra.csv": (
        "link_code",
        lambda v: f"round,code\nR01,{v}\n".encode(),
        "bundles/project/tables/extra.csv, line 2: a raw linking code (from {origin})",
    ),
    "reports/project/programme.sv.html": (
        "comments",
        lambda v: f"<html><body><p>{v}</p></body></html>".encode(),
        "reports/project/programme.sv.html, line 1: a free-text answer (comments) (from {origin})",
    ),
    "reports/project/programme.en.docx": (
        "response_id",
        _docx,
        "reports/project/programme.en.docx, word/document.xml, line 1: a response id "
        "(from {origin})",
    ),
    "reports/project/programme.en.pdf": (
        "link_code",
        _pdf,
        "reports/project/programme.en.pdf, page 1: a raw linking code (from {origin})",
    ),
}


@pytest.fixture(scope="module")
def previous(study, tmp_path_factory):
    """A first, clean run's output folder (and its digest) that failed runs must not touch."""
    out = study["root"] / "out"
    with pytest.MonkeyPatch.context() as monkeypatch:
        outcome = _run(study, monkeypatch, out)
    assert outcome.exit_code == 0, outcome.output
    return out, tree_digest(out), outcome


def test_a_clean_run_keeps_its_privacy_report(previous):
    out, digest, outcome = previous
    assert digest and (out / "bundles" / "project" / "results.json").is_file()
    published = [p for p in (out / "bundles").rglob("*") if p.is_file()]
    assert len(published) > 20
    assert (
        f"privacy scan: {len(published)} published file(s) checked; no identifiers, free text "
        "or small counts found"
    ) in outcome.message


@pytest.mark.parametrize("planted", list(PLANTED))
def test_a_value_planted_in_a_published_file_fails_the_run(study, previous, monkeypatch, planted):
    out, digest, _ = previous
    column, write, expected = PLANTED[planted]
    value, origin = _first(study, column)

    def plant(staging: Path) -> None:
        path = staging / planted
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(write(value))

    outcome = _run(study, monkeypatch, out, plant)
    message = outcome.message
    assert outcome.exit_code == 2, outcome.output
    assert "refusing to publish: 1 privacy problem(s)" in message
    assert expected.format(origin=origin) in message
    assert value not in outcome.output and "Traceback" not in outcome.output
    assert tree_digest(out) == digest


@pytest.mark.parametrize(
    ("planted", "data", "reason"),
    [
        ("reports/project/programme.en.pdf", b"%PDF-1.7\n%%broken", "the PDF could not be read"),
        (
            "bundles/project/tables/extra.parquet",
            b"PAR1\0\0PAR1",
            "impact publishes no '.parquet' files and cannot check their content",
        ),
    ],
)
def test_a_published_file_the_scan_cannot_read_fails_the_run(
    study, previous, monkeypatch, planted, data, reason
):
    out, digest, _ = previous

    def plant(staging: Path) -> None:
        path = staging / planted
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    outcome = _run(study, monkeypatch, out, plant)
    assert outcome.exit_code == 2, outcome.output
    assert "refusing to publish: 1 file(s) that could not be scanned" in outcome.message
    assert f"{planted}: could not be scanned — {reason}" in outcome.message
    assert "Traceback" not in outcome.output
    assert tree_digest(out) == digest


def test_origins_name_the_input_file_and_answer(study):
    values = forbidden_values(study["prepared"].data)
    data = study["prepared"].data
    names = {Path(s.path).name for s in data.sources}
    for keyword in ("raw_codes", "response_ids", "free_texts"):
        assert values[keyword], keyword
        for origin in values[keyword].values():
            file, _, answer = origin.partition(", response ")
            assert file in names and int(answer) >= 1
    # the first baseline answer's code is named as coming from the first baseline answer
    baseline = next(Path(s.path).name for s in data.sources if s.table == "baseline")
    assert values["raw_codes"][str(data.baseline["link_code"].iloc[0])] == f"{baseline}, response 1"
