"""A power plan for a new randomised study of the programme (default: 500 participants).

:func:`plan_study` gives the MDE in percentage points for the programme's outcomes (Jobbsteget
Framåt, 2026–2028) under expected attrition and covariate R², with MDE-by-n curves; the result's
``write(directory)`` saves CSV tables and PNG/SVG figures in English and Swedish.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from impact.analysis.power import figures, text
from impact.analysis.power.analytic import mde
from impact.analysis.power.curves import mde_curve
from impact.analysis.power.design import DEFAULT_METHOD, Method, PowerRequestError
from impact.analysis.power.results import PowerAnswer
from impact.escaping import write_csv
from impact.figures import save_figures
from impact.i18n import Lang, check_lang, message
from impact.outputs import result_folder

#: Published outcome rates of Jobbsteget Tillsammans (seed 001), used as control rates.
PROGRAMME_RATES: dict[str, float] = {
    "got_job": 0.29,
    "took_steps": 0.49,
    "job_or_steps": 0.79,
    "expanded_network": 0.74,
}


def _pair(first: float, second: float, lang: Lang) -> str:
    """'175 and 175' (counts rounded to one decimal)."""
    a, b = text.count(round(first, 1), lang), text.count(round(second, 1), lang)
    return f"{a} {text.WORDS['and'][lang]} {b}"


@dataclass(frozen=True, repr=False)
class StudyPlan(PowerAnswer):
    """MDE per outcome for a planned study, and MDE-by-n curves.

    ``table``: outcome, control_rate, r2, direction, mde_pp, treatment_rate, n_treatment,
    n_control, n_treatment_analysed, n_control_analysed, attrition, method, alpha, power.
    ``curves``: outcome, r2, direction, n_total, mde_pp (n from 100 to 1,000 enrolled).
    """

    table: pd.DataFrame
    curves: pd.DataFrame
    n_participants: float
    attrition: float
    power: float
    alpha: float
    method: str
    title = "Power plan"

    def tidy(self) -> pd.DataFrame:
        """The MDE table (see the class docstring)."""
        return self.table.copy()

    def sentence(self, lang: Lang = "en") -> str:
        """The smallest detectable rise per outcome, as a range over the R² values."""
        lang = check_lang(lang, error=PowerRequestError)
        rises = self.table[self.table["direction"] == "increase"]
        pieces = []
        for outcome, rows in rises.groupby("outcome", sort=False):
            low, high = rows["mde_pp"].min(), rows["mde_pp"].max()
            size = text.number(low, 1, lang)
            if not np.isclose(low, high):
                size += f"–{text.number(high, 1, lang)}"
            rate = text.percent(float(rows["control_rate"].iloc[0]), lang)
            pieces.append(f"{text.outcome_label(str(outcome), lang)} ({rate}): {size}")
        first = self.table.iloc[0]
        who = _pair(first["n_treatment"], first["n_control"], lang)
        kept = _pair(first["n_treatment_analysed"], first["n_control_analysed"], lang)
        r2s = sorted(self.table["r2"].unique())
        r2_text = text.general(float(r2s[0]), lang)
        if len(r2s) > 1:
            r2_text += f"–{text.general(float(r2s[-1]), lang)}"
        loss = text.percent(self.attrition, lang)
        method = text.METHOD_NAMES[self.method][lang]
        total = text.count(self.n_participants, lang)
        alpha = text.general(self.alpha, lang)
        strength = text.percent(self.power, lang)
        listed = "; ".join(pieces)
        return message("labels.power.sentences.plan", lang, total=total, who=who, kept=kept,
                       loss=loss, alpha=alpha, strength=strength, r2=r2_text, listed=listed,
                       method=method)  # fmt: skip

    def figure(self, lang: Lang = "en") -> Figure:
        """MDE (rise) against participants enrolled, per outcome and R², with the plan marked."""
        lang = check_lang(lang, error=PowerRequestError)
        fig, ax = figures.new_axes()
        r2s = sorted(self.curves["r2"].unique())
        styles = dict(zip(r2s, ["-", "--", ":", "-."] * 5, strict=False))
        colors = dict(
            zip(
                self.curves["outcome"].unique(),
                ["tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown"] * 5,
                strict=False,
            )
        )
        rises = self.curves[self.curves["direction"] == "increase"]
        for (outcome, r2), rows in rises.groupby(["outcome", "r2"], sort=False):
            ax.plot(
                rows["n_total"],
                rows["mde_pp"],
                color=colors[outcome],
                linestyle=styles[r2],
                label=f"{text.outcome_label(str(outcome), lang)}, {figures.r2_label(r2, lang)}",
            )
        ax.axvline(self.n_participants, color="grey", linewidth=1)
        ax.set_xlabel(figures.label("n_total", lang))
        ax.set_ylabel(figures.label("mde", lang))
        ax.set_ylim(bottom=0)
        ax.set_title(
            f"{figures.label('mde_title', lang)} "
            f"({figures.attrition_word(lang)} {text.percent(self.attrition, lang)})",
            fontsize="medium",
        )
        figures.number_axis(ax.xaxis, lang)
        figures.number_axis(ax.yaxis, lang)
        ax.legend(fontsize="x-small", ncol=2, loc="upper right")
        return fig

    def to_dict(self) -> dict:
        """JSON-ready: settings, the MDE table and both sentences."""
        return {
            "n_participants": self.n_participants,
            "attrition": self.attrition,
            "power": self.power,
            "alpha": self.alpha,
            "method": self.method,
            "mde": self.table.to_dict(orient="records"),
            "sentence": {"en": self.sentence("en"), "sv": self.sentence("sv")},
        }

    def _repr_html_(self) -> str:
        table = self.table.to_html(index=False, float_format=lambda v: f"{v:.4g}")
        return f"<h4>{html.escape(self.title)}</h4>\n<p>{html.escape(self.sentence())}</p>\n{table}"

    def write(self, directory: str | Path) -> Path:
        """Write plan_mde.csv, plan_mde_curves.csv and plan_mde_by_n_{en,sv}.{png,svg}."""
        with result_folder(directory) as out:
            write_csv(self.table, out / "plan_mde.csv", index=False)
            write_csv(self.curves, out / "plan_mde_curves.csv", index=False)
            for lang in ("en", "sv"):
                save_figures({f"plan_mde_by_n_{lang}": self.figure(lang)}, out)
        return Path(directory)


PLAN_COLUMNS = [
    "outcome",
    "control_rate",
    "r2",
    "direction",
    "mde_pp",
    "treatment_rate",
    "n_treatment",
    "n_control",
    "n_treatment_analysed",
    "n_control_analysed",
    "attrition",
    "method",
    "alpha",
    "power",
]


def _curve_points(
    grid_n: Sequence[float] | np.ndarray,
    rate: float,
    power: float,
    ratio: float,
    r2: float,
    outcome: str,
    common: dict,
) -> pd.DataFrame:
    """One outcome's MDE-by-n curve at one R²: outcome, r2, direction, n_total, rate, mde_pp."""
    design = {k: v for k, v in common.items() if k != "method"}
    curve = mde_curve(
        grid_n,
        control_rate=rate,
        power=power,
        ratio=ratio,
        methods=common["method"],
        r2=r2,
        outcome=outcome,
        **design,
    )
    frame = curve.tidy().assign(outcome=outcome, r2=float(r2))
    return frame[["outcome", "r2", "direction", "n_total", "control_rate", "mde_pp"]]


