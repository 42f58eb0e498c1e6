"""Figure helpers shared by power curves and plans: labels per language, decimal comma, saving.

Figures are built on :class:`matplotlib.figure.Figure` directly (no pyplot state), so they work
headless and in parallel.
"""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from impact.analysis.power import text
from impact.figures import new_figure
from impact.i18n import Lang, table

LABELS: dict[str, dict[str, str]] = table("labels.power.figures") | {
    direction: text.WORDS[direction] for direction in ("increase", "decrease")
}


def label(key: str, lang: Lang) -> str:
    """The label ``key`` in ``lang``."""
    return LABELS[key][lang]


def r2_label(r2: float, lang: Lang) -> str:
    """'R² = 0.1' / 'R² = 0,1'."""
    return f"R² = {text.general(float(r2), lang)}"


def attrition_word(lang: Lang) -> str:
    """'attrition' / 'bortfall'."""
    return text.WORDS["attrition"][lang]


def number_axis(axis, lang: Lang) -> None:
    """Tick labels with a decimal comma in Swedish (``axis`` is ``ax.xaxis`` or ``ax.yaxis``)."""
    axis.set_major_formatter(
        FuncFormatter(lambda v, _pos: text.general(round(v, 6), lang).replace("-", "\u2212"))
    )


def percent_axis(axis, lang: Lang) -> None:
    """Tick labels of proportions as percentages ("80 %")."""
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: text.percent(round(v, 6), lang)))


def new_axes(width: float = 7.0, height: float = 4.5) -> tuple[Figure, Axes]:
    """A fresh figure with one set of axes and a light grid."""
    fig = new_figure(width, height)
    ax = fig.subplots()
    ax.grid(True, alpha=0.3)
    return fig, ax
