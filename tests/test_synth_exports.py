"""Raw exports: cp1252 semicolon CSVs in belong_sv.yaml's words; reproducible; round trip; CLI."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from impact.cli.main import app
from impact.ingest import load_study, read_table
from impact.ingest.config import load_config
from impact.outputs import MANIFEST_NAME
from impact.synth import programme_study, randomised_study, register_extract
from impact.synth.demo import write_synthetic
from impact.synth.labels import mapping_path

runner = CliRunner()


@pytest.fixture(scope="module")
def rct():
    return randomised_study(seed=42).with_register(register_extract(seed=43, n_external=600))


@pytest.fixture(scope="module")
def written(rct, tmp_path_factory):
    folder = tmp_path_factory.mktemp("rct")
    rct.write(folder)
    return folder


def _mapping_headers() -> set[str]:
    spec = yaml.safe_load(mapping_path().read_text(encoding="utf-8"))
    return {h for section in spec["columns"].values() for h in (section or {})}


def _rows(path: Path) -> list[list[str]]:
    text = path.read_bytes().decode("cp1252")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_raw_files_are_cp1252_semicolon_with_mapped_headers(written):
    headers = _mapping_headers()
    raw = sorted((written / "raw").glob("*.csv"))
    assert [p.name for p in raw] == [
        "baslinje.csv",
        "randomisering.csv",
        "resultat.csv",
        "uppfoljning_1.csv",
        "uppfoljning_2.csv",
    ]
    for path in raw:
        data = path.read_bytes()
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")  # Swedish letters in Windows-1252, not UTF-8
        rows = _rows(path)
        assert set(rows[0]) <= headers, path.name
        assert all(len(r) == len(rows[0]) for r in rows)
        assert b"\r\n" in data


def test_raw_cells_use_swedish_labels_and_formats(written):
    rows = _rows(written / "raw" / "baslinje.csv")
    frame = pd.DataFrame(rows[1:], columns=rows[0])
    assert set(frame["Kön"]) <= {"Kvinna", "Man", "Annat", "Vill inte uppge"}
    assert set(frame["Gör du praktik just nu?"]) <= {"Ja", "Nej"}
    years = frame["Hur många år har du bott i Sverige?"]
    assert years.str.contains(",").any() and not years.str.contains(r"\.").any()
    assert frame["Inskickat"].str.match(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$").all()
    rand = pd.DataFrame(_rows(written / "raw" / "randomisering.csv")[1:])
    assert rand[4].str.match(r"^\d{4}-\d{2}-\d{2}$").all()


def test_folder_layout_and_config(written):
    for rel in (
        "study.yaml",
        "mapping_belong_sv.yaml",
        "register/personer.csv",
        "register/manader.csv",
        "truth/persons.csv",
        "truth/responses.csv",
        "truth/effects.csv",
        "truth/potential_outcomes.csv",
        "truth/register_effects.csv",
        "truth/register_twins.csv",
        "truth/params.json",
    ):
        assert (written / rel).is_file(), rel
    config = yaml.safe_load((written / "study.yaml").read_text(encoding="utf-8"))
    assert config["study"]["design"] == "randomised"
    assert config["analysis"]["targets"] == {"job_or_steps": 0.9, "expanded_network": 0.8}
    assert config["report"]["languages"] == ["sv", "en"]
    assert config["report"]["formats"] == ["html", "docx", "pdf"]
    assert not any("truth" in str(v) for v in config["inputs"].values())


def test_round_trip_read_table_equals_canonical(rct, written):
    mapping = written / "mapping_belong_sv.yaml"
    for table, rel in (
        ("baseline", "raw/baslinje.csv"),
        ("result", "raw/resultat.csv"),
        ("randomisation", "raw/randomisering.csv"),
        ("register_persons", "register/personer.csv"),
    ):
        got = read_table(written / rel, table, mapping=mapping)
        pd.testing.assert_frame_equal(got.reset_index(drop=True), rct.tables[table])


def test_round_trip_load_study_equals_canonical(rct, written):
    data = load_study(load_config(written / "study.yaml"))
    for table, expected in rct.tables.items():
        got = getattr(data, table).reset_index(drop=True)
        pd.testing.assert_frame_equal(got, expected, obj=table)


def test_canonical_kind_round_trip(tmp_path):
    study = programme_study(seed=8, n_participants=120, n_rounds=3)
    study.write(tmp_path, kind="canonical")
    assert not (tmp_path / "raw").exists()
    data = load_study(load_config(tmp_path / "study.yaml"))
    for table, expected in study.tables.items():
        pd.testing.assert_frame_equal(getattr(data, table).reset_index(drop=True), expected)


def _tree(folder: Path) -> dict[str, bytes]:
    """Every file's bytes, but the manifest (it records when and by which command)."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and p.name != MANIFEST_NAME
    }


def test_same_seed_identical_files_different_seed_different(tmp_path):
    for name, seed in (("a", 5), ("b", 5), ("c", 6)):
        write_synthetic("programme", tmp_path / name, seed=seed, n=80)
    a, b, c = (_tree(tmp_path / k) for k in "abc")
    assert a == b
    assert a.keys() == c.keys()
    assert a["raw/baslinje.csv"] != c["raw/baslinje.csv"]
    assert a["truth/persons.csv"] != c["truth/persons.csv"]


def test_cli_all_writes_demo(tmp_path):
    out = tmp_path / "demo"
    result = runner.invoke(app, ["synth", "all", "--out", str(out), "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert (out / "programme" / "study.yaml").is_file()
    assert (out / "randomised" / "register" / "manader.csv").is_file()
    assert "truth/" in result.output
    config = load_config(out / "randomised" / "study.yaml")
    assert config is not None
    # Re-running replaces the folder written before.
    again = runner.invoke(app, ["synth", "register", "--out", str(out), "--n", "300"])
    assert again.exit_code == 0, again.output
    assert not (out / "programme").exists()
    assert (out / "register" / "personer.csv").is_file()


def test_cli_refuses_foreign_folder_and_bad_options(tmp_path):
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "thesis.docx").write_text("precious")
    for args in (
        ["synth", "programme", "--out", str(foreign)],
        ["synth", "nonsense", "--out", str(tmp_path / "x")],
        ["synth", "all", "--out", str(tmp_path / "y"), "--n", "10"],
        ["synth", "programme", "--out", str(tmp_path / "z"), "--kind", "excel"],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code != 0
    assert (foreign / "thesis.docx").read_text() == "precious"
    assert not (tmp_path / "x").exists()


def test_cli_programme_with_size_and_canonical(tmp_path):
    out = tmp_path / "p"
    result = runner.invoke(
        app, ["synth", "programme", "--out", str(out), "--n", "60", "--kind", "canonical"]
    )
    assert result.exit_code == 0, result.output
    persons = pd.read_csv(out / "truth" / "persons.csv")
    assert len(persons) == 60
    assert re.match(r"^response_id,", (out / "canonical" / "baseline.csv").read_text())
