"""Per-person time to first job from the survey waves, with censoring and interval bounds.

The follow-ups are *interval observations*: a person says "no job" at one wave and "job" at a
later one, so the job started somewhere in between. Each person gets

* ``interval_lower`` — the month of the last answered wave without a job (0 = baseline);
* ``interval_upper`` — the month of the first answered wave with a job (``inf`` if none);
* ``start_month`` — the job start month the person reported at that wave, when asked;
* ``time`` and ``event`` — the event time used by the Kaplan–Meier, log-rank and Cox
  analyses (``event`` 1 = job, 0 = censored at the last answered wave).

``imputation`` decides ``time`` for a job: ``"reported"`` (default) uses the reported start
month, clipped into ``[interval_lower, interval_upper]``, and otherwise the wave's month
(right-endpoint imputation); ``"right"`` always uses the wave's month; ``"midpoint"`` uses the
reported month when given and otherwise the middle of the interval. Right-endpoint imputation
makes jobs look later than they were, so the cumulative share employed is an under-statement
between waves; :func:`bound_times` gives the earliest and latest times consistent with the
answers for a bounds analysis.

People employed at baseline have no "first job" to find: by default they are excluded and
counted (``employed_at_baseline="exclude"``); ``"event_at_start"`` keeps them as having a job
at month 0. People who answered no wave after baseline carry no information and are excluded
(counted as ``no_followup``), as are people without a baseline answer (``no_baseline``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Literal

import numpy as np
import pandas as pd

from impact.analysis._common import bad_rows
from impact.errors import InputError
from impact.validation import check_choice, check_level

from ._checks import SOURCE, require_columns, require_frame

log = logging.getLogger(__name__)

Imputation = Literal["reported", "right", "midpoint"]
BaselinePolicy = Literal["exclude", "event_at_start"]

#: Default wave months: baseline 0, follow-up 1 at 2 months, follow-up 2 at 5, result at 7.
DEFAULT_WAVE_MONTHS: dict[str, float] = {"b": 0.0, "f1": 2.0, "f2": 5.0, "r": 7.0}
EMPLOYMENT_CODES = ("none", "part_time", "full_time")
EMPLOYED = ("part_time", "full_time")
#: Exclusion reasons, in the order they are checked.
REASONS = ("missing_group", "no_baseline", "employed_at_baseline", "no_followup")
PERSON_COLUMNS = [
    "person_id",
    "group",
    "included",
    "exclusion",
    "employed_at_baseline",
    "event",
    "time",
    "interval_lower",
    "interval_upper",
    "start_month",
    "start_clipped",
    "event_wave",
    "last_wave",
]


def check_wave_months(wave_months: Mapping[str, float] | None) -> dict[str, float]:
    """Validate the wave → month mapping: baseline ``b`` at the earliest month, months distinct.

    Raises
    ------
    InputError
        Baseline missing, non-numeric or negative months, duplicate months, no later wave.
    """
    months = dict(DEFAULT_WAVE_MONTHS if wave_months is None else wave_months)
    if "b" not in months:
        raise InputError("wave_months must include the baseline wave 'b' (month 0)")
    try:
        values = {w: float(m) for w, m in months.items()}
    except (TypeError, ValueError) as exc:
        raise InputError(f"wave_months must map wave codes to numbers; got {months!r}") from exc
    if any(not np.isfinite(v) or v < 0 for v in values.values()):
        raise InputError(f"wave_months must be finite months ≥ 0; got {months!r}")
    later = {w: v for w, v in values.items() if w != "b"}
    if not later:
        raise InputError("wave_months needs at least one wave after baseline (e.g. 'f1', 'r')")
    if len(set(values.values())) != len(values) or min(later.values()) <= values["b"]:
        raise InputError(
            f"wave_months must be distinct and every later wave after baseline; got {months!r}"
        )
    return values


def check_analysis_inputs(
    panel: object,
    confidence_level: float,
    wave_months: Mapping[str, float] | None,
    covariates: Iterable[str],
) -> tuple[float, dict[str, float]]:
    """The checks every time-to-job verb starts with: a non-empty frame, a level in (0, 1),
    valid wave months and a list of covariate columns present in ``panel``.

    Returns
    -------
    (level, months)
    """
    frame = require_frame(panel)
    level = check_level(confidence_level, "confidence_level")
    months = check_wave_months(wave_months)
    if isinstance(covariates, str):
        raise InputError(f"covariates must be a list of column names; got {covariates!r}")
    require_columns(frame, list(covariates), "covariate")
    return level, months


def _employment(panel: pd.DataFrame, wave: str) -> pd.Series:
    column = f"{wave}_employment"
    values = panel[column].astype("string").str.strip().str.lower()
    bad = (values.notna() & ~values.isin(EMPLOYMENT_CODES)).fillna(False).to_numpy(bool)
    bad_rows(panel, column, bad, f"one of {', '.join(EMPLOYMENT_CODES)} or missing", SOURCE)
    return values


def _start_month(panel: pd.DataFrame, wave: str) -> pd.Series:
    column = f"{wave}_job_start_month"
    if column not in panel.columns:
        return pd.Series(np.nan, index=panel.index)
    values = pd.to_numeric(panel[column], errors="coerce").astype("Float64")
    wrong = (panel[column].notna() & values.isna()) | (values < 0).fillna(False)
    bad_rows(panel, column, wrong.to_numpy(bool), "a month ≥ 0 or missing", SOURCE)
    return values.astype(float)


def _first_job_intervals(
    status: dict[str, pd.Series],
    starts: dict[str, pd.Series],
    months: Mapping[str, float],
    waves: list[str],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per person: the interval (lower, upper] holding the first job after baseline, the
    reported start month, the wave the job was seen, the last wave answered and whether a job
    was seen at all."""
    n = len(status["b"])
    lower = np.full(n, months["b"])
    upper = np.full(n, np.inf)
    start = np.full(n, np.nan)
    event_wave = np.full(n, "", dtype=object)
    last_wave = np.where(status["b"].notna().to_numpy(bool), "b", "").astype(object)
    found = np.zeros(n, bool)
    for wave in waves[1:]:
        answer = status[wave].to_numpy(dtype=object, na_value=None)
        seen = np.array([a is not None for a in answer]) & ~found
        job = seen & np.array([a in EMPLOYED for a in answer])
        upper[job] = months[wave]
        start[job] = starts[wave].to_numpy()[job]
        event_wave[job] = wave
        no_job = seen & ~job
        lower[no_job] = months[wave]
        last_wave[seen] = wave
        found |= job
    return lower, upper, start, event_wave, last_wave, found


