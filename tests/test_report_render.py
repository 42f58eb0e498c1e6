"""Rendering every template in every format through the fallback, and the Quarto route.

The key numbers printed in the HTML, the PDF (text extracted with pypdf) and the DOCX
(python-docx) must equal those in results.json and the analysis objects.
"""

from __future__ import annotations

import html
import logging
import re
import stat
import sys
from pathlib import Path

import docx
import pypdf
import pytest

from impact.i18n.numbers import percent, points
from impact.report.bundle import BundleError, load_bundle
from impact.report.qmd import ReportError, parse_qmd
from impact.report.quarto import convert_project, find_quarto
from impact.report.render import render_formats, render_report
from impact.report.template_api import _separator, open_report
from impact.resources import reports_dir
from report_fixtures import build_bundles

ALL = ["html", "docx", "pdf"]


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " "))


def html_text(path: Path) -> str:
    raw = path.read_text(encoding="utf-8")
    return _normal(re.sub(r"<[^>]+>", " ", raw))


def pdf_text(path: Path) -> str:
    reader = pypdf.PdfReader(str(path))
    return _normal(" ".join(page.extract_text() or "" for page in reader.pages))


def docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    tables = list(document.tables)
    while tables:  # Quarto puts a captioned table inside a layout table: read nested ones too
        table = tables.pop(0)
        for row in table.rows:
            for cell in row.cells:
                parts += [p.text for p in cell.paragraphs]
                tables += cell.tables
    return _normal(" ".join(parts))


TEXT = {"html": html_text, "pdf": pdf_text, "docx": docx_text}


@pytest.fixture(scope="session")
def built():
    return build_bundles()


@pytest.fixture(scope="session")
def rendered(built, tmp_path_factory):
    """Each template once in all three formats (alternating languages), via the fallback."""
    out = tmp_path_factory.mktemp("reports")
    paths = built["paths"]
    plan = [("programme", "sv"), ("rct", "en"), ("power", "sv"), ("codebook", "en")]
    done = {}
    for name, lang in plan:
        for result in render_formats(paths[name], lang=lang, formats=ALL, out_dir=out,
                                     renderer="fallback"):  # fmt: skip
            done[(name, lang, result.fmt)] = result
    return done


def test_every_template_renders_in_every_format(rendered):
    assert len(rendered) == 12
    for (name, lang, fmt), result in rendered.items():
        assert result.output.is_file() and result.output.stat().st_size > 2000
        assert result.output.name == f"{name}.{lang}.{'html' if fmt == 'html' else fmt}"
        assert result.renderer == "jupyter+pandoc"
        assert result.kind == name


def test_programme_key_numbers_in_html_pdf_docx(rendered, built):
    bundle = load_bundle(built["paths"]["programme"])
    headline = built["outcomes"]["all"].tidy().set_index("indicator")
    for ident in ("job_or_steps", "got_job", "expanded_network"):
        value = bundle.value(f"share.{ident}")
        assert value == pytest.approx(headline.loc[ident, "share"])  # bundle = API
        expected = _normal(percent(value, "sv"))
        assert "," in expected  # decimal comma
        for fmt in ALL:
            text = TEXT[fmt](rendered[("programme", "sv", fmt)].output)
            assert expected in text, (fmt, ident, expected)
    target = _normal(percent(bundle.value("target.job_or_steps"), "sv", 1))
    assert target in html_text(rendered[("programme", "sv", "html")].output)


def test_rct_key_numbers_in_html_pdf_docx(rendered, built):
    bundle = load_bundle(built["paths"]["rct"])
    main = built["rct"].settings["main_specification"]
    est = built["rct"].itt.tidy().set_index(["outcome", "specification"])
    for outcome in ("job_or_steps", "got_job"):
        value = bundle.value(f"itt.{outcome}.{main}.estimate_pp")
        assert value == pytest.approx(est.loc[(outcome, main), "estimate_pp"])
        expected = _normal(points(value, "en"))
        for fmt in ALL:
            text = TEXT[fmt](rendered[("rct", "en", fmt)].output)
            assert expected in text, (fmt, outcome, expected)
    rating = bundle.value("attrition.rating")
    assert f"rated {rating}" in html_text(rendered[("rct", "en", "html")].output)


