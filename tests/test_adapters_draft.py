"""The mapping assistant (``impact mapping draft``) on every fixture export: the questions whose
texts are known need no edit, every guess is marked, unmatched columns are listed."""

from __future__ import annotations

import pytest
import yaml
from typer.testing import CliRunner

import survey_exports as se
from impact.cli.main import app, run
from impact.ingest import load_mapping, validate_study
from impact.ingest.adapters.draft import draft_mapping
from impact.synth.labels import reverse_mapping

LAYOUTS = [name for name in se.LAYOUTS if name != "canonical"]
runner = CliRunner()


def _exports(folder):
    return sorted(p for p in folder.iterdir() if p.stem in ("baseline", "result"))


@pytest.fixture(scope="module")
def drafts(tmp_path_factory):
    root = tmp_path_factory.mktemp("drafts")
    out = {}
    for name in LAYOUTS:
        study = se.write_layout(name, root / name)
        draft = draft_mapping(_exports(study.parent), name=f"draft_{name}")
        (study.parent / "mapping.yaml").write_text(draft.to_yaml(), encoding="utf-8")
        out[name] = (study, draft)
    return out


@pytest.mark.parametrize("layout", LAYOUTS)
def test_known_question_texts_need_no_edit_and_every_guess_is_marked(drafts, layout):
    study, draft = drafts[layout]
    text = (study.parent / "mapping.yaml").read_text(encoding="utf-8")
    doc = yaml.safe_load(text)
    assert doc["source"] == {"stata": "generic"}.get(layout, se.LAYOUTS[layout][1])
    headers = reverse_mapping().headers
    for table in ("baseline", "result"):
        expected = {h: f for f, h in headers[table].items()}
        drafted = doc["columns"][table]
        for header, field in drafted.items():
            if header in expected:
                assert field == expected[header], (table, header)
        exact = {f.table: f for f in draft.files}[table].questions
        for header, found in exact.items():
            line = next(line for line in text.splitlines() if line.strip().startswith(header))
            assert ("GUESS" in line) == (not found.exact), line
    for line in text.splitlines():
        if ": " in line and line.startswith("        ") and "checkboxes" not in line:
            option = line.strip().split(":")[0]
            if option in se.OPTIONS:
                assert "# GUESS" in line and "check it" in line, line
    tidy = draft.tidy()
    assert set(tidy["status"]) <= {"exact", "guess", "unmatched"}
    assert (tidy.loc[tidy["status"] == "guess", "score"] >= 80).all()


@pytest.mark.parametrize("layout", [n for n in LAYOUTS if n != "stata"])
def test_the_drafted_mapping_reads_the_export(drafts, layout):
    study, draft = drafts[layout]
    mapping = load_mapping(study.parent / "mapping.yaml")
    (box,) = mapping.checkboxes["result"]
    assert {v for v in box.options.values()} == set(se.CHECKBOX_FIELDS)
    assert box.none == [se.NONE_OPTION]
    report = validate_study(study)
    assert report.ok, report.tidy().head().to_string()


def test_columns_nothing_matches_are_listed_to_map_or_ignore(drafts):
    study, draft = drafts["stata"]
    text = (study.parent / "mapping.yaml").read_text(encoding="utf-8")
    assert "# UNMATCHED columns: nothing matched these headers" in text
    doc = yaml.safe_load(text)
    assert set(doc["ignore"]["result"]) == set(se.STATA_OPTIONS.values())
    assert "5 unmatched column(s)" in draft.summary()


def test_cli_writes_the_draft_and_never_overwrites_a_mapping(tmp_path, drafts):
    study, _ = drafts["limesurvey"]
    out = tmp_path / "m.yaml"
    args = ["mapping", "draft", *map(str, _exports(study.parent)), "--out", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "LimeSurvey" in result.output and "3 guess(es)" in result.output
    assert "check every entry marked GUESS" in result.output
    first = out.read_text(encoding="utf-8")
    result = runner.invoke(app, args)  # a draft of its own, unedited: replaced
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == first
    out.write_text("name: edited\n", encoding="utf-8")
    with pytest.raises(SystemExit) as info:
        run(args)
    assert info.value.code == 2
    assert out.read_text(encoding="utf-8") == "name: edited\n"
    result = runner.invoke(app, [*args, "--force"])
    assert result.exit_code != 0 and "No such option" in result.output
    assert out.read_text(encoding="utf-8") == "name: edited\n"
    result = runner.invoke(app, [*args, "--table", "baseline"])
    assert result.exit_code != 0
    assert "--table was given 1 time(s) for 2 export(s)" in str(result.exception)
