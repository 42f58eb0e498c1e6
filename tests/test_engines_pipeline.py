"""The study file's ``engine`` setting: ``impact run`` gives the same results on every engine.

References: the pandas implementations (``impact.link.link_study``,
``impact.indicators.compute_indicators``, ``impact.analysis.matching.match_persons``), which are
themselves tested against R (``tests/reference/``) and the hand-derived conformance vectors.
The equality of the whole run's published bundles across engines is the test of the setting.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from impact.analysis.matching import MatchSpec, match_persons, register_comparison
from impact.cli.main import run as cli_run
from impact.engines import open_session
from impact.errors import InputError
from impact.indicators import missing_counts
from impact.indicators.compute import compute_indicators
from impact.ingest.config import load_config
from impact.link import link_study
from impact.link.assign import one_to_one
from impact.pipeline import prepare_study, run_study
from impact.synth import randomised_study, register_extract
from link_fixtures import SECRET, make_study


@pytest.fixture(scope="module")
def study_file(tmp_path_factory) -> Path:
    """A small randomised study (follow-ups, result, randomisation list, register extract)."""
    root = tmp_path_factory.mktemp("engines_pipeline")
    study = randomised_study(seed=21, n_randomised=120).with_register(
        register_extract(seed=22, n_external=300)
    )
    return study.write(root / "randomised")


def _with_engine(path: Path, engine: str) -> Path:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["engine"] = engine
    # fewer bundles and randomisation draws keep the two whole runs fast; the engine does
    # not touch either
    data.setdefault("report", {})["per_round"] = False
    data.setdefault("analysis", {})["ri_draws"] = 200
    target = path.with_name(f"study-{engine}.yaml")
    target.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def prepared(study_file):
    return {e: prepare_study(_with_engine(study_file, e)) for e in ("pandas", "duckdb")}


def assert_same_links(a, b) -> None:
    pd.testing.assert_frame_equal(a.panel, b.panel)
    pd.testing.assert_frame_equal(a.pairs, b.pairs, rtol=1e-9)
    pd.testing.assert_frame_equal(a.report.waves, b.report.waves, rtol=1e-9)
    pd.testing.assert_frame_equal(a.report.candidates, b.report.candidates, rtol=1e-9)
    pd.testing.assert_frame_equal(a.report.duplicates, b.report.duplicates)
    assert a.report.splink_settings.keys() == b.report.splink_settings.keys()


# ------------------------------------------------------------------ the setting itself
def test_engine_setting_is_read_and_defaults_to_pandas(study_file):
    assert load_config(study_file).engine == "pandas"
    data = yaml.safe_load(study_file.read_text(encoding="utf-8"))
    data["engine"] = " DuckDB "
    path = study_file.with_name("study-mixed-case.yaml")
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert load_config(path).engine == "duckdb"


def test_unknown_engine_names_the_key_and_the_choices(study_file):
    data = yaml.safe_load(study_file.read_text(encoding="utf-8"))
    data["engine"] = "polars"
    path = study_file.with_name("study-polars.yaml")
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_config(path)
    problems = {p.column: p for p in info.value.problems}
    assert "engine" in problems
    expected = problems["engine"].expected
    assert all(name in expected for name in ("pandas", "duckdb", "spark"))


# ------------------------------------------------------------------ stage by stage
def test_linking_a_randomised_study_is_the_same_on_duckdb(prepared):
    assert_same_links(prepared["pandas"].links, prepared["duckdb"].links)
    waves = prepared["duckdb"].links.report.waves
    assert int(waves["linked_splink"].fillna(0).sum()) > 0, "the Splink stage did link pairs"
    assert int(waves["linked_study_id"].fillna(0).sum()) > 0, "study ids linked exactly"


def test_linking_two_waves_with_an_open_session_is_the_same():
    study = make_study(300, seed=5)
    reference = link_study(study.baseline, None, study.result, secret=SECRET)
    with open_session("duckdb") as session:
        ours = link_study(
            study.baseline, None, study.result, secret=SECRET, engine="duckdb", session=session
        )
        assert not [t for t in session.con.sql("SHOW TABLES").fetchall()], "no tables left"
    assert_same_links(reference, ours)


def test_linear_blocking_is_the_same_on_duckdb():
    study = make_study(300, seed=6)
    on_pandas = link_study(study.baseline, None, study.result, secret=SECRET, blocking="linear")
    on_duckdb = link_study(
        study.baseline, None, study.result, secret=SECRET, blocking="linear", engine="duckdb"
    )
    assert_same_links(on_pandas, on_duckdb)
    rules = on_duckdb.report.splink_settings["r"]["blocking_rules_to_generate_predictions"]
    assert len(rules) == 5, "linear: one rule per left-out element, plus the whole code"


def test_indicators_on_duckdb_equal_those_on_pandas(prepared):
    panel = prepared["pandas"].links.panel
    params = {"min_small_steps": 4, "small_steps_missing": "strict"}
    reference = compute_indicators(panel, params=params)
    ours = compute_indicators(panel, engine="duckdb", params=params)
    pd.testing.assert_frame_equal(reference, ours)
    assert reference.attrs == ours.attrs
    pd.testing.assert_frame_equal(prepared["pandas"].table, prepared["duckdb"].table)
    assert prepared["pandas"].table.attrs == prepared["duckdb"].table.attrs


def test_missing_counts_round_trip_to_the_metadata(prepared):
    table = prepared["pandas"].table
    assert missing_counts(table).as_metadata() == table.attrs["indicators"]["missing"]


def test_indicator_table_on_an_engine_checks_the_panel_like_pandas(prepared):
    panel = prepared["pandas"].links.panel.copy()
    panel["r_employment"] = panel["r_employment"].astype(object)
    panel.loc[panel.index[0], "r_employment"] = "sometimes"
    with pytest.raises(InputError) as on_pandas:
        compute_indicators(panel)
    with pytest.raises(InputError) as on_duckdb:
        compute_indicators(panel, engine="duckdb")
    assert str(on_pandas.value) == str(on_duckdb.value)


@pytest.mark.parametrize(
    "spec",
    [
        MatchSpec(method="exact"),
        MatchSpec(method="cem"),
        MatchSpec(method="cem", coarsen={"birth_year": 4}),
        MatchSpec(method="cem", exact=("sex", "county"), coarsen={"birth_year": "sturges"}),
    ],
    ids=["exact", "cem-3-year", "cem-4-bins", "cem-sturges"],
)
def test_match_persons_on_duckdb_equals_pandas(prepared, spec):
    persons = prepared["pandas"].data.register_persons
    reference = match_persons(persons, spec)
    ours = match_persons(persons, spec, engine="duckdb")
    pd.testing.assert_frame_equal(reference.persons, ours.persons, rtol=1e-12)
    pd.testing.assert_frame_equal(reference.dropped_missing, ours.dropped_missing)
    assert reference.persons["matched"].any()


def test_nearest_and_propensity_stay_on_pandas(prepared):
    persons = prepared["pandas"].data.register_persons
    for spec in (MatchSpec(method="nearest"), MatchSpec(method="propensity", caliper=0.2)):
        reference = match_persons(persons, spec)
        ours = match_persons(persons, spec, engine="duckdb")
        pd.testing.assert_frame_equal(reference.persons, ours.persons)


def test_register_comparison_on_duckdb_is_the_same(prepared):
    data = prepared["pandas"].data
    specs = {"exact": MatchSpec(method="exact")}
    reference = register_comparison(
        data.register_persons, data.register_months, method="cem", specifications=specs
    )
    with open_session("duckdb") as session:
        ours = register_comparison(
            data.register_persons,
            data.register_months,
            method="cem",
            specifications=specs,
            engine="duckdb",
            session=session,
        )
    pd.testing.assert_frame_equal(reference.tidy(), ours.tidy(), rtol=1e-9)


# ------------------------------------------------------------------ the whole run
def _published(out: Path) -> dict[str, object]:
    files: dict[str, object] = {}
    for path in sorted((out / "bundles").rglob("*")):
        if path.suffix == ".json":
            content = json.loads(path.read_text(encoding="utf-8"))
            content.get("provenance", {}).get("parameters", {}).pop("engine", None)
            files[str(path.relative_to(out))] = content
        elif path.suffix == ".csv":
            files[str(path.relative_to(out))] = pd.read_csv(path)
    return files


def _figure_placeholders(figure, stem, formats, *, dpi, tight):
    """Stand-in for drawing figures: they do not depend on the engine (their numbers are the
    tables compared here) and drawing them is most of a run's time."""
    written = []
    for fmt in formats:
        target = stem.with_name(f"{stem.name}.{fmt}")
        target.write_bytes(b"")
        written.append(target)
    return written


