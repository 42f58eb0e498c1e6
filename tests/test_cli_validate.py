"""``impact validate``: summaries, all problems, exit code, atomic Parquet output."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from fixtures.ingest.support import make_study, valid_rows, write_csv
from impact.cli.main import app, run
from impact.errors import ImpactError
from impact.outputs import OutputFolder

runner = CliRunner()


def test_valid_study_writes_parquet_and_summary(tmp_path):
    config = make_study(tmp_path, design="randomised")
    out = tmp_path / "canonical"
    result = runner.invoke(app, ["validate", str(config), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "All files are valid" in result.output
    assert "baslinje.csv" in result.output
    written = sorted(p.name for p in out.iterdir())
    assert written == [
        ".impact-manifest.json",
        "baseline.parquet",
        "followup.parquet",
        "randomisation.parquet",
        "register_months.parquet",
        "register_persons.parquet",
        "result.parquet",
        "validation_summary.csv",
    ]
    baseline = pd.read_parquet(out / "baseline.parquet")
    # identifying and free-text fields are not written by default
    assert {"link_code", "response_id", "occupation_field"}.isdisjoint(baseline.columns)
    assert "comments" not in pd.read_parquet(out / "result.parquet").columns
    assert len(baseline) == 3 and str(baseline["birth_year"].dtype) == "Int64"
    summary = pd.read_csv(out / "validation_summary.csv")
    assert list(summary.columns) == ["table", "source", "rows", "problems", "sha256"]
    assert summary["rows"].sum() == 21 and summary["problems"].sum() == 0


def test_keep_identifying_option(tmp_path):
    config = make_study(tmp_path)
    out = tmp_path / "out"
    result = runner.invoke(app, ["validate", str(config), "--out", str(out), "--keep-identifying"])
    assert result.exit_code == 0, result.output
    assert "link_code" in pd.read_parquet(out / "baseline.parquet").columns


def test_invalid_study_lists_every_problem_and_writes_nothing(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    rows = valid_rows("baseline")
    rows[0]["swedish_level"] = "8"
    rows[1]["gender"] = "kvinna"
    config = make_study(tmp_path, baseline=[write_csv(raw / "b.csv", rows)])
    out = tmp_path / "out"
    with OutputFolder(out) as previous:  # an earlier output of impact
        (previous.staging / "old.txt").write_text("previous run")
    result = runner.invoke(app, ["validate", str(config), "--out", str(out)])
    assert result.exit_code != 0
    assert isinstance(result.exception, ImpactError)
    assert "2 problem(s)" in str(result.exception)
    assert "swedish_level" in result.output and "kvinna" in result.output
    assert "Problems by cause (2 problem(s)):" in result.output
    assert "fix: type a whole number" not in result.output  # a label, not a type problem
    assert sorted(p.name for p in out.iterdir()) == [".impact-manifest.json", "old.txt"]
    table = config.parent / "impact-problems-study.csv"
    assert str(table) in " ".join(str(result.exception).split())
    assert table.read_text(encoding="utf-8").count("\n") == 3  # header and two problems


def test_entry_point_exits_with_code_2(tmp_path, capsys):
    raw = tmp_path / "raw"
    raw.mkdir()
    config = make_study(tmp_path, result=[raw / "missing.csv"])
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as info:
        run(["validate", str(config), "--out", str(out)])
    assert info.value.code == 2
    captured = capsys.readouterr()
    assert "file not found" in captured.out
    assert "nothing was" in captured.err
    assert not out.exists()


def test_misspelt_config_key(tmp_path):
    config = make_study(tmp_path)
    config.write_text(config.read_text() + "analysis: {targts: {job_or_steps: 0.9}}\n")
    result = runner.invoke(app, ["validate", str(config)])
    assert result.exit_code != 0
    assert "analysis.targts" in result.output
    assert "did you mean 'targets'" in result.output


def test_single_file_with_mapping(tmp_path):
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        "name: m\ncolumns:\n  all: {Kön: gender}\nvalues:\n  gender: {Kvinna: woman}\n",
        encoding="utf-8",
    )
    rows = valid_rows("followup")
    for row in rows:
        row["Kön"] = row.pop("gender").replace("woman", "Kvinna")
    path = write_csv(tmp_path / "f.csv", rows)
    out = tmp_path / "out"
    args = [
        "validate",
        "--table",
        "followup",
        "--mapping",
        str(mapping),
        str(path),
        "--out",
        str(out),
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert pd.read_parquet(out / "followup.parquet")["gender"].tolist() == ["woman"] * 3

    rows[2]["Kön"] = "Kvinnor"
    write_csv(path, rows)
    result = runner.invoke(app, args[:-2])
    assert result.exit_code != 0
    assert "Kvinnor" in result.output and "'Kvinna'" in result.output


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("", "the file is empty"),
        ("response_id,round_id\n", "header but no data"),
    ],
)
def test_single_file_empty_or_header_only(tmp_path, content, needle):
    path = tmp_path / "x.csv"
    path.write_text(content)
    result = runner.invoke(app, ["validate", "--table", "baseline", str(path)])
    assert result.exit_code != 0
    assert needle in result.output


def test_mapping_option_needs_table(tmp_path):
    config = make_study(tmp_path)
    result = runner.invoke(app, ["validate", str(config), "--mapping", "belong_sv"])
    assert result.exit_code != 0
    assert "--table" in str(result.exception)


def _baseline_with(tmp_path, change):
    raw = tmp_path / "raw"
    raw.mkdir(exist_ok=True)
    rows = valid_rows("baseline")
    change(rows)
    return make_study(tmp_path, baseline=[write_csv(raw / "b.csv", rows)])


def _raw_file(tmp_path, content: bytes):
    raw = tmp_path / "raw"
    raw.mkdir(exist_ok=True)
    (raw / "r.csv").write_bytes(content)
    return make_study(tmp_path, result=[raw / "r.csv"])


def _mixed_encodings(tmp_path):
    text = (
        b"person_id;group;sex;birth_year;citizenship;county;education_level;immigration_period;"
        b"employed_at_start\n"
    )
    text += "P1;external;man;1980;ASIA;Skåne;3;2015;true\n".encode()
    text += "P2;external;man;1980;ASIA;Skåne;3;2015;true\n".encode("cp1252")
    text += "P3;external;man;1980;ASIA;Skåne;3;2015;true\n".encode()
    raw = tmp_path / "raw"
    raw.mkdir(exist_ok=True)
    (raw / "p.csv").write_bytes(text)
    return make_study(tmp_path, register_persons=[raw / "p.csv"])


def _bad_mapping(tmp_path):
    (tmp_path / "m.yaml").write_text("name: m\ncolumns:\n  result: {Betyg: satisfacton}\n")
    return make_study(tmp_path, mapping="m.yaml")


def _misspelt_key(tmp_path):
    config = make_study(tmp_path)
    config.write_text(config.read_text() + "report: {languges: [sv]}\n")
    return config


BAD_INPUTS = {
    "missing file": (
        lambda t: make_study(t, result=[t / "raw" / "nope.csv"]),
        "file not found",
    ),
    "empty file": (lambda t: _raw_file(t, b""), "the file is empty"),
    "header only": (lambda t: _raw_file(t, b"response_id;round_id\n"), "header but no data"),
    "unknown column": (
        lambda t: _baseline_with(t, lambda r: [x.update(skostorlek="42") for x in r]),
        "a known column",
    ),
    "missing required column": (
        lambda t: _baseline_with(t, lambda r: [x.pop("employment") for x in r]),
        "missing column",
    ),
    "out of range": (
        lambda t: _baseline_with(t, lambda r: r[0].update(birth_year="2020")),
        "between 1940 and 2010",
    ),
    "unknown answer label": (
        lambda t: _baseline_with(t, lambda r: r[0].update(employment="heltid")),
        "'part_time', 'full_time'",
    ),
    "wrong type": (
        lambda t: _baseline_with(t, lambda r: r[0].update(interviews_3m="några")),
        "a whole number",
    ),
    "duplicate response_id": (
        lambda t: _baseline_with(t, lambda r: r[1].update(response_id=r[0]["response_id"])),
        "duplicate",
    ),
    "mixed encodings": (_mixed_encodings, "one text encoding"),
    "mapping names unknown field": (_bad_mapping, "did you mean 'satisfaction'"),
    "config key misspelt": (_misspelt_key, "did you mean 'languages'"),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_list(tmp_path, case):
    build, needle = BAD_INPUTS[case]
    config = build(tmp_path)
    out = tmp_path / "out"
    result = runner.invoke(app, ["validate", str(config), "--out", str(out)])
    assert result.exit_code != 0
    assert isinstance(result.exception, ImpactError)
    assert needle in result.output, result.output
    assert "Problems by cause (" in result.output
    assert not out.exists()
