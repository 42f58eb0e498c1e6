"""Figure helpers shared by power curves and plans: labels per language, decimal comma, saving.

Figures are built on :class:`matplotlib.figure.Figure` directly (no pyplot state), so they work
headless and in parallel.
"""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from impact.analysis.power import text
from impact.i18n import Lang

LABELS: dict[str, dict[str, str]] = {
    "effect": {"en": "Effect (percentage points)", "sv": "Effekt (procentenheter)"},
    "power": {"en": "Power", "sv": "Styrka"},
    "mde": {
        "en": "Minimum detectable effect (percentage points)",
        "sv": "Minsta upptäckbara effekt (procentenheter)",
    },
    "n_total": {
        "en": "Participants enrolled (both arms)",
        "sv": "Inskrivna deltagare (båda grupperna)",
    },
    "power_title": {"en": "Power by size of effect", "sv": "Styrka efter effektens storlek"},
    "mde_title": {
        "en": "Minimum detectable effect by sample size",
        "sv": "Minsta upptäckbara effekt efter urvalsstorlek",
    },
    "control_rate": {"en": "Control-group rate", "sv": "Andel i kontrollgruppen"},
    "target": {"en": "target power", "sv": "målstyrka"},
    "increase": {"en": "rise", "sv": "ökning"},
    "decrease": {"en": "fall", "sv": "minskning"},
    "unpooled": {"en": "normal, unpooled variance", "sv": "normal, opoolad varians"},
    "pooled": {
        "en": "normal, pooled null variance (Fleiss)",
        "sv": "normal, poolad nollvarians (Fleiss)",
    },
    "arcsine": {"en": "arcsine (Cohen's h)", "sv": "arcsin (Cohens h)"},
    "rise_band": {"en": "RISE: 17–20 pp", "sv": "RISE: 17–20 procentenheter"},
}


def label(key: str, lang: Lang) -> str:
    """The label ``key`` in ``lang``."""
    return LABELS[key][lang]


def r2_label(r2: float, lang: Lang) -> str:
    """'R² = 0.1' / 'R² = 0,1'."""
    return f"R² = {text.general(float(r2), lang)}"


def attrition_word(lang: Lang) -> str:
    """'attrition' / 'bortfall'."""
    return "bortfall" if lang == "sv" else "attrition"


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
    fig = Figure(figsize=(width, height), layout="constrained")
    ax = fig.subplots()
    ax.grid(True, alpha=0.3)
    return fig, ax
