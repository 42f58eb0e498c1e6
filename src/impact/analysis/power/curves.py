"""Power curves: power against the size of effect, and the MDE against the sample size.

Both return results with a tidy table and a ``figure(lang)`` method giving a matplotlib
:class:`~matplotlib.figure.Figure` with English or Swedish labels (decimal comma in Swedish).
"""

from __future__ import annotations

import html
from abc import abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from impact.analysis.power import figures, text
from impact.analysis.power.analytic import mde, power_under, treatment_rate
from impact.analysis.power.design import (
    DEFAULT_METHOD,
    DIRECTIONS,
    METHODS,
    Arms,
    Assumptions,
    Direction,
    Method,
    PowerRequestError,
    Sides,
    check_finite,
    check_power_target,
    check_rate,
)
from impact.escaping import write_csv
from impact.figures import save_figures
from impact.i18n import Lang, check_lang
from impact.outputs import result_folder
from impact.results import Result
from impact.validation import check_choice


def _methods(methods: Method | Sequence[Method] | None) -> tuple[Method, ...]:
    chosen = (DEFAULT_METHOD,) if methods is None else methods
    chosen = (chosen,) if isinstance(chosen, str) else tuple(chosen)
    if not chosen:
        raise PowerRequestError("methods: got an empty list — expected at least one method")
    for method in chosen:
        check_choice("method", method, METHODS, error=PowerRequestError)
    return chosen


class _Curve(Result):
    """What both curves share: a tidy table, a figure per language, HTML and writing."""

    table: pd.DataFrame
    control_rate: float
    outcome: str | None
    default_stem = "curve"

    @abstractmethod
    def figure(self, lang: Lang = "en") -> Figure:
        """The curve as a matplotlib figure with labels in ``lang``."""

    @abstractmethod
    def _settings(self) -> dict:
        """The settings that ``to_dict`` lists before the outcome and the points."""

    def tidy(self) -> pd.DataFrame:
        """The curve's table, one row per point (see the class)."""
        return self.table.copy()

    def to_dict(self) -> dict:
        """JSON-ready table (records) and settings."""
        return {
            **self._settings(),
            "outcome": self.outcome,
            "points": self.table.to_dict(orient="records"),
        }

    def _repr_html_(self) -> str:
        return f"<h4>{html.escape(self.title)}</h4>\n{self.table.to_html(index=False)}"

    def write(self, directory: str | Path, stem: str | None = None) -> Path:
        """Write ``<stem>.csv`` and the figure in both languages (PNG and SVG) atomically.

        ``stem`` defaults to ``power_curve`` or ``mde_curve``.
        """
        stem = self.default_stem if stem is None else stem
        with result_folder(directory) as out:
            write_csv(self.table, out / f"{stem}.csv", index=False)
            for lang in ("en", "sv"):
                save_figures({f"{stem}_{lang}": self.figure(lang)}, out)
        return Path(directory)


@dataclass(frozen=True, repr=False)
class PowerCurve(_Curve):
    """Power against effect size.

    Rows of ``table`` (and ``tidy()``): method, effect_pp, control_rate, treatment_rate, power,
    n_treatment, n_control.
    """

    table: pd.DataFrame
    control_rate: float
    target_power: float
    outcome: str | None = None
    title = "Power curve"
    default_stem = "power_curve"

    def figure(self, lang: Lang = "en") -> Figure:
        """Power (y) against the effect in percentage points (x), one line per method."""
        lang = check_lang(lang, error=PowerRequestError)
        fig, ax = figures.new_axes()
        for method, rows in self.table.groupby("method", sort=False):
            ax.plot(rows["effect_pp"], rows["power"], label=figures.label(str(method), lang))
        ax.axhline(self.target_power, color="grey", linestyle="--", linewidth=1)
        ax.set_xlabel(figures.label("effect", lang))
        ax.set_ylabel(figures.label("power", lang))
        ax.set_ylim(0, 1)
        where = text.from_rate(self.control_rate, self.outcome, lang)
        ax.set_title(f"{figures.label('power_title', lang)} — {where}", fontsize="medium")
        figures.number_axis(ax.xaxis, lang)
        figures.percent_axis(ax.yaxis, lang)
        ax.legend(loc="lower right", fontsize="small")
        return fig

    def _settings(self) -> dict:
        return {"control_rate": self.control_rate, "target_power": self.target_power}


