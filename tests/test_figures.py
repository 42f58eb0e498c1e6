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