def test_impact_run_publishes_the_same_numbers_on_duckdb(study_file, tmp_path, monkeypatch):
    monkeypatch.setattr("impact.figures._write", _figure_placeholders)
    outputs = {}
    for engine in ("pandas", "duckdb"):
        out = tmp_path / engine
        run_study(_with_engine(study_file, engine), out, render=False)
        outputs[engine] = _published(out)
    pandas_files, duck_files = outputs["pandas"], outputs["duckdb"]
    assert pandas_files.keys() == duck_files.keys()
    assert any(name.endswith("results.json") for name in pandas_files)
    for name, expected in pandas_files.items():
        got = duck_files[name]
        if isinstance(expected, pd.DataFrame):
            pd.testing.assert_frame_equal(expected, got, rtol=1e-9, obj=name)
        else:
            assert _close(expected, got), name
    bundle = next(n for n in duck_files if n.endswith("results.json"))
    assert (
        json.loads((tmp_path / "duckdb" / bundle).read_text())["provenance"]["parameters"]["engine"]
        == "duckdb"
    )


def _close(a: object, b: object) -> bool:
    """Equal JSON content, numbers to 1e-9 relative."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, int | float):
        return bool(np.isclose(a, b, rtol=1e-9, atol=1e-12, equal_nan=True))
    return a == b


# ------------------------------------------------------------------ the command line
def _cli(argv: list[str]) -> int:
    with pytest.raises(SystemExit) as exit_info:
        cli_run(argv)
    return exit_info.value.code or 0


def test_cli_engine_option_and_its_errors(study_file, tmp_path, capsys):
    out = tmp_path / "linked"
    assert _cli(["link", str(study_file), "--out", str(out), "--engine", "duckdb"]) == 0
    panel = next(out.glob("panel.*"))
    table = tmp_path / "indicators.csv"
    assert _cli(["indicators", str(panel), "--out", str(table), "--engine", "duckdb"]) == 0
    on_duckdb = pd.read_csv(table)
    assert _cli(["indicators", str(panel), "--out", str(table)]) == 0
    pd.testing.assert_frame_equal(pd.read_csv(table), on_duckdb)
    capsys.readouterr()
    code = _cli(["run", str(study_file), "--out", str(tmp_path / "run"), "--engine", "polars"])
    err = capsys.readouterr().err
    assert code == 2
    assert "--engine" in err and "duckdb" in err and "Traceback" not in err
    assert not (tmp_path / "run").exists()


def test_assignment_is_not_decided_by_floating_point_noise():
    """Engines compute the same weight with different rounding (about 1e-13 apart): ties must
    still go the same way (found when DuckDB and pandas swapped 6 of 70,848 partners at 100k)."""
    tied = pd.DataFrame(
        {
            "left_uid": ["a", "a", "b", "b"],
            "right_uid": ["x", "y", "x", "y"],
            "match_weight": [3.0, 3.0, 3.0, 3.0],
            "match_probability": [0.9, 0.9, 0.9, 0.9],
        }
    )
    noisy = tied.assign(match_weight=tied["match_weight"] + [0.0, 1e-13, 2e-13, 0.0])
    chosen = [one_to_one(t, 0.5).chosen[["left_uid", "right_uid"]] for t in (tied, noisy)]
    pd.testing.assert_frame_equal(*chosen)
    assert len(chosen[0]) == 2
