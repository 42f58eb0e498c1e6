"""The render matrix with real Quarto and with the fallback, checked as a reader sees it.

Every report kind (programme, round, rct, power, codebook) × sv/en × html/docx/pdf is
rendered once per route with :func:`impact.report.api.render_all` (each document executed once
per language, every format converted from that). Then each HTML report is opened in headless
Chromium (broken images, dead internal links, console errors, overflowing text), each PDF's
text boxes are checked for overlap and for text off the page, and the two routes are compared:
same numbers, the report's own language in Quarto's labels, author and date, the project's
Typst look. Marked ``quarto`` (slow: about a minute per route); the Quarto route runs wherever
Quarto is installed (``.ci/run`` says whether it ran).
"""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from pathlib import Path

import docx
import pypdf
import pytest

from impact.report.api import render_all
from impact.report.bundle import load_bundle
from impact.report.quarto import find_quarto
from reader_checks import browser, chromium_path, html_problems, pdf_problems
from report_fixtures import STUDY, build_bundles
from test_report_render import _normal, docx_text, html_text, pdf_text

pytestmark = pytest.mark.quarto

KINDS = {"programme": "programme", "round": "programme_R01", "rct": "rct", "power": "power",
         "codebook": "codebook"}  # fmt: skip
LANGS = ("sv", "en")
FORMATS = ("html", "docx", "pdf")
ROUTES = ("quarto", "fallback")
#: Quarto's own labels in each language (crossref prefixes, title-block headings).
LABELS = {"sv": ("Tabell", "Figur"), "en": ("Table", "Figure")}


@pytest.fixture(scope="module")
def bundles():
    return build_bundles()


@pytest.fixture(scope="module")
def routes(bundles, tmp_path_factory):
    """Every bundle × language × format through each route: {route: (batch, folder)}."""
    rendered = {}
    for route in ROUTES:
        if route == "quarto" and find_quarto() is None:
            continue
        out = tmp_path_factory.mktemp(f"matrix-{route}")
        batch = render_all(
            [bundles["paths"][name] for name in KINDS.values()], langs=LANGS, formats=FORMATS,
            out_dir=out, workers=2, renderer=route,
        )  # fmt: skip
        rendered[route] = (batch, out)
    return rendered


@pytest.fixture(params=ROUTES)
def matrix(request, routes):
    """One route's matrix: (route, batch, output folder)."""
    if request.param not in routes:
        pytest.skip("Quarto is not installed (QUARTO_PATH or quarto on PATH)")
    return (request.param, *routes[request.param])


def page_text(path: Path) -> str:
    """The text a reader sees in an HTML report (no style sheets or scripts)."""
    raw = path.read_text(encoding="utf-8")
    raw = re.sub(r"<(style|script)\b.*?</\1>", " ", raw, flags=re.S | re.I)
    return _normal(re.sub(r"<[^>]+>", " ", raw))


def _report(out: Path, kind: str, lang: str, fmt: str) -> Path:
    (path,) = (out / KINDS[kind]).glob(f"*.{lang}.{fmt}")
    return path


def test_every_figure_has_its_alt_text_in_html_and_word(matrix, bundles):
    """Both routes: every ``<img>`` has the bundle's alt text, every Word picture too."""
    route, _batch, out = matrix
    for kind, name in KINDS.items():
        figures = load_bundle(bundles["paths"][name]).content["figures"]
        for lang in LANGS:
            expected = {_normal(entry["alt"][lang]) for entry in figures.values()}
            raw = _report(out, kind, lang, "html").read_text(encoding="utf-8")
            images = re.findall(r"<img\b[^>]*>", raw)
            alts = {
                _normal(html.unescape(a)) for i in images for a in re.findall(r'\salt="([^"]*)"', i)
            }
            assert expected <= alts, f"{route} {kind}.{lang}.html"
            document = docx.Document(_report(out, kind, lang, "docx"))
            described = {
                _normal(element.get("descr") or "")
                for element in document.element.body.iter()
                if element.tag.endswith("}docPr")
            }
            assert expected <= described, f"{route} {kind}.{lang}.docx"


def test_every_cell_of_the_matrix_renders(matrix):
    route, batch, out = matrix
    assert batch.ok, batch.summary()
    assert len(batch.results) == len(KINDS) * len(LANGS) * len(FORMATS)
    expected = "quarto" if route == "quarto" else "jupyter+pandoc"
    assert {r.renderer for r in batch.results} == {expected}
    for kind in KINDS:
        for lang in LANGS:
            for fmt in FORMATS:
                assert _report(out, kind, lang, fmt).stat().st_size > 2000


