"""The diagnosis table: bias, RMSE, coverage, power and interval width of each estimator.

Each estimator is graded against its own estimand: the ITT (the offer's effect on everyone
randomised) for the ITT difference, Lin's estimator and randomisation inference; the CACE (the
effect of taking part for compliers) for 2SLS; the ITT among always-responders for Lee bounds.
Effects are in percentage points; coverage and power are proportions of the trials in which the
estimator was defined, with their Monte Carlo standard errors.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field, fields
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from impact.analysis.power.diagnosis.design import DeclaredDesign
from impact.escaping import write_csv
from impact.figures import save_figures
from impact.i18n import Lang, check_lang, message
from impact.i18n.numbers import fixed, general, percent
from impact.outputs import result_folder
from impact.results import Result

#: The estimand of each estimator (keys of :meth:`DeclaredDesign.truth`).
ESTIMANDS = {
    "itt": "itt",
    "lin": "itt",
    "cace": "cace",
    "ri": "itt",
    "lee": "itt_always_responders",
}
COLUMNS = [
    "estimator", "estimand", "truth_pp", "mean_estimate_pp", "bias_pp", "sd_estimate_pp",
    "rmse_pp", "mean_se_pp", "coverage", "coverage_mc_se", "power", "power_mc_se",
    "mean_ci_width_pp", "mean_lower_pp", "mean_upper_pp", "bounds_width_pp", "bounds_cover",
    "n_defined", "note",
]  # fmt: skip


@dataclass(frozen=True)
class EstimatorDraws:
    """One estimator's results in every trial (NaN where undefined; None where not produced)."""

    name: str
    estimate: np.ndarray
    se: np.ndarray | None
    ci_low: np.ndarray | None
    ci_high: np.ndarray | None
    p_value: np.ndarray | None = None
    lower: np.ndarray | None = None
    upper: np.ndarray | None = None

    @classmethod
    def concatenate(cls, parts: list[EstimatorDraws]) -> EstimatorDraws:
        """The draws of several chunks of trials, in order."""
        values = {}
        for f in fields(cls):
            first = getattr(parts[0], f.name)
            values[f.name] = (
                first
                if first is None or isinstance(first, str)
                else np.concatenate([getattr(p, f.name) for p in parts])
            )
        return cls(**values)


def _mean(values: np.ndarray | None, keep: np.ndarray) -> float:
    return float(np.mean(values[keep])) if values is not None and keep.any() else np.nan


def _share(hits: np.ndarray, keep: np.ndarray) -> tuple[float, float]:
    if not keep.any():
        return np.nan, np.nan
    share = float(np.mean(hits[keep]))
    return share, float(np.sqrt(share * (1.0 - share) / keep.sum()))


def _row(draws: EstimatorDraws, truth: float, alpha: float) -> dict:
    """One row of the table (see :data:`COLUMNS`)."""
    row: dict = dict.fromkeys(COLUMNS, np.nan)
    keep = np.isfinite(draws.estimate)
    if draws.p_value is not None:
        keep = np.isfinite(draws.p_value)
    error = draws.estimate[keep] - truth
    row["n_defined"] = int(keep.sum())
    if draws.name in ("itt", "lin", "cace"):
        row |= {
            "mean_estimate_pp": 100 * _mean(draws.estimate, keep),
            "bias_pp": 100 * float(np.mean(error)) if keep.any() else np.nan,
            "sd_estimate_pp": 100 * float(np.std(draws.estimate[keep], ddof=1))
            if keep.sum() > 1 else np.nan,
            "rmse_pp": 100 * float(np.sqrt(np.mean(error**2))) if keep.any() else np.nan,
            "mean_se_pp": 100 * _mean(draws.se, keep),
        }  # fmt: skip
    if draws.ci_low is not None:
        covered = (draws.ci_low <= truth) & (truth <= draws.ci_high)
        row["coverage"], row["coverage_mc_se"] = _share(covered, keep)
        excludes_zero = (draws.ci_low > 0) | (draws.ci_high < 0)
        row["power"], row["power_mc_se"] = _share(excludes_zero, keep)
        row["mean_ci_width_pp"] = 100 * _mean(draws.ci_high - draws.ci_low, keep)
    if draws.p_value is not None:
        row["power"], row["power_mc_se"] = _share(draws.p_value <= alpha, keep)
    if draws.lower is not None:
        row["mean_lower_pp"] = 100 * _mean(draws.lower, keep)
        row["mean_upper_pp"] = 100 * _mean(draws.upper, keep)
        row["bounds_width_pp"] = 100 * _mean(draws.upper - draws.lower, keep)
        inside = (draws.lower <= truth) & (truth <= draws.upper)
        row["bounds_cover"] = _share(inside, keep)[0]
    return row


_NOTES = {
    "ri": "power only: a test of the sharp null of no effect for anyone, no interval",
    "lee": "coverage: Imbens–Manski interval covers the ITT of always-responders",
    "lin_none": "not estimated: needs covariates (n_covariates ≥ 1) or blocks",
    "lee_cluster": "standard errors ignore the clustering",
}