def _event_times(
    lower: np.ndarray,
    upper: np.ndarray,
    start: np.ndarray,
    found: np.ndarray,
    imputation: Imputation,
) -> tuple[np.ndarray, np.ndarray]:
    """Event or censoring times under ``imputation``, and which reported starts were clipped."""
    reported = ~np.isnan(start)
    clipped_start = np.clip(np.where(reported, start, 0.0), lower, np.where(found, upper, lower))
    start_clipped = reported & (clipped_start != start)
    if imputation == "right":
        time = np.where(found, upper, lower)
    elif imputation == "midpoint":
        time = np.where(found, np.where(reported, clipped_start, (lower + upper) / 2.0), lower)
    else:
        time = np.where(found & reported, clipped_start, np.where(found, upper, lower))
    return time, start_clipped


def _exclusions(
    groups: pd.Series,
    base: pd.Series,
    employed_b: np.ndarray,
    last_wave: np.ndarray,
    waves: list[str],
    employed_at_baseline: BaselinePolicy,
) -> np.ndarray:
    """The first reason each person is left out of the analysis ("" for the analysed)."""
    exclusion = np.full(len(base), "", dtype=object)
    no_followup = ~np.isin(last_wave, waves[1:])
    for reason, flag in (
        ("missing_group", groups.isna().to_numpy(bool)),
        ("no_baseline", base.isna().to_numpy(bool)),
        ("employed_at_baseline", employed_b & (employed_at_baseline == "exclude")),
        ("no_followup", no_followup & ~(employed_b & (employed_at_baseline != "exclude"))),
    ):
        exclusion[(exclusion == "") & flag] = reason
    return exclusion


def _person_ids(panel: pd.DataFrame) -> pd.api.extensions.ExtensionArray | np.ndarray:
    """The panel's ``person_id`` as text, or ``row1``, ``row2``, … when it has none."""
    if "person_id" in panel.columns:
        return panel["person_id"].astype("string").to_numpy()
    return pd.array([f"row{i + 1}" for i in range(len(panel))], dtype="string")


