"""The same inputs, config and seed give byte-identical outputs.

Each small synthetic study is run twice through ``impact run`` into the same path (see
:mod:`bad_inputs.pipeline_runs`); every results.json, CSV table and figure of the results
bundles and the analyst-only tables of the two runs is compared byte for byte.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bad_inputs.pipeline_runs import pipeline_runs
from bad_inputs.workspace import tree_digest

#: Runs the whole pipeline (shared runs: see bad_inputs.pipeline_runs).
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    return pipeline_runs(tmp_path_factory.mktemp("pipeline-runs"))


@pytest.fixture(params=["programme", "randomised"])
def study(request, runs):
    return runs.studies[request.param]


COMPARED = ("bundles", "private")


def _digest(root: Path) -> dict[str, str]:
    return {f"{part}/{k}": v for part in COMPARED for k, v in tree_digest(root / part).items()}


def _differences(study, suffixes: tuple[str, ...]) -> tuple[list[str], list[str]]:
    a, b = _digest(study.a), _digest(study.b)
    chosen = sorted(k for k in a.keys() | b.keys() if Path(k).suffix.lower() in suffixes)
    assert chosen, f"no {suffixes} files were written"
    only_one = [k for k in chosen if (k in a) != (k in b)]
    differ = [k for k in chosen if k in a and k in b and a[k] != b[k]]
    return only_one, differ


def test_tables_are_byte_identical(study):
    only_one, differ = _differences(study, (".csv", ".parquet"))
    assert not only_one, f"written in one run only: {only_one}"
    assert not differ, f"differ between two identical runs: {differ}"


def test_results_json_is_byte_identical(study):
    only_one, differ = _differences(study, (".json",))
    assert not only_one, f"written in one run only: {only_one}"
    assert not differ, f"differ between two identical runs: {differ}"


def test_results_json_is_identical_apart_from_figure_hashes(study):
    """Every number, table and text of results.json is the same, figure hashes aside."""
    for path in sorted((study.a / "bundles").rglob("results.json")):
        twin = study.b / path.relative_to(study.a)
        a, b = (json.loads(p.read_text(encoding="utf-8")) for p in (path, twin))
        for content in (a, b):
            content["files"] = {k: v for k, v in content["files"].items() if k[-4:] != ".svg"}
        assert a == b, path


def test_results_json_present_in_every_bundle(study):
    bundles = [p for p in (study.a / "bundles").iterdir() if p.is_dir()]
    assert bundles
    for bundle in bundles:
        assert (bundle / "results.json").is_file(), bundle


def test_png_figures_are_byte_identical(study):
    only_one, differ = _differences(study, (".png",))
    assert not only_one, f"written in one run only: {only_one}"
    assert not differ, f"figures differ between two identical runs: {differ}"


def test_svg_figures_are_byte_identical(study):
    only_one, differ = _differences(study, (".svg",))
    assert not only_one, f"written in one run only: {only_one}"
    assert not differ, f"figures differ between two identical runs: {differ}"


def test_figures_carry_no_creation_date(study):
    dated = []
    png_date = re.compile(rb"(Creation Time|date:create)")
    for path in sorted(study.a.rglob("*")):
        if path.suffix == ".svg" and "<dc:date>" in path.read_text(encoding="utf-8"):
            dated.append(path.relative_to(study.a).as_posix())
        elif path.suffix == ".png" and png_date.search(path.read_bytes()):
            dated.append(path.relative_to(study.a).as_posix())
    assert not dated, f"figures with a creation date in their metadata: {dated}"
