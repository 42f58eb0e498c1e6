"""House style for the outcome figures: one palette, one font scale, percent axes, saving.

Figures are built as :class:`matplotlib.figure.Figure` objects (never through ``pyplot``), so
nothing is ever shown or kept in global state; :func:`save_figure` (from :mod:`impact.figures`,
the package's one way of saving a figure) writes reproducible PNG and SVG files.
The palette is Okabe & Ito's colour-blind-safe set.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import matplotlib
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from impact.analysis.labels import Language, format_percent
from impact.figures import DEFAULT_DPI, DEFAULT_FORMATS, SAVE_RC, save_figure

__all__ = [
    "CI_COLOUR",
    "FORMATS",
    "GROUP_COLOURS",
    "PALETTE",
    "STYLE",
    "TARGET_COLOUR",
    "house_style",
    "new_figure",
    "percent_axis",
    "save_figure",
]

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

#: Formats :func:`save_figure` writes by default.
FORMATS: tuple[str, ...] = DEFAULT_FORMATS


@contextlib.contextmanager
def house_style() -> Iterator[None]:
    """Context in which figures are built with the house rcParams (restored afterwards)."""
    with matplotlib.rc_context(STYLE):
        yield


def new_figure(width: float, height: float) -> Figure:
    """A figure of ``width`` × ``height`` inches not attached to any pyplot window."""
    return Figure(figsize=(width, height), layout="constrained")


def percent_axis(axis, lang: Language, limit: float = 1.0) -> None:
    """Format a 0–1 axis as percentages in ``lang`` (decimal comma and ``%`` spacing in sv)."""
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: format_percent(v, lang)))
    axis.set_view_interval(0.0, limit, ignore=True)
