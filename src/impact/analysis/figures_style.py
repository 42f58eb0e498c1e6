"""House style for the outcome figures: one palette, one font scale, percent axes, saving.

Figures are built as :class:`matplotlib.figure.Figure` objects (never through ``pyplot``), so
nothing is ever shown or kept in global state; :func:`save_figure` writes PNG and SVG.
The palette is Okabe & Ito's colour-blind-safe set.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from pathlib import Path

import matplotlib
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from impact.analysis.labels import Language, format_percent
from impact.errors import ImpactError
from impact.outputs import atomic_file

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
    "svg.fonttype": "none",
    "figure.dpi": 100,
    "savefig.dpi": 200,
    "savefig.bbox": "tight",
}

FORMATS: tuple[str, ...] = ("png", "svg")


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


def save_figure(
    figure: Figure, path: str | os.PathLike[str], formats: Sequence[str] = FORMATS
) -> list[Path]:
    """Save ``figure`` as ``<path>.png`` / ``<path>.svg`` (any suffix of ``path`` is replaced).

    Files are written atomically: a partly written figure never appears.

    Returns
    -------
    list of Path
        The files written.
    """
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise ImpactError(f"figure formats must be among {', '.join(FORMATS)}, got {formats!r}")
    stem = Path(path).with_suffix("")
    written = []
    for fmt in formats:
        target = stem.with_name(f"{stem.name}.{fmt}")
        with atomic_file(target, "wb") as handle:
            figure.savefig(handle, format=fmt, metadata=_metadata(fmt), bbox_inches="tight",
                           dpi=STYLE["savefig.dpi"])  # fmt: skip
        written.append(target)
    return written


def _metadata(fmt: str) -> dict[str, str | None]:
    """Reproducible files: no creation date in SVG/PNG metadata."""
    if fmt == "svg":
        return {"Date": None}
    return {"Software": "impact"}
