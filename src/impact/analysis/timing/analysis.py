"""``time_to_job``: the whole time-to-job analysis in one call, and the result that writes it."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from impact.errors import AnalysisError, InputError
from impact.escaping import write_csv
from impact.figures import save_figure
from impact.i18n import LANGUAGES, check_lang
from impact.outputs import result_folder
from impact.outputs.result_texts import write_summary_and_settings
from impact.results import Result
from impact.validation import check_choice, check_level

from . import additions
from ._checks import require_columns, require_frame
from ._tidy import TIDY_COLUMNS, stack
from .competing import CompetingRisks
from .episodes import (
    BaselinePolicy,
    Imputation,
    bound_times,
    check_wave_months,
    exclusion_counts,
    job_times,
)
from .figures import cumulative_share_figure
from .hazard import HazardModels, hazard_models
from .interval import IntervalCensored
from .kaplan_meier import ConfType, KaplanMeier, kaplan_meier
from .logrank import LogRankTest, logrank

log = logging.getLogger(__name__)

#: Baseline covariates of the hazard models (as ``analysis.covariates`` in the study config).
DEFAULT_COVARIATES = ("age", "education_level", "years_in_sweden")


@dataclass(frozen=True)
class TimeToJob(Result):
    """Time to first job: per-person times, KM curves, log-rank test, hazard models.

    Attributes
    ----------
    persons : DataFrame
        Per-person times (see :func:`~impact.analysis.timing.episodes.job_times`).
    counts : DataFrame
        Analysed and excluded people by reason and group.
    km : KaplanMeier
        Curves by group on the imputed event times.
    bounds : DataFrame
        Cumulative share employed by month and group under the earliest and latest event
        times consistent with the answers (``group``, ``month``, ``earliest``, ``latest``).
    logrank : LogRankTest or None
        ``None`` with a single group.
    hazard : HazardModels or None
        ``None`` with a single group.
    wave_months : dict
    settings : dict
    competing : CompetingRisks or None
        Job, education and leaving the programme as competing first events (``None`` when
        the data have neither education answers nor ``left_month``).
    interval : IntervalCensored or None
        Turnbull curves and AFT models on the intervals between waves.
    """

    persons: pd.DataFrame
    counts: pd.DataFrame
    km: KaplanMeier
    bounds: pd.DataFrame
    logrank: LogRankTest | None
    hazard: HazardModels | None
    wave_months: dict[str, float]
    settings: dict = field(default_factory=dict)
    title: str = "Time to first job"
    competing: CompetingRisks | None = None
    interval: IntervalCensored | None = None

    def shares_by_month(self) -> pd.DataFrame:
        """Cumulative share employed at every whole month up to the last wave, by group."""
        last = max(self.wave_months.values())
        return self.km.at(np.arange(0.0, np.floor(last) + 1.0))

    def tidy(self) -> pd.DataFrame:
        """Stacked results: KM shares at the wave months, log-rank test, group hazard terms.

        ``part`` is ``cumulative_share`` (``estimate`` = share employed by ``month``),
        ``logrank`` (``statistic`` = chi-square) or ``discrete_logit`` / ``cox`` (``estimate``
        = odds / hazard ratio of ``term`` with its interval; ``std_error`` on the log scale).
        """
        at = self.km.at(sorted(self.wave_months.values()))
        parts = [
            pd.DataFrame(
                {
                    "part": "cumulative_share",
                    "group": at["group"],
                    "term": "employed_share",
                    "month": at["month"],
                    "estimate": at["employed_share"],
                    "std_error": at["std_error"],
                    "ci_lower": at["ci_lower"],
                    "ci_upper": at["ci_upper"],
                    "n": at["n_risk"],
                }
            )
        ]
        if self.logrank is not None:
            parts.append(
                pd.DataFrame(
                    {
                        "part": ["logrank"],
                        "term": ["chi_square"],
                        "statistic": [self.logrank.statistic],
                        "p_value": [self.logrank.p_value],
                        "n": [int(self.logrank.groups["n"].sum())],
                    }
                )
            )
        if self.hazard is not None:
            g = self.hazard.group_effects()
            parts.append(
                pd.DataFrame(
                    {
                        "part": g["model"],
                        "term": g["term"],
                        "estimate": g["ratio"],
                        "std_error": g["std_error"],
                        "ci_lower": g["ratio_lower"],
                        "ci_upper": g["ratio_upper"],
                        "statistic": g["statistic"],
                        "p_value": g["p_value"],
                        "n": g["n_persons"],
                    }
                )
            )
        return stack(parts, TIDY_COLUMNS)

    def summary(self) -> str:
        """Counts, shares employed at the last wave, log-rank and hazard ratios."""
        last = max(self.wave_months.values())
        lines = [self.title]
        excluded = self.counts[self.counts["reason"] != "analysed"]
        analysed = int(self.counts.loc[self.counts["reason"] == "analysed", "n"].sum())
        lines.append(f"Analysed: {analysed}")
        for reason, n in excluded.groupby("reason", sort=False)["n"].sum().items():
            lines.append(f"Excluded ({reason}): {n}")
        for r in self.km.at([last]).itertuples():
            lines.append(
                f"{r.group}: {100 * r.employed_share:.1f} % employed by month {last:g} "
                f"[{100 * r.ci_lower:.1f}, {100 * r.ci_upper:.1f}]"
            )
        if self.logrank is not None:
            lines.append(self.logrank.summary())
        if self.hazard is not None:
            lines.append(self.hazard.summary())
        lines += [part.summary() for part in (self.competing, self.interval) if part is not None]
        return "\n".join(lines)

    def figure(self, lang: str = "en"):
        """Cumulative share employed by month and group (``lang`` ``"sv"`` or ``"en"``)."""
        return cumulative_share_figure(self.km, self.wave_months, lang)

    def figures(self, lang: str = "en") -> dict:
        """The Kaplan–Meier figure (key ``""``), the stacked cumulative incidence of the
        competing events (``competing``) and Turnbull beside Kaplan–Meier (``turnbull``)."""
        return {"": self.figure(lang), **additions.addition_figures(self, lang)}

    def tables(self) -> dict[str, pd.DataFrame]:
        """Report tables: the tidy table (key ``""``), ``competing`` and ``interval``."""
        return {"": self.tidy(), **additions.report_tables(self.competing, self.interval)}

    def sentence(self, lang: str = "en") -> str:
        """Plain-language first events by the last wave and Turnbull shares (sv/en)."""
        return additions.addition_sentence(self.competing, self.interval, lang)

    def write(
        self,
        directory: str | os.PathLike[str],
        *,
        languages: Sequence[str] = LANGUAGES,
        formats: Sequence[str] = ("png", "svg"),
    ) -> Path:
        """Write tables (CSV), figures and a summary into ``directory`` (replaced atomically).

        Files: ``time_to_job.csv`` (tidy), ``persons.csv``, ``counts.csv``,
        ``kaplan_meier.csv``, ``shares_by_month.csv``, ``bounds.csv``, ``logrank.csv``,
        ``hazard_models.csv`` (the last two with two or more groups), ``summary.txt``,
        ``settings.json`` and ``time_to_job_<lang>.<fmt>`` for each language and format;
        with the competing-risks part ``competing_events.csv``, ``cumulative_incidence.csv``,
        ``competing_risks.csv``, ``gray_test.csv``, ``fine_gray.csv`` and
        ``competing_<lang>.<fmt>``; with the interval-censored part ``turnbull.csv``,
        ``interval_censored.csv``, ``interval_regression.csv`` and ``turnbull_<lang>.<fmt>``.
        """
        for lang in languages:
            check_lang(lang, "languages")
        with result_folder(directory) as out:
            tables = {
                "time_to_job": self.tidy(),
                "persons": self.persons,
                "counts": self.counts,
                "kaplan_meier": self.km.tidy(),
                "shares_by_month": self.shares_by_month(),
                "bounds": self.bounds,
            }
            if self.logrank is not None:
                tables["logrank"] = self.logrank.tidy()
            if self.hazard is not None:
                tables["hazard_models"] = self.hazard.tidy()
            tables.update(additions.addition_tables(self.competing, self.interval))
            for name, table in tables.items():
                write_csv(table, out / f"{name}.csv", index=False)
            for lang in languages:
                save_figure(self.figure(lang), out / f"time_to_job_{lang}", formats)
                for key, fig in additions.addition_figures(self, lang).items():
                    save_figure(fig, out / f"{key}_{lang}", formats)
            write_summary_and_settings(out, self.summary(), self.settings)
        return Path(directory)


def _bounds(
    persons: pd.DataFrame, months: np.ndarray, level: float, conf_type: str
) -> pd.DataFrame:
    times = bound_times(persons)
    shares = {}
    for name, series in times.items():
        km = kaplan_meier(persons.assign(time=series), confidence_level=level, conf_type=conf_type)
        shares[name] = km.at(months)
    out = shares["earliest"][["group", "month"]].copy()
    out["earliest"] = shares["earliest"]["employed_share"].to_numpy()
    out["latest"] = shares["latest"]["employed_share"].to_numpy()
    return out


def _group_comparison(
    persons: pd.DataFrame,
    panel: pd.DataFrame,
    months: Mapping[str, float],
    covariates: Sequence[str],
    group: str | None,
    strata: str | None,
    level: float,
) -> tuple[LogRankTest | None, HazardModels | None]:
    """Log-rank test and hazard models when two or more groups are analysed, else none."""
    n_groups = persons.loc[persons["included"], "group"].nunique()
    if n_groups >= 2:
        lr = logrank(persons, strata=panel[strata] if strata else None)
        later = sorted(m for w, m in months.items() if w != "b")
        hz = hazard_models(
            persons,
            panel,
            boundaries=later,
            covariates=list(covariates),
            group_name=group or "group",
            confidence_level=level,
        )
        return lr, hz
    if group is not None:
        raise AnalysisError(
            f"time to job by {group!r}: only {n_groups} group among the analysed people; "
            "use group=None for a single curve"
        )
    return None, None


def time_to_job(
    panel: pd.DataFrame,
    *,
    wave_months: Mapping[str, float] | None = None,
    covariates: Sequence[str] = DEFAULT_COVARIATES,
    group: str | None = "arm",
    employed_at_baseline: BaselinePolicy = "exclude",
    imputation: Imputation = "reported",
    strata: str | None = None,
    confidence_level: float = 0.95,
    conf_type: ConfType = "log",
    left_month: str | None = "left_month",
) -> TimeToJob:
    """Time to first job from baseline, follow-ups and the result survey.

    Parameters
    ----------
    panel : DataFrame
        Linked panel or indicator table: one row per person with ``b_employment``, the
        follow-ups' ``f<k>_employment`` / ``f<k>_job_start_month``, ``r_employment``, the
        ``group`` column and the ``covariates``.
    wave_months : mapping, optional
        Wave code → months since programme start (default baseline 0, follow-up 1 at 2,
        follow-up 2 at 5, result at 7).
    covariates : sequence of str
        Baseline covariates of the hazard models (default age, education level, years in
        Sweden).
    group : str or None
        Column defining the compared groups (default ``arm``); ``None`` for one curve (no
        log-rank test or hazard models then).
    employed_at_baseline : {"exclude", "event_at_start"}
        People with a job at baseline: left out of the "first job" analysis and counted
        (default), or kept as having a job at month 0.
    imputation : {"reported", "right", "midpoint"}
        Event time of a job seen at a wave: the reported start month, else the wave's month
        (default); always the wave's month; or the interval's midpoint when not reported.
    strata : str, optional
        Column to stratify the log-rank test and the competing-risks part's Gray's test by
        (e.g. ``stratum``).
    confidence_level : float
        Level of all intervals.
    conf_type : {"log", "log-log", "plain"}
        Kaplan–Meier interval transformation (as R ``survfit``'s ``conf.type``).
    left_month : str or None
        Column with the month the person left the programme early; with it, or with
        ``<wave>_in_education`` answers, job, education and leaving are analysed as
        competing first events (``result.competing``).

    Returns
    -------
    TimeToJob

    Raises
    ------
    InputError
        Missing columns, invalid values or options.
    AnalysisError
        Nobody left to analyse, or a model that cannot be estimated.
    """
    require_frame(panel)
    level = check_level(confidence_level, "confidence_level")
    check_choice("conf_type", conf_type, ConfType)
    months = check_wave_months(wave_months)
    if isinstance(covariates, str):
        raise InputError(
            f"covariates must be a list of column names; got the string {covariates!r}"
        )
    require_columns(panel, [*covariates, strata], "covariate/strata")
    persons = job_times(
        panel,
        wave_months=months,
        group=group,
        employed_at_baseline=employed_at_baseline,
        imputation=imputation,
    )
    persons.index = panel.index
    counts = exclusion_counts(persons)
    km = kaplan_meier(persons, confidence_level=level, conf_type=conf_type)
    grid = np.arange(0.0, np.floor(max(months.values())) + 1.0)
    bounds = _bounds(persons, grid, level, conf_type)
    lr, hz = _group_comparison(persons, panel, months, covariates, group, strata, level)
    notes: list[str] = list(hz.notes) if hz is not None else []
    more_notes: list[str] = []
    competing, interval = additions.run_additions(
        panel, months=months, covariates=covariates, group=group, left_month=left_month,
        employed_at_baseline=employed_at_baseline, imputation=imputation, level=level,
        notes=more_notes, strata=strata,
    )  # fmt: skip
    settings = {
        "wave_months": months,
        "covariates": list(covariates),
        "group": group,
        "employed_at_baseline": employed_at_baseline,
        "imputation": imputation,
        "strata": strata,
        "confidence_level": level,
        "conf_type": conf_type,
        "clipped_start_months": int(persons["start_clipped"].sum()),
        "notes": notes,
        "left_month": left_month,
        "additions_notes": more_notes,
    }
    log.info(
        "time to job: %d analysed, %d excluded",
        int(persons["included"].sum()),
        int((~persons["included"]).sum()),
    )
    return TimeToJob(
        persons.reset_index(drop=True), counts, km, bounds, lr, hz, months, settings,
        competing=competing, interval=interval,
    )  # fmt: skip
