"""Figures: the package's one module for house style, palette and saving.

Every chart is drawn by the module of its analysis (``impact.analysis.<analysis>.figures``) on
a :class:`matplotlib.figure.Figure` built without ``pyplot`` (nothing is shown or kept in global
state); this module owns what they share: the colour-blind-safe Okabe & Ito palette
(:data:`PALETTE`, :data:`GROUP_COLOURS`), the house rcParams (:func:`house_style`,
:func:`new_figure`), percent axes in each language (:func:`percent_axis`) and saving.

:func:`save_figure` writes a :class:`matplotlib.figure.Figure` as PNG, SVG and/or PDF so that
two runs with the same inputs give **byte-identical files**:

* no creation or modification date in the metadata, and a fixed ``Software`` / ``Creator`` /
  ``Producer`` (``"impact"``, not the matplotlib version);
* SVG element ids (clip paths, glyphs, markers) are derived from a fixed salt
  (``rcParams["svg.hashsalt"]``) instead of random UUIDs;
* SVG text is drawn as paths (``svg.fonttype: path``), so the figure looks the same wherever it
  is shown (a PDF converter needs no font), and PDF fonts are embedded as TrueType;
* text is never read as mathtext (``text.parse_math: False``, also for text already in the
  figure): a label from the data such as ``$5 $10`` prints as written and cannot make
  matplotlib fail.

It is also fast: a figure with a layout engine (constrained layout) is laid out once, when the
first format is drawn; the other formats reuse that layout instead of computing it again, and
``bbox_inches="tight"`` (a second layout pass) is used only for figures without a layout engine.
Files are written atomically (:func:`impact.outputs.atomic_file`): a partly written figure never
appears.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Literal, get_args

import matplotlib
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.ticker import FuncFormatter

from impact.errors import ImpactError
from impact.i18n import Lang, message
from impact.i18n.numbers import percent
from impact.outputs import atomic_file

FigureFormat = Literal["png", "svg", "pdf"]
#: Every format :func:`save_figure` can write.
SUPPORTED_FORMATS: tuple[str, ...] = get_args(FigureFormat)
#: Formats written when none are given: a raster for documents and a vector for print.
DEFAULT_FORMATS: tuple[str, ...] = ("png", "svg")
#: Resolution of PNG files (dots per inch): sharp on screen and in print at report sizes.
DEFAULT_DPI = 150
#: The software named in every figure's metadata.
SOFTWARE = "impact"

#: rcParams in force while a figure is saved (fixed SVG ids; fonts as paths / TrueType; no
#: mathtext, so ``$`` in a label from the data is shown as written).
SAVE_RC: dict[str, object] = {
    "text.parse_math": False,
    "svg.hashsalt": "impact",
    "svg.fonttype": "path",
    "pdf.fonttype": 42,
}

#: Metadata per format: a fixed software name and no dates (the keys each backend knows).
METADATA: dict[str, dict[str, str | None]] = {
    "png": {"Software": SOFTWARE},
    "svg": {"Creator": SOFTWARE, "Date": None},
    "pdf": {"Creator": SOFTWARE, "Producer": SOFTWARE, "CreationDate": None, "ModDate": None},
}


def check_formats(formats: Sequence[str]) -> tuple[str, ...]:
    """``formats`` as a tuple, or an :class:`~impact.errors.ImpactError` naming the bad ones."""
    if isinstance(formats, str):
        formats = (formats,)
    formats = tuple(formats)
    unknown = [f for f in formats if f not in SUPPORTED_FORMATS]
    if unknown or not formats:
        raise ImpactError(
            f"figure formats must be among {', '.join(SUPPORTED_FORMATS)}, got {formats!r}"
        )
    return tuple(dict.fromkeys(formats))


def save_figure(
    figure: Figure,
    path: str | os.PathLike[str],
    formats: Sequence[str] = DEFAULT_FORMATS,
    *,
    dpi: float = DEFAULT_DPI,
    tight: bool | None = None,
) -> list[Path]:
    """Save ``figure`` as ``<path>.<fmt>`` for each format (any suffix of ``path`` is replaced).

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        The figure (built with ``Figure(...)`` or through pyplot; it is not closed).
    path : path
        Target file name; its suffix, if any, is replaced by each format's.
    formats : sequence of {"png", "svg", "pdf"}
        Formats to write, in this order (default PNG and SVG).
    dpi : float
        Resolution of raster output (PNG); vector formats are resolution independent.
    tight : bool, optional
        Crop to the drawn content (``bbox_inches="tight"``). By default only figures without a
        layout engine are cropped: constrained layout already fits the canvas.

    Returns
    -------
    list of Path
        The files written, in the order of ``formats``.

    Raises
    ------
    ImpactError
        When a format is not supported or ``dpi`` is not a positive number.
    """
    return _write(figure, Path(path).with_suffix(""), formats, dpi=dpi, tight=tight)


def save_figures(
    figures: dict[str, Figure],
    directory: str | os.PathLike[str],
    formats: Sequence[str] = DEFAULT_FORMATS,
    *,
    dpi: float = DEFAULT_DPI,
) -> list[Path]:
    """Save each ``{stem: figure}`` as ``<directory>/<stem>.<fmt>`` (see :func:`save_figure`).

    Unlike :func:`save_figure`, a stem is used as given (a dot in it is kept).

    Returns
    -------
    list of Path
        The files written, figure by figure in the order of ``formats``.
    """
    written = []
    for stem, figure in figures.items():
        written += _write(figure, Path(directory) / stem, formats, dpi=dpi, tight=None)
    return written


def _write(
    figure: Figure, stem: Path, formats: Sequence[str], *, dpi: float, tight: bool | None
) -> list[Path]:
    formats = check_formats(formats)
    if isinstance(dpi, bool) or not isinstance(dpi, int | float) or not dpi > 0:
        raise ImpactError(f"figure dpi must be a positive number, got {dpi!r}")
    if tight is None:
        tight = figure.get_layout_engine() is None
    for text in figure.findobj(Text):  # text made before saving; SAVE_RC covers text made later
        text.set_parse_math(False)
    written = []
    with matplotlib.rc_context(SAVE_RC), _layout_once(figure) as laid_out:
        for fmt in formats:
            target = stem.with_name(f"{stem.name}.{fmt}")
            with atomic_file(target, "wb") as handle:
                figure.savefig(
                    handle,
                    format=fmt,
                    dpi=dpi,
                    metadata=METADATA[fmt],
                    bbox_inches="tight" if tight else None,
                )
            laid_out()
            written.append(target)
    return written


@contextlib.contextmanager
def _layout_once(figure: Figure) -> Iterator:
    """Yield a callback that freezes the figure's layout after its first draw.

    Constrained layout runs at every draw; once a format has been drawn the positions are
    known, so the layout engine is swapped for a placeholder (positions kept) until the
    figure is saved in every format, then restored.
    """
    engine = figure.get_layout_engine()

    def laid_out() -> None:
        if engine is not None and figure.get_layout_engine() is engine:
            figure.set_layout_engine("none")

    try:
        yield laid_out
    finally:
        if engine is not None and figure.get_layout_engine() is not engine:
            figure.set_layout_engine(engine)


#: Okabe–Ito palette (colour-blind safe).
PALETTE: dict[str, str] = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "sky": "#56B4E9",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "grey": "#7F7F7F",
}

#: Colours of groups shown side by side (first group, second group, …).
GROUP_COLOURS: tuple[str, ...] = (
    PALETTE["blue"],
    PALETTE["orange"],
    PALETTE["green"],
    PALETTE["purple"],
    PALETTE["sky"],
)
TARGET_COLOUR = PALETTE["vermillion"]
CI_COLOUR = "#333333"
#: Colours of the arms in the attrition figures.
ARM_COLOURS: dict[str, str] = {"treatment": "#1b6ca8", "control": "#d1495b", "overall": "#7a7a7a"}
#: Colours of the estimates and bounds in the attrition figures.
BOUNDS_COLOURS: dict[str, str] = {
    "naive": "#444444",
    "ipw": "#1b6ca8",
    "lee": "#2a9d8f",
    "manski": "#e9a03b",
}
#: Colours of the CONSORT flow diagram and the forest plots of the RCT.
FLOW_COLOURS: dict[str, str] = {
    "box": "#f4f6fa",
    "edge": "#33415c",
    "randomised": "#dde5f3",
    "arm": "#e8eef8",
    "analysed": "#e3f1e6",
    "zero": "#666666",
}
#: Colour of notes and reference marks drawn in a figure.
NOTE_COLOUR = "#555555"

STYLE: dict[str, object] = {
    "font.size": 9,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    # titles sit just above the axes (no ticks on top): a fixed position spares matplotlib
    # measuring every tick label at each draw to move the title up
    "axes.titley": 1.0,
    "axes.labelsize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.axisbelow": True,
    "axes.grid.axis": "x",
    "grid.color": "#DDDDDD",
    "grid.linewidth": 0.6,
    "legend.frameon": False,
    "legend.fontsize": 8,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "figure.dpi": 100,
    # used only when a figure is saved with ``fig.savefig`` inside :func:`house_style`;
    # :func:`save_figure` sets these itself (figures are laid out by constrained layout)
    **SAVE_RC,
    "savefig.dpi": DEFAULT_DPI,
}


@contextlib.contextmanager
def house_style() -> Iterator[None]:
    """Context in which figures are built with the house rcParams (restored afterwards)."""
    with matplotlib.rc_context(STYLE):
        yield


def new_figure(width: float, height: float) -> Figure:
    """A figure of ``width`` × ``height`` inches not attached to any pyplot window."""
    return Figure(figsize=(width, height), layout="constrained")


def percent_axis(axis, lang: Lang, limit: float = 1.0) -> None:
    """Format a 0–1 axis as percentages in ``lang`` (decimal comma and ``%`` spacing in sv)."""
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: percent(v, lang, 0)))
    axis.set_view_interval(0.0, limit, ignore=True)


# Alt text -------------------------------------------------------------------------------------

#: Chart kinds in the order they are named (the first one found is the chart's kind).
_KINDS = ("bar", "step", "line", "scatter")
#: At most this many categories are named; the rest are counted ("and 3 more").
MAX_ALT_CATEGORIES = 12
#: Line breaks and runs of ordinary spaces (a no-break space, as in ``50 %``, is kept).
#: A letter: tick labels holding one name categories, not numbers.
_WORD = re.compile(r"[^\W\d_]")
_BREAKS = re.compile(r"[ \t\r\n\x0b\x0c\x1c-\x1f\x85\u2028\u2029]+")


def alt_text(figure: Figure, lang: Lang) -> str:
    """A short plain-text description of ``figure`` for screen readers, in ``lang``.

    Derived from the figure itself, so it describes what is drawn: per axes (``Panel k of n``
    when there are several) the kind of chart (bar, line, step or dot chart, from the artists
    present; a diagram when the axes are hidden), its title, the categories (the tick labels of
    a category axis, at most :data:`MAX_ALT_CATEGORIES` then "and N more"), the label and
    range of each value axis as shown (with the axis' own formatter, so percentages read as
    on the chart), and the legend's series. The same figure always gives the same text.
    Call it after the figure is saved (reading tick labels lays out the ticks).
    """
    axes = [ax for ax in figure.axes if ax.get_visible() and _is_chart_axes(ax)]
    parts = []
    suptitle = figure.get_suptitle() if hasattr(figure, "get_suptitle") else ""
    if suptitle:
        parts.append(_plain(suptitle) + ".")
    for k, ax in enumerate(axes, start=1):
        if len(axes) > 1:
            parts.append(message("labels.figures.alt.panel", lang, k=k, n=len(axes)))
        parts.append(_describe_axes(ax, lang))
    return " ".join(part for part in parts if part)


def _is_chart_axes(ax) -> bool:
    """False for colour bars and other helper axes without data or title."""
    return bool(ax.has_data() or ax.get_title() or ax.get_title("left") or ax.texts)


def _describe_axes(ax, lang: Lang) -> str:
    kinds = _chart_kinds(ax)
    if not ax.axison:
        kinds = ["diagram"]
    names = [message(f"labels.figures.alt.{kind}", lang) for kind in kinds[:2]]
    if len(names) == 2:
        kind = message("labels.figures.alt.kinds", lang, first=names[0], second=names[1].lower())
    else:
        kind = names[0] if names else message("labels.figures.alt.chart", lang)
    title = _plain(ax.get_title() or ax.get_title("left") or ax.get_title("right"))
    if title:
        sentences = [message("labels.figures.alt.titled", lang, kind=kind, title=title)]
    else:
        sentences = [message("labels.figures.alt.untitled", lang, kind=kind)]
    if not ax.axison:
        return " ".join(sentences)
    described = [
        _describe_axis(name, axis, lang) for name, axis in (("x", ax.xaxis), ("y", ax.yaxis))
    ]
    sentences += [text for is_category, text in described if is_category]  # categories first
    sentences += [text for is_category, text in described if not is_category]
    legend = ax.get_legend()
    if legend is not None:
        series = [_plain(text.get_text()) for text in legend.get_texts()]
        if any(series):
            items = _listed([s for s in series if s])
            sentences.append(message("labels.figures.alt.series", lang, items=items))
    return " ".join(s for s in sentences if s)


def _chart_kinds(ax) -> list[str]:
    """The kinds of chart drawn on ``ax``, in the order of :data:`_KINDS`."""
    from matplotlib.collections import PathCollection
    from matplotlib.container import BarContainer, ErrorbarContainer
    from matplotlib.patches import StepPatch

    found = set()
    if any(isinstance(c, BarContainer) for c in ax.containers):
        found.add("bar")
    if any(isinstance(p, StepPatch) for p in ax.patches):
        found.add("step")
    error_parts = set()
    for container in ax.containers:
        if isinstance(container, ErrorbarContainer):
            error_parts |= {id(a) for a in container.get_children()}
            if container.lines[0] is not None:
                error_parts.discard(id(container.lines[0]))
    for line in ax.lines:
        if id(line) in error_parts or line.get_transform() != ax.transData:
            continue  # error bar caps; reference lines (axhline / axvline)
        if line.get_drawstyle().startswith("steps"):
            found.add("step")
        elif line.get_linestyle() in ("None", "", " ") and line.get_marker() not in (None, "None"):
            found.add("scatter")
        elif len(line.get_xdata()) > 1:
            found.add("line")
    if any(isinstance(c, PathCollection) for c in ax.collections):
        found.add("scatter")
    return [kind for kind in _KINDS if kind in found]


def _describe_axis(name: str, axis, lang: Lang) -> tuple[bool, str]:
    """``(True, categories)`` for a category axis, else ``(False, label and range shown)``.

    An axis is a category axis when its tick labels are fixed texts or hold words (numbers and
    percentages do not); its categories are listed as read (top to bottom, left to right),
    each once. The range shown runs from the first to the last tick mark inside the axis'
    limits (the limits themselves when no tick falls inside), written as the tick labels are.
    """
    from matplotlib.category import StrCategoryFormatter
    from matplotlib.ticker import FixedFormatter

    label = _plain(axis.get_label_text())
    where = message(f"labels.figures.alt.{name}", lang)
    formatter = axis.get_major_formatter()
    shown = [(tick.get_loc(), _plain(tick.label1.get_text())) for tick in _visible_ticks(axis)]
    fixed = isinstance(formatter, FixedFormatter | StrCategoryFormatter)
    if fixed or any(_WORD.search(text) for _loc, text in shown):
        top_down = (name == "y") != axis.get_inverted()
        ordered = sorted(shown, key=lambda pair: -pair[0] if top_down else pair[0])
        names = list(dict.fromkeys(text for _loc, text in ordered if text))
        if not names:
            return True, ""
        items = _listed(names[:MAX_ALT_CATEGORIES])
        if len(names) > MAX_ALT_CATEGORIES:
            more = message("labels.figures.alt.more", lang, n=len(names) - MAX_ALT_CATEGORIES)
            items = f"{items} {more}"
        axis_name = f"{where}, {label}" if label else where
        return True, message("labels.figures.alt.categories", lang, axis=axis_name, items=items)
    ticks = [loc for loc, _text in shown]
    low, high = (min(ticks), max(ticks)) if ticks else sorted(axis.get_view_interval())
    values = {
        "axis": where,
        "low": _value(formatter, low, lang),
        "high": _value(formatter, high, lang),
    }
    if label:
        return False, message("labels.figures.alt.range_labelled", lang, label=label, **values)
    return False, message("labels.figures.alt.range", lang, **values)


def _visible_ticks(axis) -> list:
    """The major ticks whose labels are shown (within the axis' limits), labels up to date."""
    axis.get_majorticklabels()  # formats the labels of the ticks inside the view
    low, high = sorted(axis.get_view_interval())
    slack = 1e-9 * abs(high - low)
    return [
        tick
        for tick in axis.get_major_ticks()[: len(axis.get_majorticklocs())]
        if tick.label1.get_visible() and low - slack <= tick.get_loc() <= high + slack
    ]


def _value(formatter, value: float, lang: Lang) -> str:
    """``value`` as the axis shows it (a function formatter), else a short number in ``lang``."""
    from impact.i18n.numbers import general

    if isinstance(formatter, FuncFormatter):
        return _plain(formatter(value, None))
    return general(float(f"{value:.3g}"), lang)


def _listed(items: list[str]) -> str:
    """Items separated by commas (a semicolon when an item holds a comma)."""
    separator = "; " if any("," in item for item in items) else ", "
    return separator.join(items)


def _plain(text: object) -> str:
    """One line of text: line breaks and runs of spaces become one space (no-break spaces stay)."""
    return _BREAKS.sub(" ", str(text)).strip(" ")
