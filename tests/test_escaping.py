"""Text from the data is shown as written in every output and never acts (impact.escaping).

Unit tests for each function of :mod:`impact.escaping`, and one real ``impact run`` (a small
synthetic programme study whose round labels, study name and organisation are the hostile texts
of ``tests/bad_inputs/hostile_text.py``) whose HTML, Word and PDF reports (fallback renderer),
CSV tables and file names are checked against each promise.
"""

from __future__ import annotations

import csv
import html.parser
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from bad_inputs.hostile_text import HOSTILE_TEXTS, round_labels, text_of
from bad_inputs.workspace import edit_yaml, read_rows, run_script, write_rows
from impact.errors import ImpactError
from impact.escaping import (
    FORMULA_STARTS,
    MAX_NAME_BYTES,
    Markdown,
    inside,
    markdown_code,
    markdown_text,
    safe_filename,
    safe_filenames,
    spreadsheet_cell,
    spreadsheet_safe,
    spreadsheet_text,
    write_csv,
)

SPECIAL = [
    "<script>alert(1)</script>",
    "Round #1",
    "# heading",
    "*bold* **strong** _em_ __u__",
    "$x$ and $5 or $$y$$",
    "@cite and me@example.org",
    "`code` ``two``",
    "back\\slash \\*",
    "a | b | c",
    "[link](http://x) ![img](y.png)",
    "~sub~ ~~strike~~ ^sup^",
    "{#id .class} :::",
    "1. not a list",
    "- not a list",
    "+ not a list",
    "= not a heading",
    "/ not: a term",
    "  - indented",
    "> not a quote",
    "&amp; &lt;b&gt;",
    "<!-- comment -->",
    "=HYPERLINK(1)",
    "Åsa Öberg",
]


def _pandoc(markdown: str, to: str) -> str:
    import pypandoc

    from impact.report.convert import _READER

    return pypandoc.convert_text(markdown, to, format=_READER, extra_args=["--wrap=none"])