def test_power_and_codebook_content(rendered, built):
    plan = built["plan"].tidy()
    row = plan[
        (plan["outcome"] == "got_job") & (plan["r2"] == 0) & (plan["direction"] == "increase")
    ]
    expected = f"{row['mde_pp'].iloc[0]:.1f}".replace(".", ",")
    for fmt in ALL:
        assert expected in TEXT[fmt](rendered[("power", "sv", fmt)].output)
    text = pdf_text(rendered[("codebook", "en", "pdf")].output)
    assert "job_or_steps" in text and "Overview" in text


def test_pdf_has_title_page_contents_and_swedish_letters(rendered):
    reader = pypdf.PdfReader(str(rendered[("programme", "sv", "pdf")].output))
    first = _normal(reader.pages[0].extract_text())
    assert "Jobbsteget Tillsammans (syntetisk): resultat" in first
    assert "Belong Åkersberga" in first
    second = _normal(reader.pages[1].extract_text())
    assert "Innehåll" in second and "Måluppfyllelse" in second
    assert len(reader.pages) >= 5


def test_html_is_self_contained(rendered):
    raw = rendered[("programme", "sv", "html")].output.read_text(encoding="utf-8")
    assert 'src="data:image/png;base64' in raw
    assert not re.search(r'src="(?!data:)', raw)
    assert "<style" in raw and 'lang="sv-SE"' in raw


def test_every_html_image_has_the_figures_alt_text(rendered, built):
    for (name, lang, fmt), result in rendered.items():
        if fmt != "html":
            continue
        raw = result.output.read_text(encoding="utf-8")
        images = re.findall(r"<img\b[^>]*>", raw)
        figures = load_bundle(built["paths"][name]).content["figures"]
        assert len(images) >= len(figures)
        alts = [html.unescape(m) for img in images for m in re.findall(r'\salt="([^"]*)"', img)]
        assert len(alts) == len(images) and all(alts), f"{name}.{lang}: an image without alt"
        for entry in figures.values():
            assert _normal(entry["alt"][lang]) in {_normal(alt) for alt in alts}
    raw = rendered[("programme", "sv", "html")].output.read_text(encoding="utf-8")
    assert "diagram ”" in html.unescape(raw)  # a kind and a title, in Swedish


def test_docx_pictures_carry_the_alt_text(rendered, built):
    document = docx.Document(rendered[("rct", "en", "docx")].output)
    descriptions = [
        element.get("descr")
        for element in document.element.body.iter()
        if element.tag.endswith("}docPr")
    ]
    figures = load_bundle(built["paths"]["rct"]).content["figures"]
    assert descriptions and all(descriptions)
    assert {entry["alt"]["en"] for entry in figures.values()} <= set(descriptions)


def test_round_report_and_round_check(built, tmp_path, caplog):
    with caplog.at_level(logging.INFO, logger="impact.report.render"):
        result = render_report(built["paths"]["programme_R01"], lang="en", fmt="html",
                               out_dir=tmp_path, renderer="fallback")  # fmt: skip
    assert "rendered" in caplog.text and "jupyter+pandoc" in caplog.text
    assert "Round R01" in html_text(result.output)
    with pytest.raises(BundleError, match="round R01, not round 'R02'"):
        open_report(str(built["paths"]["programme_R01"]), "en", "R02")


def test_templates_are_quarto_documents_with_parameters():
    for kind in ("programme", "rct", "power", "codebook"):
        document = parse_qmd(reports_dir() / f"{kind}.qmd")
        index = document.parameters_index()
        assert index is not None
        assert {"bundle", "lang", "round"} <= set(
            re.findall(r"^(\w+) =", document.cells[index].source, re.M)
        )
    assert (reports_dir() / "_quarto.yml").is_file()