@pytest.mark.skipif(
    chromium_path() is None, reason="chromium is not installed (.ci/run installs it)"
)
def test_html_reports_read_well_in_chromium(matrix):
    route, _, out = matrix
    problems = {}
    with browser() as chromium:
        for kind in KINDS:
            for lang in LANGS:
                path = _report(out, kind, lang, "html")
                found = html_problems(chromium, path)
                if found:
                    problems[path.name + f" ({kind})"] = found
    assert not problems, f"{route}: {problems}"


def test_pdf_pages_have_no_overlapping_or_cut_off_text(matrix):
    route, _, out = matrix
    problems = {}
    for kind in KINDS:
        for lang in LANGS:
            path = _report(out, kind, lang, "pdf")
            found = pdf_problems(path)
            if found:
                problems[f"{path.name} ({kind})"] = found[:10]
    assert not problems, f"{route}: {problems}"


def test_labels_author_and_layout_follow_the_report(matrix):
    """The report's own language in every label, the author and date, the Typst look:
    a title page and a contents page, sections numbered 1, 2 … (not "2.0.a")."""
    route, _, out = matrix
    for kind in ("programme", "rct"):
        for lang in LANGS:
            own, other = LABELS[lang], LABELS["en" if lang == "sv" else "sv"]
            html = html_text(_report(out, kind, lang, "html"))
            if route == "quarto":  # Pandoc's HTML numbers no captions
                assert f"{own[0]} 1:" in html and f"{other[0]} 1:" not in html, (kind, lang)
                published = {"sv": "Published", "en": "Utgiven"}[lang]
                assert not re.search(rf"Andra format|Other formats|{published}", html, re.I)
            assert STUDY["organisation"] in html
            pdf = _report(out, kind, lang, "pdf")
            text = pdf_text(pdf)
            assert f"{own[0]} 1:" in text and f"{other[0]} 1:" not in text, (route, kind, lang)
            reader = pypdf.PdfReader(pdf)
            title_page = reader.pages[0].extract_text()
            assert STUDY["organisation"] in title_page and re.search(r"\d{4}", title_page)
            contents = reader.pages[1].extract_text()
            assert contents.lstrip().startswith("Innehåll" if lang == "sv" else "Contents")
            assert re.search(r"^1 \S", reader.pages[2].extract_text().lstrip(), re.M)
            assert "2.0.a" not in text


def test_both_routes_print_the_same_numbers(routes):
    """The Quarto report shows the fallback's numbers (HTML, Word and PDF text)."""
    if "quarto" not in routes:
        pytest.skip("Quarto is not installed (QUARTO_PATH or quarto on PATH)")
    number = re.compile(r"\d+(?:[.,]\d+)?\s?%")
    for kind in KINDS:
        for lang in LANGS:
            for fmt, text in (("html", page_text), ("docx", docx_text), ("pdf", pdf_text)):
                ours = number.findall(text(_report(routes["quarto"][1], kind, lang, fmt)))
                theirs = number.findall(text(_report(routes["fallback"][1], kind, lang, fmt)))
                assert sorted(ours) == sorted(theirs), (kind, lang, fmt)


@pytest.mark.parametrize("lang", LANGS)
def test_readme_command_renders_a_template_in_place(bundles, tmp_path, lang):
    """The README's ``quarto render reports/<kind>.qmd -P …`` (papermill passes -P), every
    format: each shows the title block with the author and the date, as ``impact report``'s
    route does (the author and date come from the front matter a template cell prints)."""
    quarto = find_quarto()
    if quarto is None:
        pytest.skip("Quarto is not installed")
    from impact.resources import reports_dir

    project = tmp_path / "reports"
    subprocess.run(["cp", "-r", str(reports_dir()), str(project)], check=True)
    bundle = bundles["paths"]["codebook"]
    region = {"sv": "sv-SE", "en": "en-GB"}[lang]
    done = subprocess.run(
        [str(quarto), "render", str(project / "codebook.qmd"), "-P", f"bundle:{bundle}",
         "-P", f"lang:{lang}", "-M", f"lang:{region}", "--to", "all"],
        capture_output=True, text=True, env={**os.environ, "QUARTO_PYTHON": sys.executable},
        timeout=900,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert "[WARNING]" not in done.stderr
    date = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
    html = (project / "codebook.html").read_text(encoding="utf-8")
    (header,) = re.findall(r'<header id="title-block-header">.*?</header>', html, re.S)
    assert STUDY["organisation"] in header and 'class="author"' in header, header
    assert date.search(header), header
    assert "job_or_steps" in html_text(project / "codebook.html")
    document = docx.Document(str(project / "codebook.docx"))
    styles = {p.style.name: p.text for p in document.paragraphs[:6]}
    assert styles.get("Author") == STUDY["organisation"], styles
    assert date.fullmatch(styles.get("Date", "")), styles
    title_page = pypdf.PdfReader(project / "codebook.pdf").pages[0].extract_text()
    assert STUDY["organisation"] in title_page and date.search(title_page), title_page