def summarise(draws: dict[str, EstimatorDraws], design: DeclaredDesign, alpha: float):
    """The diagnosis table, one row per estimator (see :data:`COLUMNS`)."""
    truth = design.truth()
    rows = []
    for name in ("itt", "lin", "cace", "ri", "lee"):
        estimand = ESTIMANDS[name]
        if name in draws:
            row = _row(draws[name], truth[estimand], alpha)
        else:
            row = dict.fromkeys(COLUMNS, np.nan) | {"n_defined": 0}
            if name == "lin":
                row["note"] = _NOTES["lin_none"]
            elif name == "ri":
                row["note"] = "not estimated: ri_draws = 0"
        if name == "ri" and name in draws:
            row["note"] = _NOTES["ri"]
        if name == "lee":
            row["note"] = _NOTES["lee"] + (
                "; " + _NOTES["lee_cluster"] if design.cluster_size > 1 else ""
            )
        row |= {"estimator": name, "estimand": estimand, "truth_pp": 100 * truth[estimand]}
        rows.append(row)
    table = pd.DataFrame(rows, columns=COLUMNS)
    table["note"] = table["note"].where(table["note"].notna(), "")
    return table


@dataclass(frozen=True, repr=False)
class DiagnosisResult(Result):
    """A design diagnosis; see :func:`impact.power.diagnose`.

    ``tidy()`` has one row per estimator (:data:`COLUMNS`); ``draws`` holds every trial's
    estimates and intervals; ``figure(lang)`` shows them against the truth.
    """

    design: DeclaredDesign
    truth: dict[str, float]
    table: pd.DataFrame
    draws: dict[str, EstimatorDraws] = field(compare=False)
    n_sims: int
    ri_draws: int
    alpha: float
    seed: int
    seconds: float
    title = "Design diagnosis"

    def tidy(self) -> pd.DataFrame:
        """One row per estimator: truth, bias, RMSE, coverage, power, widths (see the module)."""
        return self.table.copy()

    def sentence(self, lang: Lang = "en") -> str:
        """The declared design and its truth in one sentence, in English or Swedish."""
        lang = check_lang(lang)
        d = self.design
        pp = lambda v: fixed(100 * v, 1, lang)  # noqa: E731
        pc = lambda v: percent(v, lang, 0, whole_when_exact=True)  # noqa: E731
        return message(
            "labels.diagnosis.sentence", lang, n_sims=self.n_sims, seed=self.seed,
            n1=d.n_treatment, n0=d.n_control, take_up=pc(d.take_up),
            crossover=pc(d.crossover), a1=pc(d.attrition_treatment),
            a0=pc(d.attrition_control), rate=pc(d.control_rate),
            cace=pp(self.truth["cace"]), itt=pp(self.truth["itt"]), design=self._design(lang),
        )  # fmt: skip

    def _design(self, lang: Lang) -> str:
        """The clusters, blocks and covariates of the design, for the sentence ("" if none)."""
        d, parts = self.design, []
        if d.cluster_size > 1:
            parts.append(message("labels.diagnosis.clusters", lang, g=d.n // d.cluster_size,
                                 m=d.cluster_size, icc=general(d.icc, lang)))  # fmt: skip
        if d.blocks > 1:
            parts.append(message("labels.diagnosis.blocks", lang, b=d.blocks))
        if d.n_covariates:
            parts.append(message("labels.diagnosis.covariates", lang, k=d.n_covariates,
                                 r2=general(d.r2, lang)))  # fmt: skip
        return "".join(parts)

    def summary(self) -> str:
        """The sentence and the main columns of the table."""
        main = ["estimator", "truth_pp", "bias_pp", "rmse_pp", "coverage", "power",
                "mean_ci_width_pp", "bounds_width_pp"]  # fmt: skip
        with pd.option_context("display.width", 140, "display.max_columns", 30):
            table = self.table[main].round(3).to_string(index=False)
        return f"{self.title}\n{self.sentence()}\n{table}"

    def settings(self) -> dict:
        """The declared design and the simulation settings as plain values."""
        design = {f.name: getattr(self.design, f.name) for f in fields(self.design)}
        design["effect_pp"] = 100 * design.pop("effect")
        return {**design, "alpha": self.alpha, "n_sims": self.n_sims,
                "ri_draws": self.ri_draws, "seed": self.seed}  # fmt: skip

    def to_dict(self) -> dict:
        """JSON-ready: settings, truth, the rows, both sentences and the time taken."""
        rows = self.table.astype(object).where(self.table.notna(), None)
        return {
            "title": self.title,
            "settings": self.settings(),
            "truth": dict(self.truth),
            "rows": rows.to_dict(orient="records"),
            "sentence": {"en": self.sentence("en"), "sv": self.sentence("sv")},
            "seconds": self.seconds,
        }

    def _repr_html_(self) -> str:
        table = self.table.to_html(index=False, float_format=lambda v: f"{v:.3g}", na_rep="")
        return f"<h4>{html.escape(self.title)}</h4>\n<p>{html.escape(self.sentence())}</p>\n{table}"

    def figure(self, lang: Lang = "en") -> Figure:
        """Estimates against the truth (left) and coverage and power (right), in ``lang``."""
        from impact.analysis.power.diagnosis.figure import diagnosis_figure

        return diagnosis_figure(self, check_lang(lang))

    def write(self, directory: str | Path, stem: str = "diagnosis") -> Path:
        """Write ``<stem>.csv`` and the figure in both languages (PNG and SVG) atomically."""
        with result_folder(directory) as out:
            write_csv(self.table, out / f"{stem}.csv", index=False)
            for lang in ("en", "sv"):
                save_figures({f"{stem}_{lang}": self.figure(lang)}, out)
        return Path(directory)
