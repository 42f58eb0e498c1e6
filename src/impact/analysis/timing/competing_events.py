"""Per-person first event — job, education or leaving the programme — from the survey waves.

The time to a first job treats a move into education or leaving the programme as
*censoring*; here they are **competing outcomes**: whichever comes first ends the wait.

Rules (the same interval logic as :mod:`~impact.analysis.timing.episodes`):

* The waves after baseline are read in order. The first answered wave (``<wave>_employment``
  given) with a job **or** with ``<wave>_in_education`` true is the event wave; a job at that
  wave makes the event ``job`` (a job wins over education at the same wave), else
  ``education``. People already studying at baseline (``b_in_education`` true) are at risk of
  a job and of leaving only: their studies are not a new event.
* A job's time is the one :func:`~impact.analysis.timing.episodes.job_times` gives (the
  reported start month clipped into the interval, else the wave's month, by ``imputation``);
  education has no reported month, so its time is the wave's month (``"midpoint"``: the middle
  of the interval). ``interval_lower`` / ``interval_upper`` bound the event as in
  ``episodes``.
* ``left_month`` (months after programme start when the person left the programme early,
  from the randomisation list) makes the event ``left`` at that month when it comes before
  the survey event (a tie goes to the survey event: a job is a common reason to leave) and no
  later than the last wave month. Leaving is recorded by the programme, so it counts even
  after the person's last answered wave.
* Otherwise the person is censored at the last answered wave.

Who is analysed and who is excluded (and why) is exactly as in ``job_times``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from impact.analysis._common import bad_rows
from impact.validation import check_choice

from ._checks import SOURCE, require_frame
from .episodes import BaselinePolicy, Imputation, check_wave_months, job_times

#: Event types, in the order of the cumulative incidence tables (censored first).
EVENT_TYPES = ("censored", "job", "education", "left")
COMPETING_COLUMNS = [
    "person_id",
    "group",
    "included",
    "exclusion",
    "event_type",
    "time",
    "interval_lower",
    "interval_upper",
    "event_wave",
    "left_month",
]
_TRUE = ("true", "1", "yes", "ja", "sant")
_FALSE = ("false", "0", "no", "nej", "falskt")


def _flag(panel: pd.DataFrame, column: str) -> np.ndarray:
    """A yes/no column as 1.0 / 0.0 / NaN (missing); an absent column is all missing."""
    if column not in panel.columns:
        return np.full(len(panel), np.nan)
    text = panel[column].astype("string").str.strip().str.lower()
    bad = (text.notna() & ~text.isin(_TRUE + _FALSE)).fillna(False).to_numpy(bool)
    bad_rows(panel, column, bad, "true/false (or 1/0) or missing", SOURCE)
    return np.where(text.isin(_TRUE).fillna(False), 1.0, np.where(text.isna(), np.nan, 0.0))


def left_months(panel: pd.DataFrame, column: str | None) -> np.ndarray:
    """``column`` (month the person left the programme) as floats, NaN when not left.

    Raises
    ------
    InputError
        A value that is not a month ≥ 0.
    """
    if column is None or column not in panel.columns:
        return np.full(len(panel), np.nan)
    values = pd.to_numeric(panel[column], errors="coerce").astype("Float64")
    wrong = (panel[column].notna() & values.isna()) | (values < 0).fillna(False)
    bad_rows(panel, column, wrong.to_numpy(bool), "a month ≥ 0 or empty (did not leave)", SOURCE)
    return values.astype(float).to_numpy()


def _first_education(
    panel: pd.DataFrame, months: Mapping[str, float], waves: list[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per person: month of the first answered wave in education (inf if none), the month of
    the answered wave before it, and that wave's code."""
    n = len(panel)
    studying_b = _flag(panel, "b_in_education") == 1.0
    month = np.full(n, np.inf)
    lower = np.full(n, months["b"])
    wave_code = np.full(n, "", dtype=object)
    for wave in waves[1:]:
        answered = panel[f"{wave}_employment"].notna().to_numpy(bool)
        open_ = answered & np.isinf(month)
        hit = open_ & (_flag(panel, f"{wave}_in_education") == 1.0) & ~studying_b
        month[hit] = months[wave]
        wave_code[hit] = wave
        lower[open_ & ~hit] = months[wave]
    return month, lower, wave_code


def _education_time(lower: np.ndarray, upper: np.ndarray, imputation: Imputation) -> np.ndarray:
    return (lower + upper) / 2.0 if imputation == "midpoint" else upper


def competing_events(
    panel: pd.DataFrame,
    *,
    wave_months: Mapping[str, float] | None = None,
    group: str | None = "arm",
    left_month: str | None = "left_month",
    employed_at_baseline: BaselinePolicy = "exclude",
    imputation: Imputation = "reported",
) -> pd.DataFrame:
    """First event (job, education, left) or censoring for every person in ``panel``.

    Parameters
    ----------
    panel : DataFrame
        Linked panel or indicator table, as for
        :func:`~impact.analysis.timing.episodes.job_times`, optionally with
        ``<wave>_in_education`` (yes/no) and the ``left_month`` column.
    wave_months, group, employed_at_baseline, imputation
        As in ``job_times``.
    left_month : str or None
        Column with the month the person left the programme (used when present).

    Returns
    -------
    DataFrame
        One row per panel row with :data:`COMPETING_COLUMNS`.
    """
    require_frame(panel)
    check_choice("imputation", imputation, Imputation)
    months = check_wave_months(wave_months)
    waves = sorted(months, key=months.get)
    persons = job_times(
        panel,
        wave_months=months,
        group=group,
        employed_at_baseline=employed_at_baseline,
        imputation=imputation,
    )
    left = left_months(panel, left_month)
    edu_month, edu_lower, edu_wave = _first_education(panel, months, waves)
    job = persons["event"].to_numpy() == 1
    job_upper = persons["interval_upper"].to_numpy(float)
    edu_first = ~np.isinf(edu_month) & (~job | (edu_month < job_upper))
    kind = np.where(edu_first, "education", np.where(job, "job", "censored")).astype(object)
    time = np.where(
        edu_first,
        _education_time(edu_lower, edu_month, imputation),
        persons["time"].to_numpy(float),
    )
    lower = np.where(edu_first, edu_lower, persons["interval_lower"].to_numpy(float))
    upper = np.where(edu_first, edu_month, np.where(job, job_upper, np.inf))
    wave = np.where(edu_first, edu_wave, persons["event_wave"].to_numpy(dtype=object))
    horizon = max(months.values())
    leaves = ~np.isnan(left) & (left <= horizon)
    leaves &= np.where(kind == "censored", True, left < time)
    kind[leaves] = "left"
    time = np.where(leaves, left, time)
    lower = np.where(leaves, left, lower)
    upper = np.where(leaves, left, upper)
    wave = np.where(leaves, "", wave)
    out = pd.DataFrame(
        {
            "person_id": persons["person_id"].to_numpy(),
            "group": persons["group"].to_numpy(),
            "included": persons["included"].to_numpy(bool),
            "exclusion": persons["exclusion"].to_numpy(),
            "event_type": kind,
            "time": time,
            "interval_lower": lower,
            "interval_upper": upper,
            "event_wave": wave,
            "left_month": left,
        }
    )
    for column in ("person_id", "group", "exclusion", "event_type", "event_wave"):
        out[column] = out[column].astype("string")
    return out[COMPETING_COLUMNS]


__all__ = ["COMPETING_COLUMNS", "EVENT_TYPES", "competing_events", "left_months"]