def _effects_grid(p0: float, effects_pp: Sequence[float] | np.ndarray | None) -> np.ndarray:
    """The effects to draw: the ones given (checked), else 161 points within ±40 pp."""
    if effects_pp is None:
        low, high = min(100 * p0, 40.0), min(100 * (1 - p0), 40.0)
        return np.linspace(-low, high, 161)
    effects = np.array([check_finite("effects_pp", e) for e in effects_pp], dtype=float)
    for effect in effects:
        treatment_rate(p0, float(effect))
    return effects


def _power_points(
    arms: Arms, assumptions: Assumptions, p0: float, effects: np.ndarray
) -> pd.DataFrame:
    """One method's rows of the power curve: the power at each effect."""
    n1, n0 = arms.analysed(assumptions)
    rates = np.clip(p0 + effects / 100.0, 0.0, 1.0)
    return pd.DataFrame(
        {
            "method": assumptions.method,
            "effect_pp": effects,
            "control_rate": p0,
            "treatment_rate": rates,
            "power": power_under(assumptions, p0, rates, n1, n0),
            "n_treatment": arms.n_treatment,
            "n_control": arms.n_control,
        }
    )


def power_curve(
    n_treatment: float | None = None,
    n_control: float | None = None,
    *,
    control_rate: float,
    effects_pp: Sequence[float] | np.ndarray | None = None,
    methods: Method | Sequence[Method] | None = None,
    n: float | None = None,
    ratio: float = 1.0,
    alpha: float = 0.05,
    sides: Sides = 2,
    r2: float = 0.0,
    icc: float = 0.0,
    cluster_size: float = 1.0,
    attrition: float = 0.0,
    target_power: float = 0.8,
    outcome: str | None = None,
) -> PowerCurve:
    """Power of a design over a range of effects (both directions by default).

    Parameters
    ----------
    effects_pp : sequence of float, optional
        Effects in percentage points; default 161 points from the largest possible fall to the
        largest possible rise, at most 40 points either way.
    methods : str or sequence of str, optional
        One or more of "unpooled", "pooled", "arcsine" (default: the default method).
    target_power : float
        Drawn as a dashed reference line.
    n_treatment, n_control, n, ratio, control_rate, alpha, sides, r2, icc, cluster_size, \
attrition, outcome
        As in :func:`impact.analysis.power.power`.

    Returns
    -------
    PowerCurve
    """
    chosen = _methods(methods)
    arms = Arms.from_request(n_treatment, n_control, n, ratio)
    p0 = check_rate("control_rate", control_rate)
    effects = _effects_grid(p0, effects_pp)
    rows = []
    for method in chosen:
        assumptions = Assumptions(alpha, sides, method, r2, icc, cluster_size, attrition)
        target = check_power_target(target_power, assumptions.alpha)
        rows.append(_power_points(arms, assumptions, p0, effects))
    return PowerCurve(
        table=pd.concat(rows, ignore_index=True),
        control_rate=p0,
        target_power=target,
        outcome=outcome,
    )