class _HtmlParts(html.parser.HTMLParser):
    """Tags, attributes and visible text of an HTML document (text outside style/script)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in ("style", "script"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


def _html_parts(text: str) -> _HtmlParts:
    parser = _HtmlParts()
    parser.feed(text)
    return parser


def _squash(text: str) -> str:
    """Text without white space, with typographic quotes as typed (for 'shown as written')."""
    for curly, straight in (("“", '"'), ("”", '"'), ("‘", "'"), ("’", "'")):
        text = text.replace(curly, straight)
    return "".join(text.split())


# Markdown -------------------------------------------------------------------------------------


@pytest.mark.parametrize("label", SPECIAL)
def test_markdown_text_renders_as_written_in_html_and_plain_text(label):
    escaped = markdown_text(label)
    plain = _pandoc(f"Before {escaped} after", "plain").strip()
    assert _squash(plain) == _squash(f"Before {label} after")
    parts = _html_parts(_pandoc(f"Before {escaped} after", "html5"))
    assert [tag for tag, _ in parts.tags] == ["p"]  # no element from the label
    assert _squash("".join(parts.text)) == _squash(f"Before {label} after")


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_every_special_label_prints_as_written_in_pdf_and_word(fmt, tmp_path):
    from impact.report.convert import convert

    rows = "\n".join(f"| {markdown_text(label)} | {i} |" for i, label in enumerate(SPECIAL))
    markdown = (
        f"---\ntitle: {json.dumps(markdown_text(SPECIAL[0]))}\n---\n\n"
        + "\n\n".join(f"Label {i}: {markdown_text(label)}" for i, label in enumerate(SPECIAL))
        + f"\n\n| label | i |\n|:---|---:|\n{rows}\n\n: {markdown_text(SPECIAL[1])}\n"
    )
    target = convert(markdown, fmt, tmp_path / f"labels.{fmt}", tmp_path)
    if fmt == "pdf":
        text = _pdf_text(target)
    else:
        import docx

        document = docx.Document(str(target))
        cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
        text = _squash(" ".join([p.text for p in document.paragraphs] + cells))
    for i, label in enumerate(SPECIAL):
        assert _squash(f"Label {i}: {label}") in text, label
        assert _squash(f"{label}{i}") in text, label  # the table row: label, then its number


def test_markdown_text_keeps_a_pipe_table_cell_one_cell():
    label = "a | b <i>x</i>"
    table = f"| {markdown_text(label)} | 1 |\n|:---|---:|\n| {markdown_text('*c*')} | 2 |\n"
    parts = _html_parts(_pandoc(table, "html5"))
    cells = [t for t, _ in parts.tags if t in ("td", "th")]
    assert len(cells) == 4
    assert "i" not in [t for t, _ in parts.tags] and "em" not in [t for t, _ in parts.tags]
    assert label in "".join(parts.text)


def test_markdown_text_escapes_once_and_one_line():
    once = markdown_text("a*b\nc\x00d")
    assert once == "a\\*b c d"
    assert isinstance(once, Markdown)
    assert markdown_text(once) is once
    assert markdown_text(Markdown("**trusted**")) == "**trusted**"
    assert markdown_text(-0.5) == "\\-0.5"


@pytest.mark.parametrize("text", ["plain", "a`b", "``x``", "`start", "end`"])
def test_markdown_code_shows_backticks_as_written(text):
    parts = _html_parts(_pandoc(f"x {markdown_code(text)} y", "html5"))
    assert [t for t, _ in parts.tags] == ["p", "code"]
    assert _squash("".join(parts.text)) == _squash(f"x {text} y")


def test_template_api_escapes_values_not_translations(tmp_path):
    from impact.report.api import make_provenance, write_codebook_bundle
    from impact.report.template_api import Column, open_report

    bundle = write_codebook_bundle(
        tmp_path / "codebook", study={"name": "<b>S</b>", "organisation": "O"},
        provenance=make_provenance(seed=1),
    )  # fmt: skip
    report = open_report(str(bundle), "en")
    sentence = report.t("programme.gender.reading_some", names="<b>*x*</b>")
    assert "\\<b\\>\\*x\\*\\</b\\>" in sentence and isinstance(sentence, Markdown)
    nested = report.t("programme.gender.reading_some", names=report.t("common.yes"))
    assert report.t("common.yes") in nested
    # a label that starts with "<" is a label, not a suppressed count
    label_column = Column("group", "tables.group", "text")
    assert report.cell({"group": "<b>x</b>"}, label_column) == "<b>x</b>"
    assert report.cell({"group": "<5"}, label_column) == "<5"
    assert report.cell({"n": ".."}, Column("n", "tables.n", "count")) == ".."
    rows = [{"group": '=HYPERLINK("x")', "n": "1"}, {"group": "a|b", "n": "2"}]
    table = report.table("x", [label_column, Column("n", "tables.n", "count")], caption="<i>",
                         rows=rows)  # fmt: skip
    assert '\\=HYPERLINK("x")' in table and "a\\|b" in table and ": \\<i\\>" in table


# Spreadsheets ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cell",
    ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1", "\n=1", "＝1+1", "＋1", "－1+1",
     "＠x", '=HYPERLINK("http://evil","x")', "  =1+1", "'=1+1", "-", "+", "@"],
)  # fmt: skip
def test_formula_like_text_is_guarded_and_read_back(cell):
    guarded = spreadsheet_cell(cell)
    assert guarded == "'" + cell
    assert spreadsheet_text(guarded) == cell


@pytest.mark.parametrize(
    "cell", ["-0.5", "+3", "-1e5", "-inf", "Round 1", "a=b", "'quoted", "'-0.5", "", " -2"]
)
def test_numbers_and_plain_text_are_left_alone(cell):
    assert spreadsheet_cell(cell) == cell
    assert spreadsheet_text(cell) == cell


def test_spreadsheet_safe_keeps_numbers_numbers(tmp_path):
    frame = pd.DataFrame(
        {
            "=label": pd.Series(["=cmd|' /C calc'!A0", "-0.5", "ok", None], dtype="string"),
            "difference": [-0.5, 0.25, -1.0, 2.0],
            "n": pd.Series([1, -2, 3, None], dtype="Int64"),
            "category": pd.Categorical(["@x", "y", "@x", "y"]),
        }
    )
    safe = spreadsheet_safe(frame)
    assert list(safe.columns) == ["'=label", "difference", "n", "category"]
    assert safe["'=label"].tolist()[:3] == ["'=cmd|' /C calc'!A0", "-0.5", "ok"]
    assert safe["category"].tolist() == ["'@x", "y", "'@x", "y"]
    assert safe["difference"].dtype == "float64" and safe["n"].dtype == "Int64"
    assert frame.loc[0, "=label"] == "=cmd|' /C calc'!A0"  # the caller's frame is unchanged
    path = tmp_path / "t.csv"
    write_csv(frame, path)
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert rows[0] == ["'=label", "difference", "n", "category"]
    assert rows[1] == ["'=cmd|' /C calc'!A0", "-0.5", "1", "'@x"]
    assert rows[2][:3] == ["-0.5", "0.25", "-2"]


def test_panel_csv_round_trips_a_formula_label(tmp_path):
    from impact.indicators.io import read_panel

    panel = pd.DataFrame({"person_id": ["p1", "p2"], "round_id": ["=1+1", "-R2"]})
    write_csv(panel, tmp_path / "panel.csv")
    assert "'=1+1" in (tmp_path / "panel.csv").read_text(encoding="utf-8")
    assert read_panel(tmp_path / "panel.csv")["round_id"].tolist() == ["=1+1", "-R2"]


# File names -----------------------------------------------------------------------------------

NAMES = [
    "R01", "a/b", "a\\b", "..", ".", "../../etc/passwd", ".hidden", "nul\x00byte",
    "tab\tnew\nline\x7f", "x" * 300, "å" * 120, "CON", "nul.txt", "trailing. ", "a..b",
    "<script>", 'q"?*:|', "e\u0301", "",
]  # fmt: skip


@pytest.mark.parametrize("label", NAMES)
def test_safe_filename_is_one_safe_component(label, tmp_path):
    name = safe_filename(label)
    assert name and len(name.encode("utf-8")) <= MAX_NAME_BYTES
    assert not set(name) & set('/\\\x00<>:"|?*') and ".." not in name
    assert not re.search(r"[\x00-\x1f\x7f]", name)
    assert not name.startswith(".") and not name.endswith((".", " "))
    target = tmp_path / name
    target.write_text("x", encoding="utf-8")  # a real file system accepts it
    assert target.resolve().parent == tmp_path.resolve()


def test_safe_filename_keeps_ordinary_labels_and_separates_others():
    assert safe_filename("R01") == "R01"
    assert safe_filename("Omgång 3") == "Omgång 3"
    assert safe_filename("e\u0301") == safe_filename("\u00e9") == "\u00e9"
    changed = [safe_filename(x) for x in ("a/b", "a\\b", "a_b", "a:b")]
    assert len(set(changed)) == 4 and changed[2] == "a_b"
    long = [safe_filename("x" * 200 + str(i)) for i in range(3)]
    assert len(set(long)) == 3


def test_safe_filenames_differ_also_when_case_is_ignored():
    names = safe_filenames(["Kv", "KV", "kv", "R1", "e\u0301", "\u00e9"])
    folded = [n.casefold() for n in names.values()]
    assert len(set(folded)) == 6
    assert names["R1"] == "R1"
    assert names["Kv"].startswith("Kv-") and names["KV"].startswith("KV-")


def test_inside_refuses_a_path_outside_the_folder(tmp_path):
    assert inside(tmp_path, tmp_path / "a" / "b.csv") == tmp_path / "a" / "b.csv"
    with pytest.raises(ImpactError) as error:
        inside(tmp_path / "out", tmp_path / "out" / ".." / "x.csv")
    message = str(error.value)
    assert "refusing to write" in message and "outside the output folder" in message
    assert str((tmp_path / "out").resolve()) in message


# Figures --------------------------------------------------------------------------------------


def test_figures_print_dollars_as_written(tmp_path):
    import pypdf
    from matplotlib.figure import Figure

    from impact.figures import save_figure

    labels = ["$x$ costs $5", r"$\frac{1}{0}$", "a_b ^c"]
    fig = Figure(layout="constrained")
    ax = fig.add_subplot()
    ax.barh(range(3), [1, 2, 3])
    ax.set_yticks(range(3), labels=labels)
    ax.set_title("Round $R1$")
    written = save_figure(fig, tmp_path / "fig", ("png", "svg", "pdf"))
    assert [p.suffix for p in written] == [".png", ".svg", ".pdf"]
    text = pypdf.PdfReader(tmp_path / "fig.pdf").pages[0].extract_text()
    for label in [*labels, "Round $R1$"]:
        assert label in text


# A real run with hostile text in the data ----------------------------------------------------


@dataclass
class HostileRun:
    """Where the hostile study and its output are, and what ``impact run`` printed."""

    root: Path
    out: Path
    stdout: str


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    """``impact run`` on a programme study whose labels and names are the hostile texts."""
    from impact.synth.demo import write_synthetic

    root = tmp_path_factory.mktemp("hostile")
    study = root / "study"
    write_synthetic("programme", study, n=120, seed=11)
    labels = round_labels()
    for name in ("baslinje.csv", "resultat.csv"):
        header, rows = read_rows(study / "raw" / name)
        column = header.index("Omgång")
        for row in rows:
            row[column] = labels[row[column]]
        write_rows(study / "raw" / name, header, rows)

    def hostile_study(doc: dict) -> None:
        doc["study"]["name"] = text_of("study name")
        doc["study"]["organisation"] = text_of("organisation")
        doc["report"].update(languages=["en"], formats=["html", "docx", "pdf"], per_round=True)

    edit_yaml(study / "study.yaml", hostile_study)
    out = root / "out"
    outcome = run_script(["run", study / "study.yaml", "--out", out])
    assert outcome.exit_code == 0, outcome.output
    return HostileRun(root, out, outcome.stdout)


def _pdf_text(path: Path) -> str:
    import pypdf

    return _squash(" ".join(page.extract_text() for page in pypdf.PdfReader(path).pages))


def _round_texts() -> list[str]:
    return list(dict.fromkeys(round_labels().values()))


def _reports(out: Path, ext: str) -> dict[str, Path]:
    return {p.parent.name: p for p in (out / "reports").rglob(f"*{ext}")}


@pytest.mark.slow
def test_every_file_lands_inside_the_output_folder(hostile_run):
    root, out = hostile_run.root, hostile_run.out
    assert sorted(p.name for p in root.iterdir()) == ["out", "study"]
    files = [p for p in out.rglob("*") if p.is_file()]
    assert len(files) > 100
    for path in files:
        assert out.resolve() in path.resolve().parents, path
    folders = safe_filenames(_round_texts())
    for kind in ("bundles", "reports"):
        present = {p.name for p in (out / kind).iterdir()}
        expected = {f"round-{name}" for name in folders.values()}
        assert expected <= present, (kind, sorted(present))
        assert len({p.casefold() for p in present}) == len(present)
    assert (out / "bundles" / f"round-{folders['Kv']}").is_dir()
    assert (out / "bundles" / f"round-{folders['KV']}").is_dir()
    assert folders["Kv"].casefold() != folders["KV"].casefold()
    # the user's label is kept as data: results.json holds it as written
    round_ids = {
        json.loads((p / "results.json").read_text(encoding="utf-8"))["round_id"]
        for p in (out / "bundles").glob("round-*")
    }
    assert round_ids == set(_round_texts())


@pytest.mark.slow
def test_the_command_line_prints_paths_as_written(hostile_run):
    out, printed = hostile_run.out, hostile_run.stdout
    reports = sorted(p for p in (out / "reports").rglob("*") if p.is_file())
    assert len(reports) == 21
    printed = _squash(printed)  # long paths are wrapped at 80 columns
    for path in reports:  # rich markup such as "[l]" in a label is not swallowed
        assert _squash(str(path)) in printed, path


def test_validate_prints_a_value_with_rich_markup_as_written(tmp_path):
    from bad_inputs.workspace import Workspace, clean_studies, run_cli

    ws = Workspace(tmp_path / "case", clean_studies(tmp_path / "clean"))
    raw = ws.raw("baslinje.csv")
    header, rows = read_rows(raw)
    rows[0][header.index("Kön")] = "[/bold] Kvinna [red]"
    write_rows(raw, header, rows)
    outcome = run_cli(["validate", ws.config()])
    assert outcome.exit_code == 2, outcome.output
    assert "Traceback" not in outcome.output and "internal error" not in outcome.output
    message = outcome.message
    assert "[/bold] Kvinna [red]" in message and "baslinje.csv" in message and "row 1" in message


@pytest.mark.slow
def test_html_reports_show_the_text_and_run_nothing(hostile_run):
    out = hostile_run.out
    reports = _reports(out, ".html")
    assert len(reports) == 7  # project, 5 rounds, codebook
    for folder, path in reports.items():
        parts = _html_parts(path.read_text(encoding="utf-8"))
        tags = [tag for tag, _ in parts.tags]
        assert "script" not in tags and "b" not in tags and "i" not in tags, (path, tags)
        for tag, attrs in parts.tags:
            assert not [a for a in attrs if a.startswith("on")], (path, tag, attrs)
            if tag == "img":
                assert attrs["src"].startswith("data:image/"), (path, attrs)
        text = _squash("".join(parts.text))
        assert _squash(text_of("study name")) in text, path
        if folder != "codebook":
            assert _squash(text_of("organisation")) in text, path
    project = _squash("".join(_html_parts(reports["project"].read_text("utf-8")).text))
    for label in _round_texts():
        assert _squash(label) in project, label
    folders = safe_filenames(_round_texts())
    for label, name in folders.items():
        page = reports[f"round-{name}"].read_text(encoding="utf-8")
        assert _squash(f"Round {label}") in _squash("".join(_html_parts(page).text)), label
        if "<" in label:
            assert label not in page  # never the raw markup
    title = re.search(r"<title>(.*?)</title>", reports["project"].read_text("utf-8"), re.S)
    assert "&lt;img src=x onerror=alert(1)&gt;" in title.group(1)


@pytest.mark.slow
def test_pdf_and_word_reports_show_the_text_as_written(hostile_run):
    import docx

    out = hostile_run.out
    pdfs, words = _reports(out, ".pdf"), _reports(out, ".docx")
    assert set(pdfs) == set(words) and len(pdfs) == 7
    folders = safe_filenames(_round_texts())
    for folder in pdfs:
        pdf = _pdf_text(pdfs[folder])
        document = docx.Document(str(words[folder]))
        cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
        word = _squash(" ".join([p.text for p in document.paragraphs] + cells))
        for text in (pdf, word):
            assert _squash(text_of("study name")) in text, folder
        own = [label for label, name in folders.items() if f"round-{name}" == folder]
        for label in own:
            assert _squash(f"Round {label}") in pdf and _squash(f"Round {label}") in word
    project_pdf = _pdf_text(pdfs["project"])
    for label in _round_texts():
        assert _squash(label) in project_pdf, label


@pytest.mark.slow
def test_no_csv_cell_is_a_formula_and_numbers_stay_numbers(hostile_run):
    out = hostile_run.out
    tables = sorted(out.rglob("*.csv"))
    assert any(p.name == "run_summary.csv" for p in tables)
    assert any("private" in p.parts for p in tables)
    negatives = 0
    for path in tables:
        for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8"))):
            for cell in row:
                if cell[:1] in FORMULA_STARTS:
                    float(cell)  # only a number may start with - or +
                    negatives += cell.startswith("-")
    assert negatives > 0  # negative differences are written as numbers
    by_round = out / "bundles" / "project" / "tables" / "shares_by_round.csv"
    groups = {row["group"] for row in csv.DictReader(io.StringIO(by_round.read_text("utf-8")))}
    assert text_of("round label") in groups  # the first, '<script>…', needs no guard
    assert "'" + '=HYPERLINK("http://evil.example","klick")' in groups


def test_catalogue_covers_every_kind_of_output():
    kinds = {t.where for t in HOSTILE_TEXTS}
    assert kinds == {"round label", "study name", "organisation"}
    assert len({t.id for t in HOSTILE_TEXTS}) == len(HOSTILE_TEXTS)
    assert all(t.rounds for t in HOSTILE_TEXTS if t.where == "round label")
    assert not [t.id for t in HOSTILE_TEXTS if "|" in t.sees or "\n" in t.sees]