def job_times(
    panel: pd.DataFrame,
    *,
    wave_months: Mapping[str, float] | None = None,
    group: str | None = "arm",
    employed_at_baseline: BaselinePolicy = "exclude",
    imputation: Imputation = "reported",
) -> pd.DataFrame:
    """Build the per-person time to first job from the linked panel.

    Parameters
    ----------
    panel : DataFrame
        Linked panel or indicator table (one row per person) with ``<wave>_employment`` for
        every wave in ``wave_months`` and, where asked, ``<wave>_job_start_month``.
    wave_months : mapping, optional
        Wave code → months since programme start (default :data:`DEFAULT_WAVE_MONTHS`).
    group : str or None
        Column defining the curves (default ``arm``); ``None`` for one curve (``"all"``).
    employed_at_baseline : {"exclude", "event_at_start"}
        What to do with people who had a job at baseline (see the module docstring).
    imputation : {"reported", "right", "midpoint"}
        Event time of a job seen between two waves (see the module docstring).

    Returns
    -------
    DataFrame
        One row per panel row with :data:`PERSON_COLUMNS`; ``included`` marks the analysed
        people and ``exclusion`` names the reason for the others.
    """
    require_frame(panel)
    check_choice("employed_at_baseline", employed_at_baseline, BaselinePolicy)
    check_choice("imputation", imputation, Imputation)
    months = check_wave_months(wave_months)
    waves = sorted(months, key=months.get)
    require_columns(panel, [f"{w}_employment" for w in waves], "wave employment")
    require_columns(panel, [group], "group")
    status = {w: _employment(panel, w) for w in waves}
    starts = {w: _start_month(panel, w) for w in waves}
    if group is None:
        groups = pd.Series("all", index=panel.index, dtype="string")
    else:
        groups = panel[group].astype("string").str.strip()

    base = status["b"]
    employed_b = base.isin(EMPLOYED).fillna(False).to_numpy(bool)
    lower, upper, start, event_wave, last_wave, found = _first_job_intervals(
        status, starts, months, waves
    )
    reported = ~np.isnan(start)
    time, start_clipped = _event_times(lower, upper, start, found, imputation)
    exclusion = _exclusions(groups, base, employed_b, last_wave, waves, employed_at_baseline)
    at_start = employed_b & (exclusion == "")
    event = np.where(at_start, 1, found.astype(int))
    time = np.where(at_start, months["b"], time)
    lower = np.where(at_start, months["b"], lower)
    upper = np.where(at_start, months["b"], upper)
    event_wave = np.where(at_start, "b", event_wave)
    out = pd.DataFrame(
        {
            "person_id": _person_ids(panel),
            "group": groups.fillna("").to_numpy(),
            "included": exclusion == "",
            "exclusion": exclusion,
            "employed_at_baseline": employed_b,
            "event": event,
            "time": time.astype(float),
            "interval_lower": lower.astype(float),
            "interval_upper": upper.astype(float),
            "start_month": np.where(reported & ~at_start, start, np.nan),
            "start_clipped": start_clipped & ~at_start,
            "event_wave": event_wave,
            "last_wave": last_wave,
        }
    )
    return _person_table(out, start_clipped)


def _person_table(out: pd.DataFrame, start_clipped: np.ndarray) -> pd.DataFrame:
    """The person table with its text columns as strings (and a note of clipped start months)."""
    for column in ("person_id", "group", "exclusion", "event_wave", "last_wave"):
        out[column] = out[column].astype("string")
    if start_clipped.any():
        log.info(
            "%d reported job start month(s) lay outside the interval between waves and were "
            "clipped into it",
            int(start_clipped.sum()),
        )
    return out[PERSON_COLUMNS]


def exclusion_counts(persons: pd.DataFrame) -> pd.DataFrame:
    """Counts of analysed and excluded people by reason and group (``reason``, ``group``, ``n``)."""
    reasons = persons["exclusion"].mask(persons["included"], "analysed")
    table = (
        pd.DataFrame({"reason": reasons, "group": persons["group"]})
        .value_counts()
        .rename("n")
        .reset_index()
    )
    order = {r: i for i, r in enumerate(("analysed", *REASONS))}
    table["_o"] = table["reason"].map(order)
    table = table.sort_values(["_o", "group"]).drop(columns="_o").reset_index(drop=True)
    table["n"] = table["n"].astype(int)
    return table


def bound_times(persons: pd.DataFrame) -> dict[str, pd.Series]:
    """Earliest and latest event times consistent with the answers (for a bounds analysis).

    A job first seen at a wave without a reported start month started after the last wave
    without a job: the earliest time is one month after that wave (but not after the wave
    where the job was seen), the latest is that wave's month. Reported start months and
    censoring times are kept as they are.

    Returns
    -------
    dict
        ``{"earliest": Series, "latest": Series}`` of event times (index as ``persons``).
    """
    event = persons["event"].to_numpy() == 1
    reported = persons["start_month"].notna().to_numpy()
    lower = persons["interval_lower"].to_numpy(float)
    upper = persons["interval_upper"].to_numpy(float)
    time = persons["time"].to_numpy(float)
    point = ~event | reported | (lower == upper)
    earliest = np.where(point, time, np.minimum(lower + 1.0, upper))
    latest = np.where(point, time, upper)
    return {
        "earliest": pd.Series(earliest, index=persons.index),
        "latest": pd.Series(latest, index=persons.index),
    }
