"""The competing-risks and interval-censored parts of ``time_to_job``: run, tables, figures,
and the report sentence.

``time_to_job`` runs both beside the Kaplan–Meier analysis when the data allow; a part that
cannot run leaves a note instead of failing the whole analysis (the Kaplan–Meier, log-rank
and hazard results do not change).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

import pandas as pd

from impact.errors import ImpactError
from impact.i18n import Lang, check_lang, message
from impact.i18n.numbers import percent, pvalue

from .competing import CompetingRisks, competing_risks
from .figures import text as group_text
from .figures_competing import turnbull_figure
from .gray import GrayTest
from .interval import IntervalCensored, interval_censored

log = logging.getLogger(__name__)


def has_competing_data(panel: pd.DataFrame, left_month: str | None) -> bool:
    """Whether ``panel`` has any follow-up education answer or any ``left_month`` value."""
    answered = [
        panel[c].notna().any()
        for c in panel.columns
        if c.endswith("_in_education") and not c.startswith("b_")
    ]
    left = left_month is not None and left_month in panel.columns
    return any(answered) or (left and bool(panel[left_month].notna().any()))


def run_additions(
    panel: pd.DataFrame,
    *,
    months: Mapping[str, float],
    covariates: Sequence[str],
    group: str | None,
    left_month: str | None,
    employed_at_baseline: str,
    imputation: str,
    level: float,
    notes: list[str],
    strata: str | None = None,
) -> tuple[CompetingRisks | None, IntervalCensored | None]:
    """The competing-risks analysis (when the data have education answers or ``left_month``;
    Gray's test stratified by ``strata`` when given) and the interval-censored analysis; a
    part that cannot run adds a note to ``notes``."""
    common = {
        "wave_months": months,
        "covariates": covariates,
        "group": group,
        "employed_at_baseline": employed_at_baseline,
        "confidence_level": level,
    }
    competing = interval = None
    if has_competing_data(panel, left_month):
        try:
            competing = competing_risks(
                panel, left_month=left_month, imputation=imputation, strata=strata, **common
            )
        except ImpactError as error:
            notes.append(f"competing-risks analysis not possible: {error}")
    else:
        notes.append(
            "no competing-risks analysis: no education answers at the follow-ups and "
            f"no {left_month!r} column"
        )
    try:
        interval = interval_censored(panel, **common)
    except ImpactError as error:
        notes.append(f"interval-censored analysis not possible: {error}")
    return competing, interval


def addition_tables(
    competing: CompetingRisks | None, interval: IntervalCensored | None
) -> dict[str, pd.DataFrame]:
    """CSV tables of the two parts, by file name (empty when a part did not run)."""
    tables: dict[str, pd.DataFrame] = {}
    if competing is not None:
        tables["competing_events"] = competing.events
        tables["cumulative_incidence"] = competing.cif.tidy()
        tables["competing_risks"] = competing.tidy()
        if competing.gray is not None:
            tables["gray_test"] = competing.gray.tidy()
        if competing.fine_gray is not None:
            tables["fine_gray"] = competing.fine_gray.tidy()
    if interval is not None:
        tables["turnbull"] = interval.turnbull.tidy()
        tables["interval_censored"] = interval.tidy()
        if interval.regression is not None:
            tables["interval_regression"] = interval.regression.tidy()
    return tables


def report_tables(
    competing: CompetingRisks | None, interval: IntervalCensored | None
) -> dict[str, pd.DataFrame]:
    """The summary tables the report shows (no per-person rows)."""
    tables = {}
    if competing is not None:
        tables["competing"] = competing.tidy()
    if interval is not None:
        tables["interval"] = interval.tidy()
    return tables


def addition_figures(result, lang: Lang) -> dict:
    """``competing`` (stacked cumulative incidence) and ``turnbull`` (beside Kaplan–Meier)."""
    figures = {}
    if result.competing is not None:
        figures["competing"] = result.competing.figure(lang)
    if result.interval is not None:
        figures["turnbull"] = turnbull_figure(
            result.km, result.interval.turnbull, result.wave_months, lang
        )
    return figures


def _gray_sentence(gray: GrayTest, lang: Lang) -> str:
    """Gray's test of the job share, naming the stratification column when stratified."""
    p = pvalue(gray.tidy().set_index("event").loc["job", "p_value"], lang)
    key = "labels.timing_competing.sentence_gray"
    if gray.strata:
        # the pipeline's column for the randomisation stratum is named in words
        name = gray.strata
        if name == "stratum":
            name = message("labels.timing_competing.strata_stratum", lang)
        return message(key + "_strata", lang, p=p, strata=name)
    return message(key, lang, p=p)


def addition_sentence(
    competing: CompetingRisks | None, interval: IntervalCensored | None, lang: Lang
) -> str:
    """Plain-language sentences on the first events and the Turnbull shares ("" if none)."""
    lang = check_lang(lang)
    key = "labels.timing_competing."
    parts = []
    if competing is not None:
        last = max(competing.wave_months.values())
        at = competing.cif.at([last])
        groups = []
        for group, part in at.groupby("group", sort=True):
            share = {r.state: percent(r.estimate, lang, 0) for r in part.itertuples()}
            groups.append(
                message(key + "sentence_group", lang, group=group_text(str(group), lang), **share)
            )
        parts.append(message(key + "sentence", lang, month=f"{last:g}", groups="; ".join(groups)))
        if competing.gray is not None:
            parts.append(_gray_sentence(competing.gray, lang))
    if interval is not None:
        s = interval.shares_at_waves()
        last = s["month"].max()
        shares = "; ".join(
            f"{group_text(str(r.group), lang)} {percent(r.employed_share, lang, 0)}"
            for r in s[s["month"] == last].itertuples()
        )
        parts.append(message(key + "sentence_interval", lang, month=f"{last:g}", shares=shares))
    return " ".join(parts)
