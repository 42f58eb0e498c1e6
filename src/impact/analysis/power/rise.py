"""RISE's pre-study power calculation for Jobbsteget Tillsammans, reproduced.

RISE reported that an effect of 17–20 percentage points was needed to be detectable (218
randomised; 73 intervention and 78 control at baseline). :func:`rise_reproduction` searches
which designs, base rates, methods and covariate R² give that range; the result's
``write(directory)`` saves CSV tables and PNG/SVG figures in English and Swedish.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from impact.analysis.power import figures, text
from impact.analysis.power.analytic import mde
from impact.analysis.power.design import DEFAULT_METHOD, METHODS, Method, PowerRequestError
from impact.analysis.power.results import PowerAnswer
from impact.escaping import write_csv
from impact.figures import new_figure, save_figures
from impact.i18n import Lang, check_lang, message, pair
from impact.outputs import result_folder
from impact.validation import check_choice

#: Designs RISE may have planned with: (id, n_treatment, n_control, attrition, description).
RISE_DESIGNS: tuple[tuple[str, int, int, float, str], ...] = (
    ("analysed_73_78", 73, 78, 0.0, "73 vs 78 (baseline respondents)"),
    ("randomised_109_109", 109, 109, 0.0, "218 randomised 109/109, no attrition"),
    (
        "randomised_109_109_attrition",
        109,
        109,
        67 / 218,
        "218 randomised 109/109, 67/218 = 30.7 % attrition",
    ),
)
#: RISE's reported range (seed 001, p. 26): 17–20 percentage points.
RISE_RANGE_PP = (17.0, 20.0)


def _span(values: pd.Series, lang: Lang) -> str:
    low, high = float(values.min()), float(values.max())
    if np.isclose(low, high):
        return text.percent(low, lang)
    return f"{text.number(100 * low, 0, lang)}–{text.percent(high, lang)}"


@dataclass(frozen=True, repr=False)
class RiseReproduction(PowerAnswer):
    """The grid of MDEs behind RISE's 17–20 pp, and where the grid falls in that range.

    ``grid`` has one row per design × method × R² × base rate × direction with columns design,
    n_treatment, n_control, attrition, method, r2, control_rate, direction, mde_pp and
    ``detectable`` (False where no effect in 0–100 % reaches the power) and
    ``in_range`` (the MDE rounds to a whole number from 17 to 20, as RISE reported whole numbers).
    """

    grid: pd.DataFrame
    power: float
    alpha: float
    title = "Reproduction of RISE's pre-study power calculation"

    def tidy(self) -> pd.DataFrame:
        """The full grid (see the class docstring)."""
        return self.grid.copy()

    def matches(self) -> pd.DataFrame:
        """Per design × method × R² × direction: the base rates whose MDE is in 17–20 pp."""
        hits = self.grid[self.grid["in_range"]]
        keys = ["design", "method", "r2", "direction"]
        out = hits.groupby(keys, sort=False).agg(
            base_rate_min=("control_rate", "min"),
            base_rate_max=("control_rate", "max"),
            mde_pp_min=("mde_pp", "min"),
            mde_pp_max=("mde_pp", "max"),
            n_base_rates=("control_rate", "size"),
        )
        return out.reset_index()

    def _rates(self, design: str, direction: str, r2: float = 0.0) -> pd.Series:
        g = self.grid
        pick = (
            (g["design"] == design)
            & (g["method"] == DEFAULT_METHOD)
            & np.isclose(g["r2"], r2)
            & (g["direction"] == direction)
            & g["in_range"]
        )
        return g.loc[pick, "control_rate"]

    def sentence(self, lang: Lang = "en") -> str:
        """Which base rates reproduce 17–20 pp for the two main designs (default method)."""
        lang = check_lang(lang, error=PowerRequestError)
        parts = []
        for design, who in (
            (
                "randomised_109_109",
                pair("labels.power.rise.randomised_109_109"),
            ),
            ("analysed_73_78", pair("power.designs.analysed_73_78")),
        ):
            spans = []
            for direction in ("increase", "decrease"):
                rates = self._rates(design, direction)
                if len(rates):
                    word = text.WORDS[direction][lang]
                    span = _span(rates, lang)
                    spans.append(
                        message("labels.power.sentences.rise_span", lang, direction=word, span=span)
                    )
            joined = f" {text.WORDS['and'][lang]} ".join(spans) if spans else "—"
            parts.append(f"{who[lang]}: {joined}")
        ap = text.alpha_power(self.alpha, self.power, lang)
        method = text.METHOD_NAMES[DEFAULT_METHOD][lang]
        return message("labels.power.sentences.rise", lang, ap=ap, method=method,
                       parts="; ".join(parts))  # fmt: skip

    def figure(self, lang: Lang = "en") -> Figure:
        """MDE against base rate per design (panels), rise/fall × R², with the 17–20 band."""
        lang = check_lang(lang, error=PowerRequestError)
        designs = list(dict.fromkeys(self.grid["design"]))
        fig = new_figure(4.2 * len(designs), 4.2)
        axes = fig.subplots(1, len(designs), sharey=True, squeeze=False)[0]
        g = self.grid[self.grid["method"] == DEFAULT_METHOD]
        styles = {
            r2: style
            for r2, style in zip(sorted(g["r2"].unique()), ["-", "--", ":", "-."] * 5, strict=False)
        }
        for ax, design in zip(axes, designs, strict=True):
            ax.axhspan(
                *RISE_RANGE_PP,
                color="tab:orange",
                alpha=0.15,
                label=figures.label("rise_band", lang),
            )
            sub = g[g["design"] == design]
            for (direction, r2), rows in sub.groupby(["direction", "r2"], sort=False):
                color = "tab:blue" if direction == "increase" else "tab:red"
                ax.plot(
                    rows["control_rate"],
                    rows["mde_pp"],
                    color=color,
                    linestyle=styles[r2],
                    label=f"{figures.label(str(direction), lang)}, {figures.r2_label(r2, lang)}",
                )
            first = sub.iloc[0]
            ax.set_title(
                f"{text.count(first['n_treatment'], lang)}/{text.count(first['n_control'], lang)}, "
                f"{figures.attrition_word(lang)} {text.percent(first['attrition'], lang)}",
                fontsize="medium",
            )
            ax.set_xlabel(figures.label("control_rate", lang))
            figures.percent_axis(ax.xaxis, lang)
            figures.number_axis(ax.yaxis, lang)
            ax.grid(True, alpha=0.3)
        axes[0].set_ylabel(figures.label("mde", lang))
        axes[-1].legend(fontsize="x-small", loc="lower right")
        return fig

    def to_dict(self) -> dict:
        """JSON-ready: settings, the matches table and both sentences."""
        return {
            "power": self.power,
            "alpha": self.alpha,
            "range_pp": list(RISE_RANGE_PP),
            "designs": [
                {"design": d, "n_treatment": n1, "n_control": n0, "attrition": a, "description": s}
                for d, n1, n0, a, s in RISE_DESIGNS
            ],
            "matches": self.matches().to_dict(orient="records"),
            "sentence": {"en": self.sentence("en"), "sv": self.sentence("sv")},
        }

    def write(self, directory: str | Path) -> Path:
        """Write rise_grid.csv, rise_matches.csv and rise_mde_by_base_rate_{en,sv}.{png,svg}."""
        with result_folder(directory) as out:
            write_csv(self.grid, out / "rise_grid.csv", index=False)
            write_csv(self.matches(), out / "rise_matches.csv", index=False)
            for lang in ("en", "sv"):
                save_figures({f"rise_mde_by_base_rate_{lang}": self.figure(lang)}, out)
        return Path(directory)


def _mde_or_none(n1, n0, rate, direction, method, r2, attrition, alpha, power) -> dict:
    """MDE columns of one grid cell; ``detectable`` is False (MDE missing) when none exists."""
    try:
        found = mde(
            n1,
            n0,
            control_rate=float(rate),
            power=power,
            alpha=alpha,
            method=method,
            r2=r2,
            attrition=attrition,
            direction=direction,
        ).detectable[0]
    except PowerRequestError:
        return {"mde_pp": np.nan, "treatment_rate": np.nan, "detectable": False}
    return {"mde_pp": found.mde_pp, "treatment_rate": found.treatment_rate, "detectable": True}


def rise_reproduction(
    base_rates: Sequence[float] | None = None,
    r2_values: Sequence[float] = (0.0, 0.1, 0.2),
    methods: Sequence[Method] = METHODS,
    alpha: float = 0.05,
    power: float = 0.8,
) -> RiseReproduction:
    """Reproduce RISE's pre-study MDE of 17–20 percentage points.

    Parameters
    ----------
    base_rates : sequence of float, optional
        Control rates to try; default 5 % to 50 % in steps of 2.5 points. Where no fall (or
        rise) is detectable at all, the grid says ``detectable = False`` and leaves the MDE empty.
    r2_values : sequence of float
        Covariate R² values to try.
    methods : sequence of str
        Variance methods to try (default all three).
    alpha, power : float
        Significance level and target power (RISE's report does not state them; 0.05 and 0.8
        are the conventions).

    Returns
    -------
    RiseReproduction
    """
    rates = np.round(np.arange(0.05, 0.5001, 0.025), 4) if base_rates is None else base_rates
    for method in methods:
        check_choice("method", method, METHODS, error=PowerRequestError)
    rows = []
    for design, n1, n0, attrition, _ in RISE_DESIGNS:
        for method in methods:
            for r2 in r2_values:
                for rate in rates:
                    for direction in ("increase", "decrease"):
                        row = {
                            "design": design,
                            "n_treatment": n1,
                            "n_control": n0,
                            "attrition": attrition,
                            "method": method,
                            "r2": float(r2),
                            "control_rate": float(rate),
                            "direction": direction,
                        }
                        row.update(
                            _mde_or_none(
                                n1, n0, rate, direction, method, r2, attrition, alpha, power
                            )
                        )
                        rows.append(row)
    grid = pd.DataFrame(rows)
    rounded = grid["mde_pp"].round(0)
    grid["in_range"] = (rounded >= RISE_RANGE_PP[0]) & (rounded <= RISE_RANGE_PP[1])
    return RiseReproduction(grid=grid, power=power, alpha=alpha)
