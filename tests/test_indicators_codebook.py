"""The codebook (Markdown and Quarto, Swedish and English) and the `impact indicators` command."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from typer.testing import CliRunner

from impact.cli.main import app
from impact.errors import InputError
from impact.indicators import builtin_registry, write_codebook
from impact.indicators.codebook import codebook_markdown
from impact.indicators.conformance import default_vectors_path, read_vectors

runner = CliRunner()


def _unescaped(markdown: str) -> str:
    """The text with Markdown backslash escapes removed (labels are escaped in the codebook)."""
    return re.sub(r"\\(.)", r"\1", markdown)


def test_codebook_lists_every_indicator_in_both_languages(tmp_path):
    written = write_codebook(tmp_path)
    assert sorted(p.name for p in written) == [
        "codebook.en.md",
        "codebook.en.qmd",
        "codebook.sv.md",
        "codebook.sv.qmd",
    ]
    en = _unescaped((tmp_path / "codebook.en.md").read_text(encoding="utf-8"))
    sv = _unescaped((tmp_path / "codebook.sv.md").read_text(encoding="utf-8"))
    for definition in builtin_registry().definitions:
        assert f"### `{definition.id}` — {definition.label.en}" in en
        assert f"### `{definition.id}` — {definition.label.sv}" in sv
    assert "small_steps_count ≥ min_small_steps (= 5)" in en.replace("«", "").replace("»", "")
    assert "rule: r.interviews_3m - b.interviews_3m >= $min_extra_interviews" in en
    assert "population: not got_job" in en
    assert "Respondents who did not get a job: not «got_job» (others: false)" in en
    assert "Svarande som fått arbete: «got_job» (övriga: saknas)" in sv
    assert "| `min_small_steps` | 5 | 5 | Minimum number of smaller steps |" in en
    qmd = (tmp_path / "codebook.sv.qmd").read_text(encoding="utf-8")
    assert qmd.startswith('---\ntitle: "Kodbok: indikatorer"\nlang: sv\n')


def test_codebook_shows_parameters_in_force():
    text = codebook_markdown(builtin_registry(), "en", {"min_small_steps": 4})
    assert "| `min_small_steps` | 4 | 5 |" in text


def test_codebook_language_is_validated(tmp_path):
    with pytest.raises(InputError, match="Unknown codebook language"):
        write_codebook(tmp_path, lang="de")


@pytest.fixture()
def panel_csv(tmp_path):
    vectors = read_vectors(default_vectors_path())
    vectors = vectors[vectors["params"] == ""]
    inputs = [c for c in vectors.columns if c.startswith(("responded_", "b_", "r_"))]
    path = tmp_path / "panel.csv"
    frame = vectors[["case_id", *inputs]].rename(columns={"case_id": "person_id"})
    frame.to_csv(path, index=False)
    return path, vectors


def test_cli_computes_a_table_from_csv(tmp_path, panel_csv):
    path, vectors = panel_csv
    out = tmp_path / "out" / "indicators.csv"
    result = runner.invoke(app, ["indicators", str(path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "indicators" in result.output and "missing" in result.output
    table = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert table["got_job"].str.lower().tolist() == vectors["got_job"].tolist()
    meta = json.loads((tmp_path / "out" / "indicators.meta.json").read_text(encoding="utf-8"))
    assert meta["definitions"][0]["id"] == "got_job"


def test_cli_parquet_params_and_definitions(tmp_path, panel_csv):
    path, _ = panel_csv
    defs = tmp_path / "defs.yaml"
    defs.write_text(
        "definitions:\n"
        "  - id: full_time_at_result\n"
        "    version: 1\n"
        "    section: job\n"
        "    label: {sv: Heltid, en: Full-time}\n"
        "    definition: {sv: Heltid, en: Full-time}\n"
        "    rule: r.employment == 'full_time'\n",
        encoding="utf-8",
    )
    out = tmp_path / "indicators.parquet"
    args = ["indicators", str(path), "-o", str(out), "--definitions", str(defs)]
    result = runner.invoke(
        app, [*args, "--params", "min_small_steps=4", "-p", "min_extra_interviews=1"]
    )
    assert result.exit_code == 0, result.output
    table = pd.read_parquet(out)
    meta = table.attrs["indicators"]
    assert meta["params"]["took_steps"] == {"min_small_steps": 4}
    assert "full_time_at_result" in table.columns
    assert str(table["got_job"].dtype) == "boolean"


def test_cli_codebook(tmp_path):
    result = runner.invoke(app, ["indicators", "--codebook", str(tmp_path / "cb"), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "cb").iterdir()) == [
        ".impact-manifest.json",
        "codebook.en.md",
        "codebook.en.qmd",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["indicators"], "Give a linked panel and --out FILE"),
        (["indicators", "panel.csv"], "Give a linked panel and --out FILE"),
        (["indicators", "p.csv", "--out", "o.csv", "--codebook", "cb"], "not both"),
        (["indicators", "p.csv", "--out", "o.csv", "--lang", "sv"], "--lang only applies"),
        (["indicators", "p.txt", "--out", "o.csv"], "Unsupported panel file type"),
        (["indicators", "missing.csv", "--out", "o.csv"], "Linked panel not found"),
        (["indicators", "--codebook", "cb", "--lang", "de"], "Unknown codebook language"),
        (["indicators", "--codebook", "cb", "-p", "oops"], "Bad indicator parameters"),
    ],
)
def test_cli_user_errors(tmp_path, monkeypatch, capsys, args, message):
    from impact.cli.main import run

    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as info:
        run(args)
    assert info.value.code == 2
    assert message in " ".join(capsys.readouterr().err.split())


def test_cli_user_error_messages(tmp_path, monkeypatch, capsys):
    from impact.cli.main import run

    monkeypatch.chdir(tmp_path)
    (tmp_path / "p.csv").write_text("person_id,responded_r\nx,true\n", encoding="utf-8")
    with pytest.raises(SystemExit):
        run(["indicators", "p.csv", "--out", "o.parquet", "-p", "min_small_steps=many"])
    err = capsys.readouterr().err
    assert "min_small_steps" in err and "integer" in err