def plan_study(
    n_participants: float = 500,
    outcomes: Mapping[str, float] | None = None,
    *,
    attrition: float = 0.3,
    r2_values: Sequence[float] = (0.0, 0.1, 0.2),
    ratio: float = 1.0,
    alpha: float = 0.05,
    power: float = 0.8,
    method: Method = DEFAULT_METHOD,
    icc: float = 0.0,
    cluster_size: float = 1.0,
    curve_n: Sequence[float] | None = None,
) -> StudyPlan:
    """MDE per outcome for a planned randomised study.

    Parameters
    ----------
    n_participants : float
        Participants randomised (both arms).
    outcomes : mapping of str to float, optional
        Outcome id → expected control rate; default the published rates of Jobbsteget
        Tillsammans: got_job 29 %, took_steps 49 %, job_or_steps 79 %, expanded_network 74 %.
    attrition : float
        Expected share missing at the result survey (Jobbsteget Tillsammans: 29 % of
        participants did not answer it; RISE: 67 of 218 lost before baseline).
    r2_values : sequence of float
        Covariate R² values to plan with.
    ratio, alpha, power, method, icc, cluster_size
        As in :func:`impact.analysis.power.mde`.
    curve_n : sequence of float, optional
        Enrolments for the MDE-by-n curves (default 100 to 1,000 in steps of 50).

    Returns
    -------
    StudyPlan
    """
    rates = dict(PROGRAMME_RATES if outcomes is None else outcomes)
    if not rates:
        raise PowerRequestError("outcomes: got an empty mapping — expected outcome → control rate")
    if not r2_values:
        raise PowerRequestError("r2_values: got an empty list — expected at least one R²")
    grid_n = np.arange(100, 1001, 50) if curve_n is None else curve_n
    common = dict(
        alpha=alpha, method=method, icc=icc, cluster_size=cluster_size, attrition=attrition
    )
    rows, curves = [], []
    for outcome, rate in rates.items():
        for r2 in r2_values:
            found = mde(
                n=n_participants,
                ratio=ratio,
                control_rate=rate,
                power=power,
                r2=r2,
                outcome=outcome,
                **common,
            )
            rows.append(found.tidy())
            curves.append(_curve_points(grid_n, rate, power, ratio, r2, outcome, common))
    table = pd.concat(rows, ignore_index=True)[PLAN_COLUMNS]
    return StudyPlan(
        table=table,
        curves=pd.concat(curves, ignore_index=True),
        n_participants=float(n_participants),
        attrition=float(attrition),
        power=float(power),
        alpha=float(alpha),
        method=method,
    )
