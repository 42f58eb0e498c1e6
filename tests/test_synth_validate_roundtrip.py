"""`impact synth` + `impact validate` round trip: clean exports validate, and corrupted copies
report exactly the injected faults (file, row, column) — no more, no fewer."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from impact.ingest import validate_study
from impact.synth import programme_study

ENCODING = "cp1252"


@pytest.fixture(scope="module")
def study_file(tmp_path_factory) -> Path:
    return programme_study(seed=7, n_participants=60, n_rounds=2).write(
        tmp_path_factory.mktemp("roundtrip")
    )


def _read(path: Path) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding=ENCODING)), delimiter=";"))
    return rows[0], rows[1:]


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows([header, *rows])
    path.write_text(buffer.getvalue(), encoding=ENCODING)


def test_clean_synthetic_exports_validate(study_file):
    report = validate_study(study_file)
    assert report.ok, report.tidy().to_string()
    assert {f.table for f in report.files} == {"baseline", "result"}


def test_corrupted_copy_reports_exactly_the_injected_faults(study_file, tmp_path):
    folder = tmp_path / "study"
    folder.mkdir()
    for item in study_file.parent.rglob("*"):
        if item.is_file():
            target = folder / item.relative_to(study_file.parent)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(item.read_bytes())
    baseline = folder / "raw" / "baslinje.csv"
    header, rows = _read(baseline)
    col = {name: header.index(name) for name in header}
    injected = {
        (3, "birth_year"): ("Födelseår", "1850"),  # out of range
        (5, "gender"): ("Kön", "Kanske"),  # unknown answer label
        (8, "interviews_3m"): (
            "Hur många arbetsintervjuer har du varit på de senaste tre månaderna?",
            "många",  # wrong type
        ),
    }
    for (row, _), (question, value) in injected.items():
        rows[row - 1][col[question]] = value
    rows[11][col["Svars-ID"]] = rows[10][col["Svars-ID"]]  # duplicate response id on row 12
    _write(baseline, header, rows)

    report = validate_study(folder / study_file.name)
    problems = report.tidy()
    assert not report.ok
    assert set(problems["source"].map(lambda s: Path(s).name)) == {"baslinje.csv"}
    # columns are named "<question text> (→ <canonical field>)"
    canonical = problems["column"].str.extract(r"→ (\w+)\)$")[0]
    found = {(int(r), c) for r, c in zip(problems["row"], canonical, strict=True)}
    # both answers that share the response id are reported
    expected = set(injected) | {(11, "response_id"), (12, "response_id")}
    assert found == expected, problems.to_string()
    duplicate = problems[canonical == "response_id"]
    assert duplicate["value"].isna().all(), "response ids are never echoed in messages"