def _custom_templates(tmp_path: Path, body: str) -> Path:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "codebook.qmd").write_text(body, encoding="utf-8")
    return folder


def test_missing_translation_key_in_a_template_is_a_clear_error(built, tmp_path):
    body = (
        "---\ntitle: x\n---\n\n```{python}\n#| tags: [parameters]\nbundle = ''\nlang = 'sv'\n"
        "round = ''\n```\n\n```{python}\n#| output: asis\n"
        "from impact.report.template_api import open_report\n"
        "r = open_report(bundle, lang, round)\nprint(r.t('codebook.no_such_key'))\n```\n"
    )
    templates = _custom_templates(tmp_path, body)
    with pytest.raises(ReportError, match=r"'codebook\.no_such_key' is missing from .*sv\.yml"):
        render_report(built["paths"]["codebook"], lang="sv", fmt="html", out_dir=tmp_path / "o",
                      renderer="fallback", templates=templates)  # fmt: skip
    assert not (tmp_path / "o" / "codebook.sv.html").exists()


def test_template_without_parameters_cell_is_refused(built, tmp_path):
    templates = _custom_templates(tmp_path, "---\ntitle: x\n---\n\n```{python}\nx = 1\n```\n")
    with pytest.raises(ReportError, match="no cell is tagged 'parameters'"):
        render_report(built["paths"]["codebook"], lang="en", fmt="html", out_dir=tmp_path,
                      renderer="fallback", templates=templates)  # fmt: skip


def test_bad_options_are_refused(built, tmp_path):
    with pytest.raises(ReportError, match="'odt'"):
        render_report(built["paths"]["codebook"], lang="en", fmt="odt", out_dir=tmp_path)
    with pytest.raises(ReportError, match="'de'"):
        render_report(built["paths"]["codebook"], lang="de", fmt="html", out_dir=tmp_path)


FAKE_QUARTO = """#!{python}
import pathlib, sys, yaml
args = sys.argv[1:]
pathlib.Path("{log}").write_text(" ".join(args))
if {fail}:
    sys.stderr.write("ERROR: something broke\\n")
    sys.exit(3)
formats = yaml.safe_load(pathlib.Path("_quarto.yml").read_text())["format"]
pathlib.Path("{log}.formats").write_text(" ".join(formats))
documents = sorted(pathlib.Path(".").glob("*/report.md"))
for k, document in enumerate(documents, start=1):
    print(f"[{{k}}/{{len(documents)}}] {{document}}")
    if {warn}:
        print("[WARNING] Could not fetch resource report-figures/mde_by_n_sv.png")
    for name in formats:
        ext = {{"html": ".html", "docx": ".docx", "typst": ".pdf"}}[name]
        document.with_suffix(ext).write_text("rendered by fake quarto")
"""


def _fake_quarto(tmp_path: Path, fail: bool, warn: bool = False) -> tuple[Path, Path]:
    log = tmp_path / f"quarto-args-{fail}-{warn}.txt"
    script = tmp_path / f"quarto-{fail}-{warn}"
    script.write_text(FAKE_QUARTO.format(python=sys.executable, log=log, fail=fail, warn=warn))
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script, log


def test_quarto_route_command_line_and_failures(built, tmp_path, monkeypatch):
    """What a fake quarto can prove: the command line, the formats asked for in the scratch
    project, and that an exit code, a warning or an output without its figures is a failure."""
    script, log = _fake_quarto(tmp_path, fail=False)
    monkeypatch.setenv("QUARTO_PATH", str(script))
    out = tmp_path / "o"
    with pytest.raises(ReportError, match=r"power\.sv\.html|the report has \d+ figure"):
        render_formats(built["paths"]["power"], lang="sv", formats=["html", "pdf"], out_dir=out)
    assert log.read_text() == "render --to all"
    assert Path(f"{log}.formats").read_text() == "html typst"
    assert not list(out.glob("*.html"))  # the fake HTML has no figures: not published
    assert not list(reports_dir().glob("*.html")) and not (reports_dir() / ".quarto").exists()
    failing, _ = _fake_quarto(tmp_path, fail=True)
    monkeypatch.setenv("QUARTO_PATH", str(failing))
    with pytest.raises(ReportError, match=r"exit code 3:\n.*ERROR: something broke"):
        render_report(built["paths"]["power"], lang="sv", fmt="html", out_dir=out)
    warning, _ = _fake_quarto(tmp_path, fail=False, warn=True)
    monkeypatch.setenv("QUARTO_PATH", str(warning))
    with pytest.raises(ReportError, match=r"warned .*\n\[WARNING\] Could not fetch resource "
                       r"report-figures/mde_by_n_sv\.png"):  # fmt: skip
        render_report(built["paths"]["power"], lang="sv", fmt="pdf", out_dir=out)
    monkeypatch.setenv("QUARTO_PATH", str(tmp_path / "missing-quarto"))
    with pytest.raises(ReportError, match="QUARTO_PATH"):
        find_quarto()