@dataclass(frozen=True, repr=False)
class MDECurve(_Curve):
    """MDE against sample size.

    Rows of ``table`` (and ``tidy()``): method, direction, n_total, n_treatment, n_control,
    control_rate, mde_pp.
    """

    table: pd.DataFrame
    control_rate: float
    power: float
    outcome: str | None = None
    title = "Minimum detectable effect by sample size"
    default_stem = "mde_curve"

    def figure(self, lang: Lang = "en") -> Figure:
        """MDE in percentage points (y) against participants enrolled (x)."""
        lang = check_lang(lang, error=PowerRequestError)
        fig, ax = figures.new_axes()
        several = self.table["method"].nunique() > 1
        for (method, direction), rows in self.table.groupby(["method", "direction"], sort=False):
            name = figures.label(str(direction), lang)
            if several:
                name += f", {figures.label(str(method), lang)}"
            ax.plot(rows["n_total"], rows["mde_pp"], label=name)
        ax.set_xlabel(figures.label("n_total", lang))
        ax.set_ylabel(figures.label("mde", lang))
        ax.set_ylim(bottom=0)
        where = text.from_rate(self.control_rate, self.outcome, lang)
        strength = f"{text.percent(self.power, lang)} {text.WORDS['power'][lang]}"
        ax.set_title(f"{figures.label('mde_title', lang)} — {where}, {strength}", fontsize="medium")
        figures.number_axis(ax.xaxis, lang)
        figures.number_axis(ax.yaxis, lang)
        ax.legend(loc="upper right", fontsize="small")
        return fig

    def _settings(self) -> dict:
        return {"control_rate": self.control_rate, "power": self.power}


def _mde_points(
    total: float,
    ratio: float,
    p0: float,
    target: float,
    direction: Direction,
    assumptions: dict,
) -> list[dict]:
    """The MDE curve's rows at one total enrolment (one per direction)."""
    try:
        found = mde(
            n=total, ratio=ratio, control_rate=p0, power=target, direction=direction, **assumptions
        )
    except PowerRequestError as error:
        raise PowerRequestError(f"n = {total:g}: {error}") from None
    return [
        {
            "method": assumptions["method"],
            "direction": row.direction,
            "n_total": total,
            "n_treatment": row.n_treatment,
            "n_control": row.n_control,
            "control_rate": p0,
            "mde_pp": row.mde_pp,
        }
        for row in found.tidy().itertuples()
    ]


def mde_curve(
    n_values: Sequence[float] | np.ndarray,
    *,
    control_rate: float,
    power: float = 0.8,
    ratio: float = 1.0,
    direction: Direction = "both",
    methods: Method | Sequence[Method] | None = None,
    alpha: float = 0.05,
    sides: Sides = 2,
    r2: float = 0.0,
    icc: float = 0.0,
    cluster_size: float = 1.0,
    attrition: float = 0.0,
    outcome: str | None = None,
) -> MDECurve:
    """The MDE (percentage points) for each total enrolment in ``n_values``.

    Parameters
    ----------
    n_values : sequence of float
        Total participants enrolled (both arms), split by ``ratio = n_control / n_treatment``.
    control_rate, power, ratio, direction, methods, alpha, sides, r2, icc, cluster_size, \
attrition, outcome
        As in :func:`impact.analysis.power.mde`.

    Returns
    -------
    MDECurve

    Raises
    ------
    PowerRequestError
        If any ``n`` is too small for any detectable effect (the message names it).
    """
    chosen = _methods(methods)
    check_choice("direction", direction, DIRECTIONS, error=PowerRequestError)
    p0 = check_rate("control_rate", control_rate)
    target = check_power_target(power, check_finite("alpha", alpha))
    totals = [check_finite("n_values", v) for v in n_values]
    if not totals:
        raise PowerRequestError("n_values: got an empty list — expected sample sizes")
    design = dict(
        alpha=alpha, sides=sides, r2=r2, icc=icc, cluster_size=cluster_size, attrition=attrition
    )
    rows = []
    for method in chosen:
        for total in totals:
            rows += _mde_points(total, ratio, p0, target, direction, {**design, "method": method})
    return MDECurve(table=pd.DataFrame(rows), control_rate=p0, power=target, outcome=outcome)
