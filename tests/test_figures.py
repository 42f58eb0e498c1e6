"""``impact.figures.save_figure``: reproducible bytes, fixed metadata, one layout, clear errors."""

import hashlib
import re

import pytest
from matplotlib.figure import Figure

from impact.errors import ImpactError
from impact.figures import save_figure, save_figures


def _figure(layout: str | None = "constrained") -> Figure:
    fig = Figure(figsize=(3, 2), layout=layout)
    ax = fig.add_subplot()
    ax.plot([1, 2, 3], [1, 3, 2], marker="o")
    ax.set_title("Andel – Åtta")
    return fig


def _digests(paths) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


def test_two_saves_are_byte_identical_in_every_format(tmp_path):
    formats = ("png", "svg", "pdf")
    first = save_figure(_figure(), tmp_path / "a" / "fig", formats)
    second = save_figure(_figure(), tmp_path / "b" / "fig", formats)
    assert [p.name for p in first] == ["fig.png", "fig.svg", "fig.pdf"]
    assert _digests(first) == _digests(second)


def test_metadata_has_no_date_and_a_fixed_software(tmp_path):
    png, svg, pdf = save_figure(_figure(), tmp_path / "fig", ("png", "svg", "pdf"))
    text = svg.read_text(encoding="utf-8")
    assert "<dc:date>" not in text
    assert re.search(r"<dc:creator>\s*<cc:Agent>\s*<dc:title>impact</dc:title>", text)
    assert "Matplotlib" not in text
    assert b"Software\x00impact" in png.read_bytes()
    assert not re.search(rb"CreationDate|ModDate|Matplotlib", pdf.read_bytes())


def test_layout_engine_is_kept_and_tight_only_without_one(tmp_path):
    fig = _figure()
    engine = fig.get_layout_engine()
    save_figure(fig, tmp_path / "fig")
    assert fig.get_layout_engine() is engine
    # without a layout engine the figure is cropped to its content (bbox_inches="tight")
    plain, cropped = _figure(layout=None), _figure(layout=None)
    (full,) = save_figure(plain, tmp_path / "full", ("svg",), tight=False)
    (tight,) = save_figure(cropped, tmp_path / "tight", ("svg",))
    assert 'width="216pt"' in full.read_text(encoding="utf-8")
    assert 'width="216pt"' not in tight.read_text(encoding="utf-8")


def test_stems_keep_their_dots_and_suffixes_are_replaced(tmp_path):
    written = save_figures({"curve_v1.2": _figure()}, tmp_path, ("svg",))
    assert [p.name for p in written] == ["curve_v1.2.svg"]
    written = save_figure(_figure(), tmp_path / "targets.whatever", ("png",), dpi=72)
    assert [p.name for p in written] == ["targets.png"]


@pytest.mark.parametrize(
    ("formats", "dpi", "message"),
    [(("gif",), 150, "png, svg, pdf"), ((), 150, "png, svg, pdf"), (("png",), 0, "dpi")],
)
def test_bad_options_are_clear_errors(tmp_path, formats, dpi, message):
    with pytest.raises(ImpactError, match=message):
        save_figure(_figure(), tmp_path / "fig", formats, dpi=dpi)
    assert not list(tmp_path.iterdir())


# alt text -------------------------------------------------------------------------------------


def _bar_chart(lang: str) -> Figure:
    from impact.figures import new_figure, percent_axis

    fig = new_figure(4, 3)
    ax = fig.add_subplot()
    ax.barh(["Employed", "In education", 'Say "hi" {x}'], [0.4, 0.2, 0.1], label="Round 1")
    ax.axvline(0.5)  # a reference line is not a line chart
    percent_axis(ax.xaxis, lang)
    ax.set_title("Outcomes")
    ax.set_xlabel("Share")
    ax.legend()
    return fig


def _line_chart() -> Figure:
    fig = Figure(figsize=(4, 3), layout="constrained")
    ax = fig.add_subplot()
    ax.plot(range(25), [m / 50 for m in range(25)], label="Intervention")
    ax.plot(range(25), [m / 60 for m in range(25)], label="Comparison")
    ax.set_title("Employed by month")
    ax.set_xlabel("Months")
    ax.set_ylabel("Share employed")
    ax.legend()
    return fig


def test_alt_text_of_a_bar_chart_in_both_languages():
    from impact.figures import alt_text

    assert alt_text(_bar_chart("en"), "en") == (
        'Bar chart “Outcomes”. Categories (y axis): Say "hi" {x}, In education, Employed. '
        "x axis (Share): from 0% to 100%. Series: Round 1."
    )
    assert alt_text(_bar_chart("sv"), "sv") == (
        'Stapeldiagram ”Outcomes”. Kategorier (y-axeln): Say "hi" {x}, In education, Employed. '
        "x-axeln (Share): från 0\u00a0% till 100\u00a0%. Serier: Round 1."
    )


def test_alt_text_of_a_line_chart_in_both_languages_is_deterministic():
    from impact.figures import alt_text

    en = alt_text(_line_chart(), "en")
    assert en == (
        "Line chart “Employed by month”. x axis (Months): from 0 to 25. "
        "y axis (Share employed): from 0 to 0.5. Series: Intervention, Comparison."
    )
    assert alt_text(_line_chart(), "en") == en
    assert alt_text(_line_chart(), "sv") == (
        "Linjediagram ”Employed by month”. x-axeln (Months): från 0 till 25. "
        "y-axeln (Share employed): från 0 till 0,5. Serier: Intervention, Comparison."
    )


def test_alt_text_names_panels_kinds_and_counts_many_categories():
    from impact.figures import MAX_ALT_CATEGORIES, alt_text

    fig = Figure(figsize=(6, 3), layout="constrained")
    left, right = fig.subplots(1, 2)
    names = [f"c{k}" for k in range(MAX_ALT_CATEGORIES + 3)]
    left.bar(names, range(len(names)))
    right.step(range(5), range(5))
    right.scatter([1, 2], [1, 2])
    right.set_title("Steps")
    text = alt_text(fig, "en")
    assert text.startswith("Panel 1 of 2: Bar chart. Categories (x axis): c0, c1,")
    assert "c11 and 3 more." in text and "c12" not in text
    assert "Panel 2 of 2: Step chart with dot chart “Steps”." in text
    assert alt_text(fig, "en") == text