def test_qmd_parse_errors_name_file_and_line(tmp_path):
    bad = tmp_path / "bad.qmd"
    bad.write_text("---\ntitle: x\n---\n\ntext\n\n```{python}\nx = 1\n", encoding="utf-8")
    with pytest.raises(ReportError, match=r"bad\.qmd: the code cell opened on line 7"):
        parse_qmd(bad)
    bad.write_text("---\ntitle: [x\n---\n", encoding="utf-8")
    with pytest.raises(ReportError, match="invalid YAML front matter"):
        parse_qmd(bad)


def test_columns_are_at_least_as_wide_as_their_header_words():
    """Pandoc turns pipe-table dashes into relative widths; a header word wider than its column
    ran into the next header in the PDF ("Svarande" / "Svarsfrekvens")."""
    assert _separator("percent", "Svarsfrekvens") == "-" * 15 + ":"
    assert _separator("percent", "Andel") == "-" * 8 + ":"
    assert _separator("label", "Grupp") == ":" + "-" * 26
    assert _separator("count", "Svarande på resultatenkäten") == "-" * 17 + ":"  # "resultatenkäten"


PROJECT_QUARTO = """#!{python}
import pathlib, sys
for k, document in enumerate(sorted(pathlib.Path(".").glob("*/report.md")), start=1):
    print(f"[{{k}}/3] {{document}}")
    if document.parent.name == "doc1":
        sys.stderr.write("ERROR: doc1 has a broken cross-reference\\n")
        sys.exit(1)
    if document.parent.name == "doc2":
        print("[WARNING] Could not fetch resource report-figures/x.png")
    for ext in (".html", ".pdf"):
        document.with_suffix(ext).write_text("x")
with open("{log}", "a") as log:
    log.write("run\\n")
"""


def test_quarto_project_ties_failures_and_warnings_to_their_document(tmp_path):
    """One Quarto run converts several documents; it stops at a failing one, so the rest are
    rendered in another run, and each warning fails only the document it concerns."""
    log = tmp_path / "runs.txt"
    script = tmp_path / "quarto"
    script.write_text(PROJECT_QUARTO.format(python=sys.executable, log=log))
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    project = tmp_path / "project"
    for name in ("doc0", "doc1", "doc2"):
        (project / name).mkdir(parents=True)
        (project / name / "report.md").write_text("# x\n")
    results = convert_project(script, reports_dir(), project, ["doc0", "doc1", "doc2"],
                              ["html", "pdf"])  # fmt: skip
    assert results["doc0"] == {"html": project / "doc0" / "report.html",
                               "pdf": project / "doc0" / "report.pdf"}  # fmt: skip
    assert re.search(
        r"exit code 1:\n.*doc1 has a broken cross-reference", str(results["doc1"]["pdf"]), re.S
    )
    assert (
        "warned (treated as a failure):\n[WARNING] Could not fetch resource report-figures/x.png"
        in str(results["doc2"]["html"])
    )
    assert log.read_text() == "run\n"  # the first run stopped at doc1; the second finished
    assert (project / "_quarto.yml").is_file() and (project / "typst" / "typst-show.typ").is_file()
